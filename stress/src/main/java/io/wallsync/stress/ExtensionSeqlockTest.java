package io.wallsync.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.wallsync.adapters.page.PageState;
import io.wallsync.adapters.page.PageWriter;
import io.wallsync.client.PageFormatException;
import io.wallsync.client.PageStatus;
import io.wallsync.client.ReaderOptions;
import io.wallsync.client.WallclockPage;
import io.wallsync.client.WallclockUnavailableException;
import io.wallsync.core.page.ClockStatus;
import io.wallsync.core.page.PageLeapIndicator;
import io.wallsync.core.page.PushReason;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

/**
 * The extension's seq_count: PageWriter.publishState against WallclockPage.status. Every write
 * stores generation g, last push 3g and maxerror 5g; a read mixing two writes breaks that.
 */
@JCStressTest
@Outcome(id = "1", expect = ACCEPTABLE, desc = "a whole extension from one write")
@Outcome(id = "0", expect = FORBIDDEN, desc = "torn: fields from two different writes")
@Outcome(id = "-1", expect = FORBIDDEN, desc = "reader gave up although the writer is alive")
@State
public class ExtensionSeqlockTest {
    private static final AtomicLong TRIAL = new AtomicLong(1);
    private static final ReaderOptions OPTIONS = ReaderOptions.defaults().withMaxWriterWait(Duration.ofSeconds(5));

    private final long g = TRIAL.getAndAdd(3);
    private final PageWriter writer;
    private final WallclockPage reader;

    public ExtensionSeqlockTest() {
        MemorySegment page = MappedPages.next();
        writer = new PageWriter(page);
        MappedPages.publish(writer, g);
        writer.publishState(state(g));
        try {
            reader = WallclockPage.wrap(page, OPTIONS, () -> 0L);
        } catch (PageFormatException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PageState state(long g) {
        return new PageState(
                g % 2 == 0 ? ClockStatus.SYNCHRONIZED : ClockStatus.FREERUNNING,
                PageLeapIndicator.NONE,
                37,
                true,
                g,
                g,
                5 * g,
                3 * g,
                PushReason.STEP,
                0);
    }

    @Actor
    public void writer() {
        writer.publishState(state(g + 1));
        writer.publishState(state(g + 2));
    }

    @Actor
    public void reader(I_Result r) {
        try {
            PageStatus s = reader.status();
            long gen = s.stepGeneration();
            boolean whole = s.lastPushMonotonicNs() == 3 * gen
                    && s.maxErrorNs().orElse(-1) == 5 * gen
                    && s.estErrorNs().orElse(-1) == gen
                    && s.synchronised() == (gen % 2 == 0);
            r.r1 = whole ? 1 : 0;
        } catch (WallclockUnavailableException e) {
            r.r1 = -1;
        }
    }
}
