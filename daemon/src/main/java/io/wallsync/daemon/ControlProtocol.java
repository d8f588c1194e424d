package io.wallsync.daemon;

import io.wallsync.adapters.linux.UnixStreamSockets.PeerCredentials;
import io.wallsync.adapters.page.DomainName;
import java.io.IOException;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * The control socket's line protocol. One request per line, one answer line starting with
 * {@code ok} or {@code error}:
 *
 * <pre>
 *  request                      answer
 *  list                         ok NAME:OFFSET_S:GENERATION ...
 *  get-offset NAME              ok NAME OFFSET_S
 *  set-offset NAME OFFSET_S     ok NAME OFFSET_S           (root or the control group)
 *  add NAME [OFFSET_S]          ok added NAME              (root or the control group)
 *  remove NAME                  ok removed NAME            (root or the control group)
 * </pre>
 */
public final class ControlProtocol {
    /** Longest request line accepted. */
    public static final int MAX_LINE = 256;

    private final ServeDaemon daemon;
    private final AccessPolicy policy;

    public ControlProtocol(ServeDaemon daemon, AccessPolicy policy) {
        this.daemon = daemon;
        this.policy = policy;
    }

    /**
     * One answer line and what it was.
     *
     * @param text the line sent back (without the newline)
     * @param request the parsed request, or null when the line did not parse
     * @param refused whether the policy refused the change ({@link AccessPolicy#refusal})
     */
    public record Answer(String text, ControlRequest request, boolean refused) {
        public boolean ok() {
            return text.startsWith("ok");
        }
    }

    public AccessPolicy policy() {
        return policy;
    }

    /** Answers one request line from {@code peer}. */
    public String answer(String line, PeerCredentials peer) {
        return respond(line, peer).text();
    }

    /** Answers one request line from {@code peer}, saying whether it was refused. */
    public Answer respond(String line, PeerCredentials peer) {
        ControlRequest request;
        try {
            request = ControlRequest.parse(line);
        } catch (IllegalArgumentException e) {
            // A change request of the right shape but with a bad value: an unprivileged peer is
            // told it may not make it at all (as for a well-formed one), not what is wrong in it.
            String verb = line.trim().split("\\s+")[0];
            if (ControlRequest.CHANGE_VERBS.contains(verb) && !e.getMessage().startsWith("usage:")) {
                String refusal = policy.refusal(peer, line.trim());
                if (refusal != null) {
                    return new Answer("error " + refusal, null, true);
                }
            }
            return new Answer("error " + e.getMessage(), null, false);
        }
        if (request.isChange()) {
            String refusal = policy.refusal(peer, line.trim());
            if (refusal != null) {
                return new Answer("error " + refusal, request, true);
            }
        }
        return new Answer(perform(request), request, false);
    }

    private String perform(ControlRequest request) {
        try {
            return switch (request) {
                case ControlRequest.ListDomains l ->
                    "ok "
                            + daemon.call(p -> p.domains().stream()
                                    .map(d -> d.name() + ":" + d.timeOffsetSeconds() + ":" + d.stepGeneration())
                                    .collect(Collectors.joining(" ")));
                case ControlRequest.GetOffset(DomainName name) -> {
                    OptionalLong offset = daemon.call(p -> p.timeOffsetSeconds(name));
                    yield offset.isPresent() ? "ok " + name + " " + offset.getAsLong() : noSuchDomain(name);
                }
                case ControlRequest.SetOffset(DomainName name, long offset) -> {
                    boolean done = daemon.call(p -> p.setTimeOffset(name, offset));
                    yield done ? "ok " + name + " " + offset : noSuchDomain(name);
                }
                case ControlRequest.Add(DomainSpec spec) -> {
                    boolean added = daemon.call(p -> p.addDomain(spec));
                    yield added ? "ok added " + spec.name() : "error domain " + spec.name() + " already exists";
                }
                case ControlRequest.Remove(DomainName name) -> {
                    boolean removed = daemon.call(p -> p.removeDomain(name));
                    yield removed ? "ok removed " + name : noSuchDomain(name);
                }
            };
        } catch (IllegalArgumentException e) {
            return "error " + e.getMessage();
        } catch (IOException e) {
            return "error " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "error interrupted";
        }
    }

    private static String noSuchDomain(DomainName name) {
        return "error no domain " + name;
    }
}
