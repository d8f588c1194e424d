package io.wallsync.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.wallsync.core.vmclock.Vmclock;
import io.wallsync.core.vmclock.VmclockFields;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Control for {@link VmclockSeqlockTest}: the same writer and the same check, but a reader that
 * ignores seq_count ({@link Vmclock#fields()}: sixteen single-field loads, no ordering). It does
 * tear (r1 = 0), which shows that the seqlock tests could fail and that their 0 torn reads come
 * from seq_count. Expected to tear: ACCEPTABLE_INTERESTING.
 *
 * <p>r2 applies the fast path's check to the same loads (the time at the reader's counter,
 * {@link VmclockFields#epochNanosAt}, must be E(j) of one write): it shows that check catches
 * tearing too, and a whole read whose time is not E(j) ("1, 0") would mean the hand-worked E(j)
 * of {@link VmclockWrites} is wrong.
 */
@JCStressTest
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "happened to read one write")
@Outcome(id = "0, 0", expect = ACCEPTABLE_INTERESTING, desc = "torn, and the fast path's check sees it too")
@Outcome(id = "0, 1", expect = ACCEPTABLE_INTERESTING, desc = "torn in fields the time does not use")
@Outcome(id = "1, 0", expect = FORBIDDEN, desc = "one whole write whose time is not E(j): VmclockWrites is wrong")
@State
public class VmclockWithoutSeqCountControl extends VmclockSeqlockTest.Writes {
    @Actor
    public void writer() {
        write();
    }

    @Actor
    public void reader(II_Result r) {
        VmclockFields f = clock.fields();
        r.r1 = VmclockWrites.whole(f, k, k + 2) ? 1 : 0;
        r.r2 = VmclockWrites.whole(f.epochNanosAt(VmclockWrites.READER_COUNTER), k, k + 2) ? 1 : 0;
    }
}
