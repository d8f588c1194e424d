package io.wallsync.cli;

import io.wallsync.adapters.linux.UnixDatagramSender;
import io.wallsync.client.PageStatus;
import io.wallsync.client.Reading;
import io.wallsync.client.WallclockPage;
import io.wallsync.core.ntp.SockSample;
import io.wallsync.core.page.PageLeapIndicator;
import java.util.function.LongSupplier;

/**
 * Feeds a domain's page to chronyd as a SOCK reference clock ({@code refclock SOCK PATH} in
 * chrony.conf): each sample says "at system time t, the true time was t + offset", with t the
 * receiver's CLOCK_REALTIME and the true time read from the page.
 */
final class ChronySockFeed {
    /** The outcome of one measurement. */
    sealed interface Measurement {
        record Sample(SockSample sample) implements Measurement {}

        /** No sample this time, and why (chronyd must not be disciplined from an untrusted page). */
        record Skipped(String why) implements Measurement {}
    }

    private final WallclockPage page;
    private final LongSupplier systemRealtimeNs;

    ChronySockFeed(WallclockPage page, LongSupplier systemRealtimeNs) {
        this.page = page;
        this.systemRealtimeNs = systemRealtimeNs;
    }

    /**
     * One sample: CLOCK_REALTIME before and after the page read, and the page's wall time; the
     * system time of the sample is the midpoint of the two CLOCK_REALTIME reads, which halves the
     * error from the read's own duration.
     */
    Measurement measure() {
        PageStatus status = page.status();
        if (!status.synchronised()) {
            return new Measurement.Skipped(
                    "the page's host is not synchronised (" + status.clockStatus() + "); no sample sent");
        }
        long before = systemRealtimeNs.getAsLong();
        Reading r = page.read();
        long after = systemRealtimeNs.getAsLong();
        if (!(r instanceof Reading.Valid v)) {
            return new Measurement.Skipped(r.toString());
        }
        long systemNs = before + (after - before) / 2;
        return new Measurement.Sample(new SockSample(systemNs, v.wallTimeNs() - systemNs, leap(status.leap())));
    }

    /** struct sock_sample leap: 1 while an insert is announced, 2 for a delete, else 0. */
    static int leap(PageLeapIndicator leap) {
        return switch (leap) {
            case PRE_POS -> 1;
            case PRE_NEG -> 2;
            case NONE, POS, POST_POS, POST_NEG -> 0;
        };
    }

    /** Measures and sends; returns a line to log when something went wrong, else null. */
    String sendOne(UnixDatagramSender sender) {
        return switch (measure()) {
            case Measurement.Skipped s -> s.why();
            case Measurement.Sample s ->
                switch (sender.send(s.sample().encode())) {
                    case UnixDatagramSender.SendResult.Sent sent -> null;
                    case UnixDatagramSender.SendResult.Failed f -> f.why();
                };
        };
    }
}
