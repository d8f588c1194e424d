package io.wallsync.bench;

import io.wallsync.client.TscCounter;
import io.wallsync.core.port.CounterPairing;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The TSC through the native helper against the JDK's clock, in one run: {@link TscCounter#read()}
 * (critical downcall, {@code lfence; rdtsc}) vs {@code System.nanoTime()} (vDSO
 * clock_gettime(CLOCK_MONOTONIC)), the same helper bound without {@code Linker.Option.critical}
 * (what the option saves), a baseline that returns a field, and one {@link TscCounter#pair()} of
 * {@value TscCounter#DEFAULT_TRIES} readings. Report ratios, not absolute numbers: docs/counter.md.
 * On a host without a usable TSC the setup fails with the reason.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Benchmark)
@SuppressWarnings("restricted")
public class CounterReadBenchmark {
    /** wallsync_counter_read bound like TscCounter's, but with the JVM's thread-state transition. */
    private static final MethodHandle READ_NOT_CRITICAL =
            Linker.nativeLinker().downcallHandle(FunctionDescriptor.of(ValueLayout.JAVA_LONG));

    private TscCounter counter;
    private MemorySegment readAddress;
    private long constant;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        counter = switch (TscCounter.open()) {
            case TscCounter.Available a -> a.counter();
            case TscCounter.Unavailable u -> throw new IllegalStateException("no TSC here: " + u.reason());
        };
        readAddress =
                SymbolLookup.libraryLookup(counter.library(), Arena.global()).findOrThrow("wallsync_counter_read");
        constant = System.nanoTime();
    }

    @Benchmark
    public long baseline() {
        return constant;
    }

    @Benchmark
    public long tscRead() {
        return counter.read();
    }

    @Benchmark
    public long tscReadNotCritical() throws Throwable {
        return (long) READ_NOT_CRITICAL.invokeExact(readAddress);
    }

    @Benchmark
    public long nanoTime() {
        return System.nanoTime();
    }

    @Benchmark
    public CounterPairing tscPair() {
        return counter.pair();
    }
}
