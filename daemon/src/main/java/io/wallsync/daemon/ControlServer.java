package io.wallsync.daemon;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Consumer;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * The Unix domain control socket {@code <dir>/control.sock} (mode 0666: anyone may connect and ask;
 * {@link AccessPolicy} decides who may change). Each connection is served on a virtual thread; the
 * peer is read once with SO_PEERCRED when it connects.
 */
public final class ControlServer implements AutoCloseable {
    public static final String SOCKET_NAME = "control.sock";

    private final Path socketPath;
    private final ServerSocketChannel server;
    private final ControlProtocol protocol;
    private final Consumer<String> log;
    private final Thread acceptor;
    private final java.util.Set<SocketChannel> clients = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private ControlServer(Path socketPath, ServerSocketChannel server, ControlProtocol protocol, Consumer<String> log) {
        this.socketPath = socketPath;
        this.server = server;
        this.protocol = protocol;
        this.log = log;
        this.acceptor =
                Thread.ofPlatform().name("wallsync-control").daemon(true).unstarted(this::acceptLoop);
    }

    /** Binds the socket in {@code dir} (replacing a stale socket file, never another kind of file). */
    public static ControlServer start(Path dir, ControlProtocol protocol, Consumer<String> log) throws IOException {
        Path path = dir.resolve(SOCKET_NAME);
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)
                    && !Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)
                    && !Files.isSymbolicLink(path)) {
                Files.delete(path); // a socket left by an earlier daemon
            } else {
                throw new IOException(path + " exists and is not a socket; refusing to replace it");
            }
        }
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(path));
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw-rw-"));
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        ControlServer cs = new ControlServer(path, server, protocol, log);
        cs.acceptor.start();
        return cs;
    }

    public Path socketPath() {
        return socketPath;
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                clients.add(client);
                Thread.ofVirtual().name("wallsync-control-client").start(() -> serve(client));
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                log.accept("control socket accept failed: " + e.getMessage());
            }
        }
    }

    private void serve(SocketChannel client) {
        try (client) {
            serveLines(client);
        } catch (IOException e) {
            // the peer went away, or close() closed the connection
        } finally {
            clients.remove(client);
        }
    }

    private void serveLines(SocketChannel client) throws IOException {
        UnixDomainPrincipal peer = client.getOption(ExtendedSocketOptions.SO_PEERCRED);
        LineReader reader = new LineReader(client);
        String line;
        while ((line = reader.readLine()) != null) {
            String answer = line == LineReader.TOO_LONG
                    ? "error request longer than " + ControlProtocol.MAX_LINE + " bytes"
                    : line.isBlank() ? "error empty request" : protocol.answer(line, peer);
            if (answer.startsWith("ok") && !line.startsWith("list") && !line.startsWith("get-offset")) {
                log.accept("control: " + peer.user().getName() + " " + line.trim() + " -> " + answer);
            }
            write(client, answer);
        }
    }

    private static void write(SocketChannel client, String answer) throws IOException {
        ByteBuffer out = ByteBuffer.wrap((answer + "\n").getBytes(StandardCharsets.UTF_8));
        while (out.hasRemaining()) {
            client.write(out);
        }
    }

    /** Reads bounded '\n'-terminated lines from a channel. */
    static final class LineReader {
        private final SocketChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocate(ControlProtocol.MAX_LINE + 1);

        LineReader(SocketChannel channel) {
            this.channel = channel;
            buffer.flip();
        }

        /** Returned (by identity) for a line longer than MAX_LINE; the rest of it is discarded. */
        static final String TOO_LONG = new String("<too long>");

        String readLine() throws IOException {
            StringBuilder line = new StringBuilder();
            boolean tooLong = false;
            while (true) {
                while (buffer.hasRemaining()) {
                    byte b = buffer.get();
                    if (b == '\n') {
                        return tooLong ? TOO_LONG : line.toString();
                    }
                    if (line.length() >= ControlProtocol.MAX_LINE) {
                        tooLong = true; // keep reading to the newline, storing nothing
                    } else {
                        line.append((char) (b & 0xff));
                    }
                }
                buffer.clear();
                int n = channel.read(buffer);
                buffer.flip();
                if (n < 0) {
                    return line.isEmpty() ? null : tooLong ? TOO_LONG : line.toString();
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (SocketChannel c : clients) {
            c.close(); // wakes the client threads blocked in read()
        }
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(socketPath);
    }
}
