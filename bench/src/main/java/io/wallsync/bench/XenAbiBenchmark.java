package io.wallsync.bench;

import io.wallsync.core.clocksource.PvclockScale;
import io.wallsync.core.xen.SharedInfo;
import io.wallsync.core.xen.SharedInfoLayout;
import io.wallsync.core.xen.WallclockReading;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Cost of the guest-side Xen ABI reads: an uncontended seqlock read of the shared_info wallclock
 * and one pvclock scale_delta, against a baseline of one plain little-endian u32 load from the
 * same page.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class XenAbiBenchmark {
    private static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);

    private SharedInfo page;
    private PvclockScale scale;
    private long delta;

    @Setup
    public void setup() {
        page = SharedInfo.allocate();
        page.publishWallclock(4_294_967_303L, 123_456_789);
        scale = PvclockScale.forFrequencyHz(2_900_000_000L);
        delta = 123_456_789_012L;
    }

    @Benchmark
    public int baselinePlainLoad() {
        return page.segment().get(LE_INT, SharedInfoLayout.WC_SEC_OFFSET);
    }

    @Benchmark
    public WallclockReading seqlockReadWallclock() {
        return page.readWallclock(SharedInfo.DEFAULT_MAX_RETRIES);
    }

    @Benchmark
    public long pvclockScaleDelta() {
        return scale.scaleDelta(delta);
    }
}
