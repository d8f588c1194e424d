package io.wallsync.adapters.linux;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Non-blocking Unix-domain stream sockets through libc, for a server that runs one poll(2) loop and
 * must know more than java.nio tells: the errno of a failed accept (EMFILE and ENFILE are a reason
 * to back off, not to spin) and the peer's pid, uid and gid (SO_PEERCRED; the JDK's option gives
 * user and group names only).
 *
 * <p>One instance is used by one thread at a time (it owns scratch buffers); {@link #wake(int)}
 * alone may be called from any thread at any time. Descriptors are plain ints, closed with {@link #close(int)}.
 *
 * <pre>
 *  struct ucred (include/linux/socket.h), 12 bytes      struct pollfd, 8 bytes
 *  offset  size  field                                  offset  size  field
 *  0       s32   pid                                    0       s32   fd
 *  4       u32   uid                                    4       s16   events
 *  8       u32   gid                                    6       s16   revents
 * </pre>
 *
 * Constants are the Linux UAPI values on x86_64 and aarch64 (include/uapi/asm-generic/socket.h,
 * errno-base.h, errno.h, poll.h; include/linux/socket.h; include/uapi/linux/eventfd.h).
 */
@SuppressWarnings("restricted")
public final class UnixStreamSockets implements AutoCloseable {
    static final int AF_UNIX = 1;
    static final int SOCK_STREAM = 1;
    /** SOCK_NONBLOCK = O_NONBLOCK = 04000 (octal). */
    static final int SOCK_NONBLOCK = 0x800;
    /** SOCK_CLOEXEC = O_CLOEXEC = 02000000 (octal). */
    static final int SOCK_CLOEXEC = 0x80000;

    static final int SOL_SOCKET = 1;
    static final int SO_PEERCRED = 17;
    static final int MSG_DONTWAIT = 0x40;
    static final int MSG_NOSIGNAL = 0x4000;
    static final int EFD_NONBLOCK = 0x800;
    static final int EFD_CLOEXEC = 0x80000;

    public static final short POLLIN = 0x1;
    public static final short POLLOUT = 0x4;
    public static final short POLLERR = 0x8;
    public static final short POLLHUP = 0x10;
    public static final short POLLNVAL = 0x20;

    public static final int EINTR = 4;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int ENFILE = 23;
    public static final int EMFILE = 24;
    public static final int ECONNABORTED = 103;
    public static final int ENOBUFS = 105;

    static final int SUN_PATH_OFFSET = UnixDatagramSender.SUN_PATH_OFFSET;
    static final int SUN_PATH_BYTES = UnixDatagramSender.SUN_PATH_BYTES;
    static final int SOCKADDR_UN_BYTES = UnixDatagramSender.SOCKADDR_UN_BYTES;
    static final int UCRED_BYTES = 12;
    static final int POLLFD_BYTES = 8;

    private static final MethodHandle SOCKET = Libc.bindWithErrno(
            "socket",
            FunctionDescriptor.of(
                    ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle BIND = Libc.bindWithErrno(
            "bind",
            FunctionDescriptor.of(
                    ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle LISTEN = Libc.bindWithErrno(
            "listen", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle ACCEPT4 = Libc.bindWithErrno(
            "accept4",
            FunctionDescriptor.of(
                    ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS,
                    ValueLayout.ADDRESS,
                    ValueLayout.JAVA_INT));
    private static final MethodHandle GETSOCKOPT = Libc.bindWithErrno(
            "getsockopt",
            FunctionDescriptor.of(
                    ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS,
                    ValueLayout.ADDRESS));
    /** ssize_t recv(int, void *, size_t, int) and send(...) alike. */
    private static final FunctionDescriptor SEND_RECV = FunctionDescriptor.of(
            ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS,
            ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_INT);

    private static final MethodHandle RECV = Libc.bindWithErrno("recv", SEND_RECV);
    private static final MethodHandle SEND = Libc.bindWithErrno("send", SEND_RECV);
    private static final MethodHandle EVENTFD = Libc.bindWithErrno(
            "eventfd", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle WRITE = Libc.bindWithErrno(
            "write",
            FunctionDescriptor.of(
                    ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    private static final MethodHandle STRERROR = bindStrerror();

    private static MethodHandle bindStrerror() {
        var linker = java.lang.foreign.Linker.nativeLinker();
        return linker.downcallHandle(
                linker.defaultLookup().findOrThrow("strerror"),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    }

    /** The kernel's identity of a connected peer (SO_PEERCRED), as of its connect(2). */
    public record PeerCredentials(int pid, long uid, long gid) {}

    /** What one {@link #accept} gave. */
    public sealed interface Accepted {
        /** A connection, already non-blocking and close-on-exec, and who made it. */
        record Connection(int fd, PeerCredentials peer) implements Accepted {}

        /** No connection is waiting (EAGAIN). */
        record NoneWaiting() implements Accepted {}

        /** accept4 failed; {@link #outOfDescriptors()} for EMFILE/ENFILE/ENOBUFS/ENOMEM. */
        record Failed(int errno, String why) implements Accepted {
            public boolean outOfDescriptors() {
                return errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM;
            }
        }
    }

    private final Arena arena = Arena.ofShared();
    private final MemorySegment captureState = Libc.captureState(arena);
    private final MemorySegment ucred = arena.allocate(UCRED_BYTES, 4);
    private final MemorySegment ucredLength = arena.allocate(ValueLayout.JAVA_INT);
    private final MemorySegment buffer = arena.allocate(4096, 8);
    private MemorySegment pollfds = arena.allocate(POLLFD_BYTES * 64L, 8);

    /** The errno's name and text, e.g. "EMFILE: Too many open files". */
    public static String describe(int errno) {
        String name = switch (errno) {
            case 1 -> "EPERM";
            case 2 -> "ENOENT";
            case EINTR -> "EINTR";
            case EAGAIN -> "EAGAIN";
            case ENOMEM -> "ENOMEM";
            case 13 -> "EACCES";
            case 17 -> "EEXIST";
            case 20 -> "ENOTDIR";
            case ENFILE -> "ENFILE";
            case EMFILE -> "EMFILE";
            case 30 -> "EROFS";
            case 32 -> "EPIPE";
            case 36 -> "ENAMETOOLONG";
            case 98 -> "EADDRINUSE";
            case ECONNABORTED -> "ECONNABORTED";
            case 104 -> "ECONNRESET";
            case ENOBUFS -> "ENOBUFS";
            default -> "errno " + errno;
        };
        try {
            MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
            return name + ": " + text.reinterpret(256).getString(0, StandardCharsets.UTF_8);
        } catch (Throwable t) {
            return name;
        }
    }

    /**
     * Creates a non-blocking listening socket bound to {@code path} (which must not exist).
     *
     * @throws IOException naming the path and the kernel's reason (EADDRINUSE, EACCES, ...)
     */
    public int listen(Path path, int backlog) throws IOException {
        byte[] bytes = path.toString().getBytes(StandardCharsets.UTF_8);
        if (bytes.length >= SUN_PATH_BYTES) {
            throw new IOException("cannot bind " + path + ": the path is " + bytes.length
                    + " bytes; a Unix socket path holds at most " + (SUN_PATH_BYTES - 1) + " (use a shorter --dir)");
        }
        MemorySegment address = arena.allocate(SOCKADDR_UN_BYTES, 2);
        address.set(ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
        MemorySegment.copy(bytes, 0, address, ValueLayout.JAVA_BYTE, SUN_PATH_OFFSET, bytes.length);
        int fd;
        try {
            fd = (int) SOCKET.invokeExact(captureState, AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        if (fd < 0) {
            throw new IOException(
                    "cannot create a Unix socket for " + path + ": " + describe(Libc.errno(captureState)));
        }
        try {
            int rc = (int) BIND.invokeExact(captureState, fd, address, SOCKADDR_UN_BYTES);
            if (rc < 0) {
                throw new IOException("cannot bind " + path + ": " + describe(Libc.errno(captureState)));
            }
            rc = (int) LISTEN.invokeExact(captureState, fd, backlog);
            if (rc < 0) {
                throw new IOException("cannot listen on " + path + ": " + describe(Libc.errno(captureState)));
            }
            return fd;
        } catch (IOException e) {
            close(fd);
            throw e;
        } catch (Throwable t) {
            close(fd);
            throw Libc.rethrow(t);
        }
    }

    /** Accepts one waiting connection (non-blocking) and reads its peer's credentials. */
    public Accepted accept(int listenFd) {
        int fd;
        try {
            fd = (int) ACCEPT4.invokeExact(
                    captureState, listenFd, MemorySegment.NULL, MemorySegment.NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        if (fd < 0) {
            int e = Libc.errno(captureState);
            return e == EAGAIN ? new Accepted.NoneWaiting() : new Accepted.Failed(e, describe(e));
        }
        ucredLength.set(ValueLayout.JAVA_INT, 0, UCRED_BYTES);
        int rc;
        try {
            rc = (int) GETSOCKOPT.invokeExact(captureState, fd, SOL_SOCKET, SO_PEERCRED, ucred, ucredLength);
        } catch (Throwable t) {
            close(fd);
            throw Libc.rethrow(t);
        }
        if (rc < 0) {
            int e = Libc.errno(captureState);
            close(fd);
            return new Accepted.Failed(e, "getsockopt(SO_PEERCRED): " + describe(e));
        }
        return new Accepted.Connection(
                fd,
                new PeerCredentials(
                        ucred.get(ValueLayout.JAVA_INT, 0),
                        Integer.toUnsignedLong(ucred.get(ValueLayout.JAVA_INT, 4)),
                        Integer.toUnsignedLong(ucred.get(ValueLayout.JAVA_INT, 8))));
    }

    /**
     * Reads what is there (non-blocking) into {@code dst}.
     *
     * @return bytes read, 0 at end of stream, -1 when nothing is waiting
     * @throws IOException for any other error (ECONNRESET, ...)
     */
    public int read(int fd, byte[] dst) throws IOException {
        long want = Math.min(dst.length, buffer.byteSize());
        long n;
        try {
            n = (long) RECV.invokeExact(captureState, fd, buffer, want, MSG_DONTWAIT);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        if (n < 0) {
            int e = Libc.errno(captureState);
            if (e == EAGAIN || e == EINTR) {
                return -1;
            }
            throw new IOException(describe(e));
        }
        MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, 0, dst, 0, (int) n);
        return (int) n;
    }

    /**
     * Writes what the socket takes now (non-blocking, no SIGPIPE).
     *
     * @return bytes written, 0 when the socket buffer is full
     * @throws IOException for any other error (EPIPE: the peer closed, ...)
     */
    public int write(int fd, byte[] src, int offset, int length) throws IOException {
        int chunk = (int) Math.min(length, buffer.byteSize());
        MemorySegment.copy(src, offset, buffer, ValueLayout.JAVA_BYTE, 0, chunk);
        long n;
        try {
            n = (long) SEND.invokeExact(captureState, fd, buffer, (long) chunk, MSG_DONTWAIT | MSG_NOSIGNAL);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        if (n < 0) {
            int e = Libc.errno(captureState);
            if (e == EAGAIN || e == EINTR) {
                return 0;
            }
            throw new IOException(describe(e));
        }
        return (int) n;
    }

    /**
     * poll(2) over {@code count} descriptors; fills {@code revents}.
     *
     * @return the number of descriptors with events (0 on timeout or EINTR)
     */
    public int poll(int[] fds, short[] events, short[] revents, int count, int timeoutMs) {
        long bytes = (long) POLLFD_BYTES * count;
        if (pollfds.byteSize() < bytes) {
            pollfds = arena.allocate(Math.max(bytes, pollfds.byteSize() * 2), 8);
        }
        for (int i = 0; i < count; i++) {
            long at = (long) i * POLLFD_BYTES;
            pollfds.set(ValueLayout.JAVA_INT, at, fds[i]);
            pollfds.set(ValueLayout.JAVA_SHORT, at + 4, events[i]);
            pollfds.set(ValueLayout.JAVA_SHORT, at + 6, (short) 0);
        }
        int rc;
        try {
            rc = (int) Libc.POLL.invokeExact(captureState, pollfds, (long) count, timeoutMs);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        if (rc < 0) {
            int e = Libc.errno(captureState);
            if (e == EINTR) {
                return 0;
            }
            throw new LinuxCallFailed("poll", e);
        }
        for (int i = 0; i < count; i++) {
            revents[i] = pollfds.get(ValueLayout.JAVA_SHORT, (long) i * POLLFD_BYTES + 6);
        }
        return rc;
    }

    /** A non-blocking eventfd that {@link #wake} makes readable and {@link #drain} resets. */
    public int eventFd() {
        int fd;
        try {
            fd = (int) EVENTFD.invokeExact(captureState, 0, EFD_NONBLOCK | EFD_CLOEXEC);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        if (fd < 0) {
            throw new LinuxCallFailed("eventfd", Libc.errno(captureState));
        }
        return fd;
    }

    /** Makes the eventfd readable. Any thread. */
    public static void wake(int eventFd) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment one = call.allocate(ValueLayout.JAVA_LONG);
            one.set(ValueLayout.JAVA_LONG, 0, 1L);
            long ignored = (long) WRITE.invokeExact(Libc.captureState(call), eventFd, one, 8L);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Resets the eventfd's counter. */
    public void drain(int eventFd) {
        try {
            long ignored = (long) Libc.READ.invokeExact(captureState, eventFd, buffer, 8L);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    public void close(int fd) {
        try {
            int ignored = (int) Libc.CLOSE.invokeExact(captureState, fd);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Frees the scratch buffers (descriptors are the caller's to close). */
    @Override
    public void close() {
        arena.close();
    }
}
