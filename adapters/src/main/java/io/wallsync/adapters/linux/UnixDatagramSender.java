package io.wallsync.adapters.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Sends datagrams to a Unix-domain datagram socket (AF_UNIX, SOCK_DGRAM), which java.nio does not
 * offer (it has Unix-domain stream sockets only). Used to feed chronyd's SOCK refclock.
 *
 * <pre>
 *  struct sockaddr_un (include/uapi/linux/un.h), 110 bytes:
 *  offset  size  field
 *  0       u16   sun_family   AF_UNIX = 1
 *  2       108   sun_path     NUL-terminated path (at most 107 bytes)
 * </pre>
 */
@SuppressWarnings("restricted")
public final class UnixDatagramSender implements AutoCloseable {
    static final int AF_UNIX = 1;
    static final int SOCK_DGRAM = 2;
    /** SOCK_CLOEXEC = O_CLOEXEC = 02000000 (octal). */
    static final int SOCK_CLOEXEC = 0x80000;

    static final int SUN_FAMILY_OFFSET = 0;
    static final int SUN_PATH_OFFSET = 2;
    static final int SUN_PATH_BYTES = 108;
    static final int SOCKADDR_UN_BYTES = SUN_PATH_OFFSET + SUN_PATH_BYTES;
    /** MSG_NOSIGNAL: no SIGPIPE. */
    static final int MSG_NOSIGNAL = 0x4000;

    private static final MethodHandle SOCKET = Libc.bindWithErrno(
            "socket",
            FunctionDescriptor.of(
                    ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle SENDTO = Libc.bindWithErrno(
            "sendto",
            FunctionDescriptor.of(
                    ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS,
                    ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS,
                    ValueLayout.JAVA_INT));

    /** What one send did. */
    public sealed interface SendResult {
        record Sent() implements SendResult {}

        /** The kernel refused: no socket at the path (ENOENT), nobody reading it (ECONNREFUSED), ... */
        record Failed(int errno, String why) implements SendResult {}
    }

    private final Arena arena = Arena.ofShared();
    private final MemorySegment address = arena.allocate(SOCKADDR_UN_BYTES, 2);
    private final MemorySegment buffer = arena.allocate(512, 8);
    private final MemorySegment captureState = Libc.captureState(arena);
    private final Path path;
    private final int fd;

    /**
     * Opens an unbound datagram socket that sends to {@code path}.
     *
     * @throws IllegalArgumentException if the path does not fit in sun_path
     * @throws LinuxCallFailed if socket(2) fails
     */
    public UnixDatagramSender(Path path) {
        this.path = path;
        byte[] bytes = path.toString().getBytes(StandardCharsets.UTF_8);
        if (bytes.length >= SUN_PATH_BYTES) {
            arena.close();
            throw new IllegalArgumentException("socket path " + path + " is " + bytes.length
                    + " bytes; a Unix socket path holds at most " + (SUN_PATH_BYTES - 1));
        }
        address.set(ValueLayout.JAVA_SHORT, SUN_FAMILY_OFFSET, (short) AF_UNIX);
        MemorySegment.copy(bytes, 0, address, ValueLayout.JAVA_BYTE, SUN_PATH_OFFSET, bytes.length);
        int rc;
        try {
            rc = (int) SOCKET.invokeExact(captureState, AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        if (rc < 0) {
            int errnoValue = Libc.errno(captureState);
            arena.close();
            throw new LinuxCallFailed("socket(AF_UNIX, SOCK_DGRAM)", errnoValue);
        }
        this.fd = rc;
    }

    /** Sends one datagram (at most 512 bytes). One thread at a time. */
    public SendResult send(byte[] datagram) {
        if (datagram.length > buffer.byteSize()) {
            throw new IllegalArgumentException("datagram of " + datagram.length + " bytes > 512");
        }
        MemorySegment.copy(datagram, 0, buffer, ValueLayout.JAVA_BYTE, 0, datagram.length);
        long rc;
        try {
            rc = (long) SENDTO.invokeExact(
                    captureState, fd, buffer, (long) datagram.length, MSG_NOSIGNAL, address, SOCKADDR_UN_BYTES);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        if (rc < 0) {
            int e = Libc.errno(captureState);
            String why = switch (e) {
                case Libc.ENOENT ->
                    "no socket at " + path + " (ENOENT: is chronyd running with 'refclock SOCK " + path + "'?)";
                case Libc.ECONNREFUSED -> "nobody reads " + path + " (ECONNREFUSED: chronyd stopped?)";
                case Libc.EACCES -> "permission denied on " + path + " (EACCES)";
                case Libc.EAGAIN -> "socket buffer full (EAGAIN: chronyd not reading)";
                default -> "sendto failed with errno " + e;
            };
            return new SendResult.Failed(e, why);
        }
        return new SendResult.Sent();
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() {
        try {
            int ignored = (int) Libc.CLOSE.invokeExact(captureState, fd);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        } finally {
            arena.close();
        }
    }
}
