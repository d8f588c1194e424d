package io.wallsync.adapters.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Replaces the running JVM with another program, as a shell's {@code exec} does: same pid, same
 * standard streams, exit status the program's own. The JVM cannot do that with ProcessBuilder (it
 * only starts children), so this calls execve(2) through FFM.
 *
 * <p>Before execve the JVM's own state that would leak into the program is undone: every file
 * descriptor above 2 is marked close-on-exec (close_range(3, ~0, CLOSE_RANGE_CLOEXEC), Linux 5.11;
 * the JVM opens its jar and libraries without O_CLOEXEC), and the calling thread's signal mask is
 * emptied (HotSpot blocks SIGQUIT in Java threads; a blocked mask survives execve). Signal handlers
 * need nothing: execve resets caught signals to their default.
 */
@SuppressWarnings("restricted") // execve is the point of this class
public final class Exec {
    /** include/uapi/linux/close_range.h. */
    private static final int CLOSE_RANGE_CLOEXEC = 1 << 2;
    /** SIG_SETMASK in include/uapi/asm-generic/signal-defs.h. */
    private static final int SIG_SETMASK = 2;
    /** sizeof(sigset_t) in glibc: 1024 bits. */
    private static final long SIGSET_BYTES = 128;

    private static final MethodHandle EXECVE = Libc.bindWithErrno(
            "execve",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    private static final MethodHandle CLOSE_RANGE = Libc.bindWithErrno(
            "close_range",
            FunctionDescriptor.of(
                    ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle PTHREAD_SIGMASK = Libc.bindWithErrno(
            "pthread_sigmask",
            FunctionDescriptor.of(
                    ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));

    private Exec() {}

    /**
     * Runs {@code program} in place of this process with {@code argv} (argv[0] included) and exactly
     * the environment {@code env}. Returns only when execve failed, with its errno (ENOENT 2,
     * EACCES 13, ENOEXEC 8, ...); the JVM keeps running then.
     */
    public static int execve(Path program, List<String> argv, Map<String, String> env) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment path = arena.allocateFrom(program.toString());
            MemorySegment args = strings(arena, argv);
            MemorySegment envp = strings(
                    arena,
                    env.entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue())
                            .toList());
            MemorySegment state = Libc.captureState(arena);
            if ((int) CLOSE_RANGE.invokeExact(state, 3, -1, CLOSE_RANGE_CLOEXEC) != 0) {
                // Kernel < 5.11: the JVM's descriptors stay open in the program; execve runs all the same.
            }
            if ((int) PTHREAD_SIGMASK.invokeExact(state, SIG_SETMASK, arena.allocate(SIGSET_BYTES), MemorySegment.NULL)
                    != 0) {
                // Cannot fail for SIG_SETMASK with a valid set (pthread_sigmask(3)).
            }
            System.out.flush();
            System.err.flush();
            int rc = (int) EXECVE.invokeExact(state, path, args, envp);
            // execve returns only on failure, with -1.
            return rc == -1 ? Libc.errno(state) : rc;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** A NULL-terminated char *[] of {@code values}. */
    private static MemorySegment strings(Arena arena, List<String> values) {
        MemorySegment array = arena.allocate(ValueLayout.ADDRESS, values.size() + 1L);
        for (int i = 0; i < values.size(); i++) {
            array.setAtIndex(ValueLayout.ADDRESS, i, arena.allocateFrom(values.get(i)));
        }
        array.setAtIndex(ValueLayout.ADDRESS, values.size(), MemorySegment.NULL);
        return array;
    }
}
