package io.wallsync.cli;

import io.wallsync.adapters.page.PageDirectory;
import io.wallsync.daemon.ControlProtocol;
import io.wallsync.daemon.ControlRequest;
import io.wallsync.daemon.ControlServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code wallsync control}: sends one request to a running daemon's control socket. */
@Command(
        name = "control",
        mixinStandardHelpOptions = true,
        description = {
            "Send one request to the control socket of wallsync serve and print the answer.",
            "Requests: list | get-offset NAME | set-offset NAME OFFSET_S | add NAME [OFFSET_S] | remove NAME",
            "Changes need root or the daemon's --control-group. A malformed request is a usage error (exit 2,"
                    + " checked before connecting); exit 1 when the daemon answers with an error, is not running"
                    + " or does not answer within --timeout."
        })
public final class ControlCommand implements Callable<Integer> {
    /** Longest answer line read (a list of many domains). */
    static final int MAX_ANSWER = 1 << 20;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", description = "Page directory (default as for serve).")
    Path dir;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            defaultValue = "5s",
            converter = DurationConverter.class,
            description = "Give up (exit 1) when the daemon has not answered within DURATION (default:"
                    + " ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--json", description = "Print the answer as one JSON object (fields in docs/serve.md).")
    boolean json;

    @Parameters(arity = "1..*", paramLabel = "REQUEST", description = "The request words.")
    List<String> request;

    @Override
    public Integer call() throws IOException, InterruptedException {
        String line = String.join(" ", request);
        if (line.length() > ControlProtocol.MAX_LINE) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "request longer than " + ControlProtocol.MAX_LINE + " bytes");
        }
        ControlRequest parsed;
        try {
            parsed = ControlRequest.parse(line); // the daemon's own parser: a malformed request is a usage error here
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Path socket = (dir != null ? dir : PageDirectory.defaultDirectory()).resolve(ControlServer.SOCKET_NAME);
        PrintWriter err = spec.commandLine().getErr();
        Exchange exchange = exchange(socket, line, timeout);
        String answer;
        switch (exchange) {
            case Exchange.NotConnected n -> {
                err.println("wallsync: cannot connect to " + socket + " (" + n.why() + "); is wallsync serve running?");
                return 1;
            }
            case Exchange.NoAnswer n -> {
                err.println("wallsync: " + n.why());
                return 1;
            }
            case Exchange.Answered a -> answer = a.line();
        }
        if (answer.startsWith("ok")) {
            String text = answer.length() > 2 ? answer.substring(3) : "";
            spec.commandLine().getOut().println(json ? JsonLines.of(jsonFields(parsed, text)) : text);
            return 0;
        }
        err.println("wallsync: " + answer);
        return 1;
    }

    /** How one request went. */
    sealed interface Exchange {
        record Answered(String line) implements Exchange {}

        record NotConnected(String why) implements Exchange {}

        record NoAnswer(String why) implements Exchange {}
    }

    /**
     * Sends {@code line} and reads one answer line, all within {@code timeout}: the exchange runs on
     * a virtual thread, and closing the channel when the time is up ends whatever it waits for
     * (a connect to a full backlog, a read from a daemon that accepted and never answers).
     */
    static Exchange exchange(Path socket, String line, Duration timeout) throws IOException, InterruptedException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        AtomicBoolean connected = new AtomicBoolean();
        CompletableFuture<Exchange> result = new CompletableFuture<>();
        Thread.ofVirtual().name("wallsync-control-client").start(() -> {
            try {
                ch.connect(UnixDomainSocketAddress.of(socket));
                connected.set(true);
                ByteBuffer out = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
                while (out.hasRemaining()) {
                    ch.write(out);
                }
                result.complete(readAnswer(ch, socket));
            } catch (IOException e) {
                String why =
                        e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
                result.complete(
                        connected.get()
                                ? new Exchange.NoAnswer("the connection to " + socket + " failed: " + why)
                                : new Exchange.NotConnected(why));
            }
        });
        try (ch) {
            return result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return new Exchange.NoAnswer("no answer from the daemon at " + socket + " within " + timeout.toMillis()
                    + " ms ("
                    + (connected.get()
                            ? "connected; the daemon is wedged or overloaded"
                            : "connect did not" + " complete; the daemon is not accepting")
                    + "); see --timeout");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause()); // the task completes normally or with the cases above
        }
    }

    private static Exchange readAnswer(SocketChannel ch, Path socket) throws IOException {
        ByteBuffer in = ByteBuffer.allocate(4096);
        java.io.ByteArrayOutputStream answer = new java.io.ByteArrayOutputStream();
        while (true) {
            in.clear();
            if (ch.read(in) < 0) {
                return new Exchange.NoAnswer("the daemon at " + socket + " closed the connection without an answer");
            }
            in.flip();
            while (in.hasRemaining()) {
                byte b = in.get();
                if (b == '\n') {
                    return new Exchange.Answered(answer.toString(StandardCharsets.UTF_8));
                }
                answer.write(b);
            }
            if (answer.size() > MAX_ANSWER) {
                return new Exchange.NoAnswer("the daemon's answer is longer than " + MAX_ANSWER + " bytes");
            }
        }
    }

    /** The answer after "ok " as JSON fields (docs/serve.md, "control --json"). */
    static Map<String, Object> jsonFields(ControlRequest request, String text) {
        Map<String, Object> f = new LinkedHashMap<>();
        switch (request) {
            case ControlRequest.ListDomains l -> {
                List<Map<String, Object>> domains = new ArrayList<>();
                for (String entry : text.isBlank() ? new String[0] : text.trim().split(" ")) {
                    // NAME:OFFSET_S:GENERATION; a domain name has no ':' (DomainName).
                    String[] parts = entry.split(":");
                    Map<String, Object> d = new LinkedHashMap<>();
                    d.put("name", parts[0]);
                    d.put("offset_s", Long.parseLong(parts[1]));
                    d.put("generation", Long.parseLong(parts[2]));
                    domains.add(d);
                }
                f.put("domains", domains);
            }
            case ControlRequest.GetOffset g -> offsetFields(f, text);
            case ControlRequest.SetOffset so -> offsetFields(f, text);
            case ControlRequest.Add a -> f.put("added", a.spec().name().toString());
            case ControlRequest.Remove r -> f.put("removed", r.name().toString());
        }
        return f;
    }

    private static void offsetFields(Map<String, Object> f, String text) {
        String[] words = text.trim().split(" "); // NAME OFFSET_S
        f.put("name", words[0]);
        f.put("offset_s", Long.parseLong(words[1]));
    }
}
