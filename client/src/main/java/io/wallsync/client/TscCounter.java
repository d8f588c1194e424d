package io.wallsync.client;

import io.wallsync.core.port.CounterPairing;
import io.wallsync.core.port.PairedCounter;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The x86 time stamp counter, read through the native helper libwallsync-counter.so
 * (native/counter/wallsync_counter.c, docs/counter.md): Java has no rdtsc of its own. {@link #read()}
 * is an ordered {@code lfence; rdtsc} through a critical FFM downcall (no thread-state transition,
 * no system call); {@link #pair()} takes the tightest of {@link #tries()} bracketed readings
 * counter, CLOCK_REALTIME, counter, CLOCK_MONOTONIC, counter in C, so no JIT or GC pause sits
 * inside a bracket.
 *
 * <p>{@link #open()} checks the host first ({@link CounterSupport}) and answers with a value: the
 * counter, or why this host has none. Thread-safe: every call is independent.
 */
@SuppressWarnings("restricted") // binding the helper is the point of this class; callers need native access
public final class TscCounter implements PairedCounter {
    /** VMCLOCK_COUNTER_X86_TSC (Linux include/uapi/linux/vmclock-abi.h). */
    public static final int COUNTER_ID = 1;
    /** Readings per {@link #pair()} of {@link #open()}: about 2 µs in all here (docs/counter.md). */
    public static final int DEFAULT_TRIES = 16;
    /** The most readings per pairing; the helper refuses more (WALLSYNC_COUNTER_MAX_TRIES). */
    public static final int MAX_TRIES = 1000;

    static final BundledLibrary LIBRARY = new BundledLibrary("libwallsync-counter.so", TscCounter.class);

    /** EAGAIN (include/uapi/asm-generic/errno-base.h): the helper found no forward reading. */
    private static final int EAGAIN = 11;

    private static final Linker LINKER = Linker.nativeLinker();
    // Address-less handles: constants the JIT inlines; the symbol's address is the first argument.
    // critical(false): a leaf call of a few instructions needs no transition out of Java.
    private static final MethodHandle READ =
            LINKER.downcallHandle(FunctionDescriptor.of(ValueLayout.JAVA_LONG), Linker.Option.critical(false));
    // critical(true): the helper writes the five results straight into a Java long[]; the burst
    // is at most MAX_TRIES readings of ~140 ns (about 0.14 ms here), the longest a GC waits for it.
    private static final MethodHandle PAIR = LINKER.downcallHandle(
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS),
            Linker.Option.critical(true));
    private static final MethodHandle INVARIANT =
            LINKER.downcallHandle(FunctionDescriptor.of(ValueLayout.JAVA_INT), Linker.Option.critical(false));
    private static final Map<Path, SymbolLookup> LOADED = new HashMap<>();

    private final Path library;
    private final MemorySegment readAddress;
    private final MemorySegment pairAddress;
    private final int tries;

    private TscCounter(Path library, SymbolLookup lookup, int tries) {
        this.library = library;
        this.readAddress = lookup.findOrThrow("wallsync_counter_read");
        this.pairAddress = lookup.findOrThrow("wallsync_counter_pair");
        this.tries = tries;
    }

    /** What {@link #open()} found: the counter, or why this host has none. */
    public sealed interface Availability permits Available, Unavailable {
        /** The host checks behind this answer. */
        CounterSupport support();

        /** The counter, if there is one. */
        default Optional<TscCounter> optionalCounter() {
            return this instanceof Available a ? Optional.of(a.counter()) : Optional.empty();
        }
    }

    /** This host's TSC may be used; {@code support().reason()} lists the evidence. */
    public record Available(TscCounter counter, CounterSupport support) implements Availability {}

    /** This host has no usable TSC; publish counter_id INVALID. */
    public record Unavailable(CounterSupport support) implements Availability {
        public String reason() {
            return support.reason();
        }
    }

    /** {@link #open(int)} with {@link #DEFAULT_TRIES}. */
    public static Availability open() throws IOException {
        return open(DEFAULT_TRIES);
    }

    /**
     * The TSC of this host, each {@link #pair()} the tightest of {@code tries} readings; or why
     * there is none (not x86_64, clocksource not tsc, no constant/nonstop TSC, CPUID says not
     * invariant).
     *
     * @throws IllegalArgumentException if tries is outside 1..{@value #MAX_TRIES}
     * @throws IOException when the host cannot be examined or the helper cannot be found, extracted
     *     or loaded: a broken environment, not a host without a counter
     */
    public static Availability open(int tries) throws IOException {
        return open(tries, CounterSupport.Host.system(), System.getenv());
    }

    /** {@link #open(int)} on the given host files, extracting the helper with the given environment. */
    static Availability open(int tries, CounterSupport.Host host, Map<String, String> env) throws IOException {
        return open(
                tries,
                host,
                () -> LIBRARY.locate(env)
                        .orElseThrow(() -> new IOException("this build has no " + LIBRARY.fileName() + " for os.arch "
                                + System.getProperty("os.arch") + " (resource " + LIBRARY.resourceName()
                                + "), although the host has a usable TSC")));
    }

    /** Where the helper is; asked only once the host files allow a counter. */
    @FunctionalInterface
    interface LibrarySource {
        Path path() throws IOException;
    }

    /** {@link #open(int)} on the given host files with the helper from {@code source}. */
    static Availability open(int tries, CounterSupport.Host host, LibrarySource source) throws IOException {
        checkTries(tries);
        CounterSupport files = CounterSupport.ofHost(host);
        if (!files.usable()) {
            return new Unavailable(files);
        }
        Path library = source.path();
        SymbolLookup lookup = load(library);
        int invariant = invariant(lookup);
        if (invariant < 0) {
            throw new IOException("the TSC helper " + library + " was built without TSC support (it answers errno "
                    + -invariant + ") although os.arch is " + host.osArch()
                    + ": a library built for another architecture; rebuild it with native/counter/build.sh");
        }
        CounterSupport support = files.withCpuidInvariant(invariant == 1);
        if (!support.usable()) {
            return new Unavailable(support);
        }
        return new Available(new TscCounter(library, lookup, tries), support);
    }

    private static synchronized SymbolLookup load(Path library) throws IOException {
        SymbolLookup lookup = LOADED.get(library);
        if (lookup == null) {
            try {
                // Arena.global(): the helper stays loaded for the life of the JVM.
                lookup = SymbolLookup.libraryLookup(library, Arena.global());
            } catch (IllegalArgumentException e) {
                throw new IOException("cannot load the TSC helper " + library + ": " + e.getMessage(), e);
            }
            LOADED.put(library, lookup);
        }
        return lookup;
    }

    private static int invariant(SymbolLookup lookup) {
        try {
            return (int) INVARIANT.invokeExact(lookup.findOrThrow("wallsync_counter_invariant"));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static void checkTries(int tries) {
        if (tries < 1 || tries > MAX_TRIES) {
            throw new IllegalArgumentException(
                    "tries must be 1.." + MAX_TRIES + " bracketed readings per pairing, got " + tries);
        }
    }

    /** The TSC now: {@code lfence; rdtsc}, unsigned 64 bits. */
    @Override
    public long read() {
        try {
            return (long) READ.invokeExact(readAddress);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@value #COUNTER_ID}, VMCLOCK_COUNTER_X86_TSC. */
    @Override
    public int counterId() {
        return COUNTER_ID;
    }

    /**
     * The tightest (smallest counterAfter - counterBefore) of {@link #tries()} readings in which
     * the counter went forwards.
     *
     * @throws IllegalStateException if clock_gettime failed, or the counter went backwards in every
     *     reading (CPUs whose TSCs disagree: the kernel should have left the tsc clocksource)
     */
    @Override
    public CounterPairing pair() {
        long[] out = new long[5];
        int rc = pairInto(tries, out);
        if (rc == -EAGAIN) {
            throw new IllegalStateException("the TSC went backwards inside every one of " + tries
                    + " bracketed readings: the CPUs' TSCs disagree");
        }
        if (rc != 0) {
            throw new IllegalStateException("wallsync_counter_pair failed: errno " + -rc);
        }
        return new CounterPairing(out[0], out[1], out[2], out[3], out[4]);
    }

    /** The helper's own answer for {@code tries} readings into {@code out}: 0 or -errno (-EINVAL outside 1..1000). */
    int pairInto(int tries, long[] out) {
        if (out.length != 5) {
            throw new IllegalArgumentException("out needs 5 elements, has " + out.length);
        }
        try {
            return (int) PAIR.invokeExact(pairAddress, tries, MemorySegment.ofArray(out));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Readings per {@link #pair()}. */
    public int tries() {
        return tries;
    }

    /** The helper this counter runs: beside the jar, or the extracted copy. */
    public Path library() {
        return library;
    }

    /** The downcalls declare no checked exceptions: an Error or a RuntimeException, passed on. */
    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof Error e) {
            throw e;
        }
        return t instanceof RuntimeException r ? r : new IllegalStateException("TSC helper downcall", t);
    }

    @Override
    public String toString() {
        return "TscCounter[" + library + ", tries=" + tries + "]";
    }
}
