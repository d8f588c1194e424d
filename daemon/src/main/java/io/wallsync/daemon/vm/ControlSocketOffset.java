package io.wallsync.daemon.vm;

import io.wallsync.adapters.page.DomainName;
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

/**
 * Moves a domain's offset through a running daemon's control socket ({@code get-offset} then
 * {@code set-offset}), the way a guest's RTC write moves its {@code time_offset} under Xen. The
 * daemon republishes the domain's page before it answers, so the page shows the move at once.
 */
public final class ControlSocketOffset {
    private final Path socket;
    private final DomainName domain;

    public ControlSocketOffset(Path pageDirectory, DomainName domain) {
        this.socket = pageDirectory.resolve(ControlServer.SOCKET_NAME);
        this.domain = domain;
    }

    /** Moves the offset by {@code deltaSeconds}; returns the new offset. */
    public long move(long deltaSeconds) throws IOException {
        long offset = Long.parseLong(ask("get-offset " + domain).split(" ")[1]);
        long moved = Math.addExact(offset, deltaSeconds);
        ask("set-offset " + domain + " " + moved);
        return moved;
    }

    /** Sends one request; returns the answer after "ok ". */
    private String ask(String request) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            try {
                ch.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                throw new IOException(
                        "cannot connect to " + socket + " (" + e.getMessage() + "); is wallsync serve running?", e);
            }
            ch.write(ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8)));
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
            String answer = in.readLine();
            if (answer == null) {
                throw new IOException("the daemon closed the control connection without answering '" + request + "'");
            }
            if (!answer.startsWith("ok ")) {
                throw new IOException("the daemon answered '" + answer + "' to '" + request + "'");
            }
            return answer.substring(3);
        }
    }
}
