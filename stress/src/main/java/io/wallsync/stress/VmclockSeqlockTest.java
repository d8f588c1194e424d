package io.wallsync.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.wallsync.core.abi.SeqlockRetry;
import io.wallsync.core.port.CycleCounter;
import io.wallsync.core.vmclock.Vmclock;
import io.wallsync.core.vmclock.VmclockReading;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

/**
 * vmclock's seq_count on a mapped page v2 (the structure at byte 4096): the core writer
 * ({@link Vmclock#publish}, Linux's seq_count protocol) publishes writes k, k+1, k+2 of
 * {@link VmclockWrites} (every field derived from its write's number); two readers, one per test.
 * A single attempt ({@link SeqlockRetry#ONCE}) may find seq_count odd or changed: that is no read,
 * never a torn one.
 */
public final class VmclockSeqlockTest {
    private static final AtomicLong TRIAL = new AtomicLong(1);
    private static final CycleCounter COUNTER = () -> VmclockWrites.READER_COUNTER;

    private VmclockSeqlockTest() {}

    /**
     * The state of both tests and of the control: a fresh page holding write k, and the writer's
     * k+1 and k+2 (each test declares the actor: jcstress takes actors from the test class only,
     * not from its superclass).
     */
    abstract static class Writes {
        final long k = TRIAL.getAndAdd(3);
        final Vmclock clock = Vmclock.ofPage(MappedPages.next());

        Writes() {
            clock.publish(VmclockWrites.fields(k));
        }

        final void write() {
            clock.publish(VmclockWrites.fields(k + 1));
            clock.publish(VmclockWrites.fields(k + 2));
        }
    }

    /** {@link Vmclock#read}: all sixteen fields and the counter from one seqlock section. */
    @JCStressTest
    @Outcome(id = "1", expect = ACCEPTABLE, desc = "whole: every field from one write, counter read inside")
    @Outcome(id = "2", expect = ACCEPTABLE, desc = "no read: seq_count odd (a write in progress)")
    @Outcome(id = "3", expect = ACCEPTABLE, desc = "no read: seq_count changed during the read")
    @Outcome(id = "0", expect = FORBIDDEN, desc = "torn: fields from two different writes")
    @State
    public static class Read extends Writes {
        @Actor
        public void writer() {
            write();
        }

        @Actor
        public void reader(I_Result r) {
            r.r1 = switch (clock.read(COUNTER, SeqlockRetry.ONCE)) {
                case VmclockReading.Value v ->
                    VmclockWrites.whole(v.fields(), k, k + 2) && v.counter() == VmclockWrites.READER_COUNTER ? 1 : 0;
                case VmclockReading.Failed f -> (f.lastSeqCount() & 1) != 0 ? 2 : 3;
            };
        }
    }

    /**
     * {@link Vmclock#epochNanos}, the allocation-free fast path (plain loads of the five fields its
     * arithmetic needs): at the fixed counter its time is E(j) of exactly one write j.
     */
    @JCStressTest
    @Outcome(id = "1", expect = ACCEPTABLE, desc = "whole: the time of exactly one write")
    @Outcome(id = "2", expect = ACCEPTABLE, desc = "no read: NO_TIME (seq_count odd or changed)")
    @Outcome(id = "0", expect = FORBIDDEN, desc = "torn: a time no single write gives")
    @State
    public static class FastPath extends Writes {
        /** The writes' references are at most 4.5 ms old at the reader's counter: never stale. */
        private static final long MAX_AGE_NS = 1_000_000_000L;

        @Actor
        public void writer() {
            write();
        }

        @Actor
        public void reader(I_Result r) {
            long ns = clock.epochNanos(COUNTER, MAX_AGE_NS);
            r.r1 = ns == Vmclock.NO_TIME ? 2 : VmclockWrites.whole(ns, k, k + 2) ? 1 : 0;
        }
    }
}
