package io.wallsync.adapters.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * Sends datagrams to a Unix-domain datagram socket (AF_UNIX, SOCK_DGRAM), which java.nio does not
 * offer (it has Unix-domain stream sockets only). Used to feed chronyd's SOCK refclock and to send
 * sd_notify messages to systemd ({@link SdNotify}). The address is a path or an abstract name
 * ({@link UnixSocketAddress}).
 */
@SuppressWarnings("restricted")
public final class UnixDatagramSender implements AutoCloseable {
    static final int AF_UNIX = UnixSocketAddress.AF_UNIX;
    static final int SOCK_DGRAM = 2;
    /** SOCK_CLOEXEC = O_CLOEXEC = 02000000 (octal). */
    static final int SOCK_CLOEXEC = 0x80000;
    /** MSG_NOSIGNAL: no SIGPIPE. */
    static final int MSG_NOSIGNAL = 0x4000;
    /** MSG_DONTWAIT: fail with EAGAIN instead of blocking when the reader's queue is full. */
    static final int MSG_DONTWAIT = 0x40;
    /** The largest datagram {@link #send} takes. */
    public static final int MAX_DATAGRAM_BYTES = 512;

    /** socket(2); package-private for the tests' receiving socket. */
    static final MethodHandle SOCKET = Libc.bindWithErrno(
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
    private final MemorySegment address = arena.allocate(UnixSocketAddress.SOCKADDR_UN_BYTES, 2);
    private final MemorySegment buffer = arena.allocate(MAX_DATAGRAM_BYTES, 8);
    private final MemorySegment captureState = Libc.captureState(arena);
    private final UnixSocketAddress target;
    private final int addressLength;
    private final String peer;
    private final int fd;

    /**
     * Opens an unbound datagram socket that sends to chronyd's SOCK refclock at {@code path}.
     *
     * @throws IllegalArgumentException if the path does not fit in sun_path
     * @throws LinuxCallFailed if socket(2) fails
     */
    public UnixDatagramSender(Path path) {
        this(UnixSocketAddress.path(path), "chronyd");
    }

    /**
     * Opens an unbound datagram socket that sends to {@code target}; {@code peer} names who should
     * read it, for error messages ("chronyd", "systemd").
     *
     * @throws LinuxCallFailed if socket(2) fails
     */
    public UnixDatagramSender(UnixSocketAddress target, String peer) {
        this.target = target;
        this.peer = peer;
        this.addressLength = target.writeTo(address);
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

    /**
     * Sends one datagram (at most {@link #MAX_DATAGRAM_BYTES}) without blocking: a reader that does
     * not keep up (its queue full) makes it fail with EAGAIN, so the caller's loop never stalls on
     * it. One thread at a time.
     */
    public SendResult send(byte[] datagram) {
        if (datagram.length > buffer.byteSize()) {
            throw new IllegalArgumentException("datagram of " + datagram.length + " bytes > " + MAX_DATAGRAM_BYTES);
        }
        MemorySegment.copy(datagram, 0, buffer, ValueLayout.JAVA_BYTE, 0, datagram.length);
        long rc;
        try {
            rc = (long) SENDTO.invokeExact(
                    captureState,
                    fd,
                    buffer,
                    (long) datagram.length,
                    MSG_NOSIGNAL | MSG_DONTWAIT,
                    address,
                    addressLength);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        if (rc < 0) {
            int e = Libc.errno(captureState);
            String why = switch (e) {
                case Libc.ENOENT -> "no socket at " + target + " (ENOENT: is " + peer + " listening there?)";
                case Libc.ECONNREFUSED -> "nobody reads " + target + " (ECONNREFUSED: " + peer + " stopped?)";
                case Libc.EACCES -> "permission denied on " + target + " (EACCES)";
                case Libc.EAGAIN -> "socket buffer of " + target + " full (EAGAIN: " + peer + " not reading)";
                default -> "sendto " + target + " failed with errno " + e;
            };
            return new SendResult.Failed(e, why);
        }
        return new SendResult.Sent();
    }

    public UnixSocketAddress target() {
        return target;
    }

    @Override
    public void close() {
        Libc.closeFd(captureState, fd, arena);
    }
}
