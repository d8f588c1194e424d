package io.wallsync.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.wallsync.core.abi.SeqlockRetry;
import io.wallsync.core.clocksource.PvclockScale;
import io.wallsync.core.xen.SharedInfo;
import io.wallsync.core.xen.VcpuTimeInfo;
import io.wallsync.core.xen.VcpuTimeReading;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

/**
 * vcpu_time_info's version seqlock: the core writer (VcpuTimeInfo.publish, Xen's
 * update_vcpu_system_time order) against the core reader (VcpuTimeInfo.read) on vcpu 0 of a mapped
 * page. Every write k stores tsc_timestamp k, system_time 7k, mul 11k and shift k mod 64 - 31; a
 * read that mixes two writes breaks those relations.
 */
@JCStressTest
@Outcome(id = "1", expect = ACCEPTABLE, desc = "a whole vcpu_time_info from one write")
@Outcome(id = "0", expect = FORBIDDEN, desc = "torn: fields from two different writes")
@Outcome(id = "-1", expect = FORBIDDEN, desc = "reader gave up although the writer is alive")
@State
public class VcpuTimeInfoSeqlockTest {
    private static final AtomicLong TRIAL = new AtomicLong(1);
    /** Far more retries than two writes can cause: giving up means a lost version update. */
    private static final SeqlockRetry PATIENT = SeqlockRetry.upTo(10_000_000);

    private final long k = TRIAL.getAndAdd(3);
    private final VcpuTimeInfo info = new SharedInfo(MappedPages.next()).vcpuTimeInfo(0);

    public VcpuTimeInfoSeqlockTest() {
        publish(k);
    }

    private void publish(long n) {
        info.publish(n, 7 * n, new PvclockScale((int) (11 * n), (int) (n % 64) - 31), 1);
    }

    @Actor
    public void writer() {
        publish(k + 1);
        publish(k + 2);
    }

    @Actor
    public void reader(I_Result r) {
        r.r1 = switch (info.read(PATIENT)) {
            case VcpuTimeReading.Value v -> {
                long n = v.tscTimestamp();
                yield v.systemTimeNs() == 7 * n
                                && v.scale().tscToSystemMul() == (int) (11 * n)
                                && v.scale().tscShift() == (int) (n % 64) - 31
                        ? 1
                        : 0;
            }
            case VcpuTimeReading.Failed f -> -1;
        };
    }
}
