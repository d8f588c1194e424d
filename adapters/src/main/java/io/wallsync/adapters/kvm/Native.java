package io.wallsync.adapters.kvm;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The libc calls the KVM adapter makes, bound once with errno captured. Each wrapper returns the
 * call's result or throws {@link KvmException} naming the call and the errno.
 */
@SuppressWarnings("restricted") // binding libc is the point of this class
final class Native {
    static final int O_RDWR = 2;
    static final int O_CLOEXEC = 0x80000;
    static final int PROT_READ = 1;
    static final int PROT_WRITE = 2;
    static final int MAP_SHARED = 0x01;
    static final int MAP_ANONYMOUS = 0x20;
    static final int MAP_NORESERVE = 0x4000;

    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;

    private static final MethodHandle OPEN =
            bind("open", FunctionDescriptor.of(INT, ValueLayout.ADDRESS, INT, INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(INT, INT));
    /** int ioctl(int fd, unsigned long request, ...): the third argument is a long (value or pointer). */
    private static final MethodHandle IOCTL =
            bind("ioctl", FunctionDescriptor.of(INT, INT, LONG, LONG), Linker.Option.firstVariadicArg(2));

    private static final MethodHandle MMAP =
            bind("mmap", FunctionDescriptor.of(ValueLayout.ADDRESS, LONG, LONG, INT, INT, INT, LONG));
    private static final MethodHandle MUNMAP = bind("munmap", FunctionDescriptor.of(INT, LONG, LONG));
    private static final MethodHandle GETTID = bind("gettid", FunctionDescriptor.of(INT));
    private static final MethodHandle GETPID = bind("getpid", FunctionDescriptor.of(INT));
    private static final MethodHandle TGKILL = bind("tgkill", FunctionDescriptor.of(INT, INT, INT, INT));
    private static final MethodHandle SIGACTION =
            bind("sigaction", FunctionDescriptor.of(INT, INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));

    /** glibc x86_64 struct sigaction: handler +0, sa_mask (128 bytes) +8, sa_flags +136, restorer +144. */
    private static final long SIGACTION_SIZE = 152;

    private static final long SIGACTION_FLAGS_OFFSET = 136;

    private Native() {}

    private static MethodHandle bind(String name, FunctionDescriptor fd, Linker.Option... extra) {
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = CAPTURE_ERRNO;
        System.arraycopy(extra, 0, options, 1, extra.length);
        return LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow(name), fd, options);
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    static int open(String path, int flags) throws KvmException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(path), flags, 0);
            if (fd < 0) {
                throw new KvmException("open(" + path + ")", errno(state));
            }
            return fd;
        } catch (KvmException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            int rc = (int) CLOSE.invokeExact(arena.allocate(CAPTURE), fd);
            assert rc == 0 || rc == -1;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** ioctl with an integer or pointer argument; returns its (non-negative) result. */
    static int ioctl(int fd, String name, long request, long arg) throws KvmException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int rc = (int) IOCTL.invokeExact(state, fd, request, arg);
            if (rc < 0) {
                throw new KvmException(name, errno(state));
            }
            return rc;
        } catch (KvmException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** ioctl with a struct argument. */
    static int ioctl(int fd, String name, long request, MemorySegment arg) throws KvmException {
        return ioctl(fd, name, request, arg.address());
    }

    /** ioctl whose failure is returned as {@code -errno} instead of thrown (KVM_RUN's EINTR). */
    static int ioctlOrErrno(int fd, long request, long arg, MemorySegment state) {
        try {
            int rc = (int) IOCTL.invokeExact(state, fd, request, arg);
            return rc < 0 ? -errno(state) : rc;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static MemorySegment captureState(Arena arena) {
        return arena.allocate(CAPTURE);
    }

    /** mmap(NULL, length, prot, flags, fd, 0) as a segment of {@code length} bytes. */
    static MemorySegment mmap(long length, int prot, int flags, int fd, String what) throws KvmException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            MemorySegment p = (MemorySegment) MMAP.invokeExact(state, 0L, length, prot, flags, fd, 0L);
            if (p.address() == -1L) {
                throw new KvmException("mmap(" + what + ", " + length + " bytes)", errno(state));
            }
            return p.reinterpret(length);
        } catch (KvmException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void munmap(MemorySegment segment) {
        try (Arena arena = Arena.ofConfined()) {
            int rc = (int) MUNMAP.invokeExact(arena.allocate(CAPTURE), segment.address(), segment.byteSize());
            assert rc == 0;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int gettid() {
        try (Arena arena = Arena.ofConfined()) {
            return (int) GETTID.invokeExact(arena.allocate(CAPTURE));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int getpid() {
        try (Arena arena = Arena.ofConfined()) {
            return (int) GETPID.invokeExact(arena.allocate(CAPTURE));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Sends {@code signal} to thread {@code tid} of this process; false when the thread is gone. */
    static boolean tgkill(int tid, int signal) {
        try (Arena arena = Arena.ofConfined()) {
            int rc = (int) TGKILL.invokeExact(arena.allocate(CAPTURE), getpid(), tid, signal);
            return rc == 0;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Installs a handler for {@code signal} that does nothing but exist: its only purpose is to make
     * a blocked KVM_RUN return EINTR (an ignored or default-action signal would not, or would kill
     * the process). The handler is libc's {@code getpid}, async-signal-safe and without effect,
     * so no Java code runs in signal context. No SA_RESTART: KVM_RUN must not be restarted.
     */
    static void installKickHandler(int signal) throws KvmException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            MemorySegment act = arena.allocate(SIGACTION_SIZE, 8);
            act.set(ValueLayout.ADDRESS, 0, LINKER.defaultLookup().findOrThrow("getpid"));
            act.set(INT, SIGACTION_FLAGS_OFFSET, 0);
            int rc = (int) SIGACTION.invokeExact(state, signal, act, MemorySegment.NULL);
            if (rc != 0) {
                throw new KvmException("sigaction(" + signal + ")", errno(state));
            }
        } catch (KvmException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("native call failed", t);
    }
}
