package io.wallsync.cli.serve;

import io.wallsync.adapters.page.DomainName;
import java.io.IOException;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import jdk.net.UnixDomainPrincipal;

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

    /** Answers one request line from {@code peer}. */
    public String answer(String line, UnixDomainPrincipal peer) {
        List<String> words = List.of(line.trim().split("\\s+"));
        String verb = words.getFirst();
        try {
            return switch (verb) {
                case "list" -> {
                    expectArgs(words, 0, "list");
                    yield "ok "
                            + daemon.call(p -> p.domains().stream()
                                    .map(d -> d.name() + ":" + d.timeOffsetSeconds() + ":" + d.stepGeneration())
                                    .collect(Collectors.joining(" ")));
                }
                case "get-offset" -> {
                    expectArgs(words, 1, "get-offset NAME");
                    DomainName name = new DomainName(words.get(1));
                    OptionalLong offset = daemon.call(p -> p.timeOffsetSeconds(name));
                    yield offset.isPresent() ? "ok " + name + " " + offset.getAsLong() : noSuchDomain(name);
                }
                case "set-offset" -> {
                    expectArgs(words, 2, "set-offset NAME OFFSET_S");
                    String refusal = policy.refusal(peer, line.trim());
                    if (refusal != null) {
                        yield "error " + refusal;
                    }
                    DomainName name = new DomainName(words.get(1));
                    long offset = seconds(words.get(2));
                    DomainSpec.checkOffset(offset);
                    boolean done = daemon.call(p -> p.setTimeOffset(name, offset));
                    yield done ? "ok " + name + " " + offset : noSuchDomain(name);
                }
                case "add" -> {
                    if (words.size() != 2 && words.size() != 3) {
                        throw new IllegalArgumentException("usage: add NAME [OFFSET_S]");
                    }
                    String refusal = policy.refusal(peer, line.trim());
                    if (refusal != null) {
                        yield "error " + refusal;
                    }
                    DomainSpec spec =
                            new DomainSpec(new DomainName(words.get(1)), words.size() == 3 ? seconds(words.get(2)) : 0);
                    boolean added = daemon.call(p -> p.addDomain(spec));
                    yield added ? "ok added " + spec.name() : "error domain " + spec.name() + " already exists";
                }
                case "remove" -> {
                    expectArgs(words, 1, "remove NAME");
                    String refusal = policy.refusal(peer, line.trim());
                    if (refusal != null) {
                        yield "error " + refusal;
                    }
                    DomainName name = new DomainName(words.get(1));
                    boolean removed = daemon.call(p -> p.removeDomain(name));
                    yield removed ? "ok removed " + name : noSuchDomain(name);
                }
                default -> "error unknown request '" + verb + "': expected list, get-offset, set-offset, add or remove";
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

    private static void expectArgs(List<String> words, int n, String usage) {
        if (words.size() != n + 1) {
            throw new IllegalArgumentException("usage: " + usage);
        }
    }

    private static long seconds(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("offset '" + text + "' is not a whole number of seconds");
        }
    }
}
