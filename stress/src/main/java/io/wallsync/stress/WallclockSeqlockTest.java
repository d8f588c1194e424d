package io.wallsync.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.wallsync.adapters.page.PageWriter;
import io.wallsync.client.PageFormatException;
import io.wallsync.client.ReaderOptions;
import io.wallsync.client.WallclockPage;
import io.wallsync.client.WallclockUnavailableException;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

/**
 * The daemon's writer (PageWriter, Xen wc_version order) against the client's reader
 * (WallclockPage.wallclockNs, bounded seqlock read) on a mapped page: the reader sees the old or a
 * new wallclock, never wc_sec / wc_nsec / wc_sec_hi from two different writes.
 */
@JCStressTest
@Outcome(id = "1", expect = ACCEPTABLE, desc = "a whole wallclock from one write")
@Outcome(id = "0", expect = FORBIDDEN, desc = "torn: fields from two different writes")
@Outcome(id = "-1", expect = FORBIDDEN, desc = "reader gave up although the writer is alive")
@State
public class WallclockSeqlockTest {
    private static final AtomicLong TRIAL = new AtomicLong();
    private static final ReaderOptions OPTIONS = ReaderOptions.defaults().withMaxWriterWait(Duration.ofSeconds(5));

    private final long k = TRIAL.getAndAdd(3);
    private final PageWriter writer;
    private final WallclockPage reader;

    public WallclockSeqlockTest() {
        MemorySegment page = MappedPages.next();
        writer = new PageWriter(page);
        MappedPages.publish(writer, k);
        try {
            reader = WallclockPage.wrap(page, OPTIONS, () -> 0L);
        } catch (PageFormatException e) {
            throw new IllegalStateException(e);
        }
    }

    @Actor
    public void writer() {
        MappedPages.publish(writer, k + 1);
        MappedPages.publish(writer, k + 2);
    }

    @Actor
    public void reader(I_Result r) {
        try {
            r.r1 = MappedPages.consistent(reader.wallclockNs()) ? 1 : 0;
        } catch (WallclockUnavailableException e) {
            r.r1 = -1;
        }
    }
}
