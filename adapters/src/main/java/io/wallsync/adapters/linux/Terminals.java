package io.wallsync.adapters.linux;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Whether a standard stream is a terminal: {@code isatty(3)}. Java can only say whether the JVM
 * has a console (stdin and stdout together); a progress bar on stderr needs to know about fd 2
 * alone ({@code wallsync simulate > table.txt} still shows it, {@code 2> log} does not).
 */
@SuppressWarnings("restricted") // binding libc: callers need native access, as for the other adapters
public final class Terminals {
    /** File descriptor of standard error. */
    public static final int STDERR = 2;

    private static final MethodHandle ISATTY = Linker.nativeLinker()
            .downcallHandle(
                    Linker.nativeLinker().defaultLookup().findOrThrow("isatty"),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    private Terminals() {}

    /** True if {@code fd} refers to a terminal; false for files, pipes, closed descriptors. */
    public static boolean isTerminal(int fd) {
        try {
            return (int) ISATTY.invokeExact(fd) == 1;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }
}
