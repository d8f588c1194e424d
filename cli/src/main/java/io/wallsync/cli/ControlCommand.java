package io.wallsync.cli;

import io.wallsync.adapters.page.PageDirectory;
import io.wallsync.daemon.ControlProtocol;
import io.wallsync.daemon.ControlRequest;
import io.wallsync.daemon.ControlServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code wallsync control}: sends one request to a running daemon's control socket. */
@Command(
        name = "control",
        mixinStandardHelpOptions = true,
        description = {
            "Send one request to wallsync serve and print the answer.",
            "The request goes to the control socket in the page directory.",
            "Requests: list | get-offset NAME | set-offset NAME OFFSET_S | add NAME [OFFSET_S] | remove NAME",
            "Changes need root or the daemon's --control-group. A malformed request is a usage error (exit 2,"
                    + " checked before connecting); exit 1 when the daemon answers with an error."
        })
public final class ControlCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", description = "Page directory (default as for serve).")
    Path dir;

    @Parameters(arity = "1..*", paramLabel = "REQUEST", description = "The request words.")
    List<String> request;

    @Override
    public Integer call() throws IOException {
        String line = String.join(" ", request);
        if (line.length() > ControlProtocol.MAX_LINE) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "request longer than " + ControlProtocol.MAX_LINE + " bytes");
        }
        try {
            ControlRequest.parse(line); // the daemon's own parser: a malformed request is a usage error here
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Path socket = (dir != null ? dir : PageDirectory.defaultDirectory()).resolve(ControlServer.SOCKET_NAME);
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            try {
                ch.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                spec.commandLine()
                        .getErr()
                        .println("wallsync: cannot connect to " + socket + " (" + e.getMessage()
                                + "); is wallsync serve running?");
                return 1;
            }
            ch.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
            String answer = in.readLine();
            if (answer == null) {
                spec.commandLine().getErr().println("wallsync: the daemon closed the connection without an answer");
                return 1;
            }
            if (answer.startsWith("ok")) {
                spec.commandLine().getOut().println(answer.length() > 2 ? answer.substring(3) : "");
                return 0;
            }
            spec.commandLine().getErr().println("wallsync: " + answer);
            return 1;
        }
    }
}
