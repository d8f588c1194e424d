package io.wallsync.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;

import io.wallsync.adapters.page.PageWriter;
import io.wallsync.core.xen.SharedInfoLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

/**
 * Control: the same writer, but a reader that ignores wc_version. It does tear (outcome 0), which
 * shows that {@link WallclockSeqlockTest} could fail and that its 0 torn reads come from the
 * version protocol, not from luck. Expected to tear: ACCEPTABLE_INTERESTING.
 */
@JCStressTest
@Outcome(id = "1", expect = ACCEPTABLE, desc = "happened to read one write")
@Outcome(id = "0", expect = ACCEPTABLE_INTERESTING, desc = "torn, as expected without the version check")
@State
public class WallclockWithoutVersionControl {
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final AtomicLong TRIAL = new AtomicLong();

    private final long k = TRIAL.getAndAdd(3);
    private final MemorySegment page = MappedPages.next();
    private final PageWriter writer = new PageWriter(page);

    public WallclockWithoutVersionControl() {
        MappedPages.publish(writer, k);
    }

    @Actor
    public void writer() {
        MappedPages.publish(writer, k + 1);
        MappedPages.publish(writer, k + 2);
    }

    @Actor
    public void reader(I_Result r) {
        long lo = Integer.toUnsignedLong(page.get(U32, SharedInfoLayout.WC_SEC_OFFSET));
        long nsec = Integer.toUnsignedLong(page.get(U32, SharedInfoLayout.WC_NSEC_OFFSET));
        long hi = Integer.toUnsignedLong(page.get(U32, SharedInfoLayout.WC_SEC_HI_OFFSET));
        r.r1 = MappedPages.consistent(((hi << 32) | lo) * 1_000_000_000L + nsec) ? 1 : 0;
    }
}
