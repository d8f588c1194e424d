package io.wallsync.adapters.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * Test side of an AF_UNIX datagram socket: binds an address (path or abstract name) and receives
 * datagrams byte for byte, as systemd's notify socket or chronyd's SOCK refclock would. It builds
 * its sockaddr_un by hand from unix(7), not with {@link UnixSocketAddress}, so that a wrong
 * encoding there addresses another socket instead of agreeing with itself.
 */
@SuppressWarnings("restricted")
final class UnixDatagramReceiver implements AutoCloseable {
    private static final MethodHandle BIND = Libc.bindWithErrno(
            "bind",
            FunctionDescriptor.of(
                    ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

    private final Arena arena = Arena.ofShared();
    private final MemorySegment captureState = Libc.captureState(arena);
    private final MemorySegment buffer = arena.allocate(4096);
    private final MemorySegment pollfd = arena.allocate(Libc.POLLFD);
    private final int fd;

    /** Binds {@code path}: sun_path = the path and a NUL; addrlen = 2 + strlen(path) + 1. */
    static UnixDatagramReceiver path(Path path) throws Throwable {
        byte[] p = path.toString().getBytes(StandardCharsets.UTF_8);
        return new UnixDatagramReceiver(Arrays.copyOf(p, p.length + 1), path.toString());
    }

    /** Binds abstract {@code @name}: sun_path = a 0 byte, then the name; addrlen = 2 + 1 + strlen(name). */
    static UnixDatagramReceiver abstractName(String name) throws Throwable {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        byte[] sunPath = new byte[n.length + 1];
        System.arraycopy(n, 0, sunPath, 1, n.length);
        return new UnixDatagramReceiver(sunPath, "@" + name);
    }

    private UnixDatagramReceiver(byte[] sunPath, String address) throws Throwable {
        int s = (int) UnixDatagramSender.SOCKET.invokeExact(
                captureState,
                UnixDatagramSender.AF_UNIX,
                UnixDatagramSender.SOCK_DGRAM | UnixDatagramSender.SOCK_CLOEXEC,
                0);
        if (s < 0) {
            throw new LinuxCallFailed("socket(AF_UNIX, SOCK_DGRAM)", Libc.errno(captureState));
        }
        MemorySegment sockaddr = arena.allocate(110, 2); // sizeof(struct sockaddr_un), zeroed
        sockaddr.set(ValueLayout.JAVA_SHORT, 0, (short) 1); // sun_family = AF_UNIX
        MemorySegment.copy(sunPath, 0, sockaddr, ValueLayout.JAVA_BYTE, 2, sunPath.length);
        int length = 2 + sunPath.length;
        int rc = (int) BIND.invokeExact(captureState, s, sockaddr, length);
        if (rc < 0) {
            int e = Libc.errno(captureState);
            int ignored = (int) Libc.CLOSE.invokeExact(captureState, s);
            throw new LinuxCallFailed("bind(" + address + ")", e);
        }
        this.fd = s;
    }

    /** The next datagram, or empty if none arrives within {@code timeoutMs}. */
    Optional<byte[]> receive(int timeoutMs) throws Throwable {
        pollfd.set(ValueLayout.JAVA_INT, 0, fd);
        pollfd.set(ValueLayout.JAVA_SHORT, 4, Libc.POLLIN);
        pollfd.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
        int ready = (int) Libc.POLL.invokeExact(captureState, pollfd, 1L, timeoutMs);
        if (ready < 0) {
            throw new LinuxCallFailed("poll", Libc.errno(captureState));
        }
        if (ready == 0) {
            return Optional.empty();
        }
        long n = (long) Libc.READ.invokeExact(captureState, fd, buffer, buffer.byteSize());
        if (n < 0) {
            throw new LinuxCallFailed("read", Libc.errno(captureState));
        }
        return Optional.of(buffer.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE));
    }

    @Override
    public void close() {
        Libc.closeFd(captureState, fd, arena);
    }
}
