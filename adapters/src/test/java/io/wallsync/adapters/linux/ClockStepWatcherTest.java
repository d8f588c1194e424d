package io.wallsync.adapters.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

class ClockStepWatcherTest {
    @Test
    void quietClockGivesNoStepWithinTheTimeout() {
        try (ClockStepWatcher watcher = ClockStepWatcher.open()) {
            long start = System.nanoTime();
            StepWait w = watcher.await(Duration.ofMillis(100));
            long waitedMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(w).isInstanceOf(StepWait.NoStep.class);
            // poll() honoured the timeout: it neither returned at once nor hung.
            assertThat(waitedMs).isBetween(90L, 2_000L);
        }
    }

    /**
     * Really steps CLOCK_REALTIME forward by 1 ms and back: only with WALLSYNC_ALLOW_CLOCK_STEP=1,
     * never in CI. Proves that clock_settime cancels the timer (read() fails with ECANCELED).
     */
    @Test
    @EnabledIfEnvironmentVariable(named = "WALLSYNC_ALLOW_CLOCK_STEP", matches = "1")
    void realClockStepIsSeenAsClockWasSet() throws Throwable {
        Linker linker = Linker.nativeLinker();
        MethodHandle settime = linker.downcallHandle(
                linker.defaultLookup().findOrThrow("clock_settime"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        try (ClockStepWatcher watcher = ClockStepWatcher.open();
                LinuxClocks clocks = new LinuxClocks();
                Arena arena = Arena.ofConfined()) {
            MemorySegment ts = arena.allocate(16, 8);
            long target = clocks.realtimeNs() + 1_000_000;
            ts.set(ValueLayout.JAVA_LONG, 0, target / 1_000_000_000L);
            ts.set(ValueLayout.JAVA_LONG, 8, target % 1_000_000_000L);
            assertThat((int) settime.invoke(Libc.CLOCK_REALTIME, ts)).isZero();
            assertThat(watcher.await(Duration.ofSeconds(2))).isInstanceOf(StepWait.ClockWasSet.class);
            long back = clocks.realtimeNs() - 1_000_000;
            ts.set(ValueLayout.JAVA_LONG, 0, back / 1_000_000_000L);
            ts.set(ValueLayout.JAVA_LONG, 8, back % 1_000_000_000L);
            assertThat((int) settime.invoke(Libc.CLOCK_REALTIME, ts)).isZero();
            // Re-armed after the first cancel, so the second step is seen too.
            assertThat(watcher.await(Duration.ofSeconds(2))).isInstanceOf(StepWait.ClockWasSet.class);
        }
    }
}
