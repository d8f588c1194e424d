package io.wallsync.sim.run;

import io.wallsync.core.abi.SeqlockRetry;
import io.wallsync.core.page.ClockStatus;
import io.wallsync.core.page.PageExtension;
import io.wallsync.core.page.PageExtensionLayout;
import io.wallsync.core.port.CycleCounter;
import io.wallsync.core.vmclock.Vmclock;
import io.wallsync.core.vmclock.VmclockFields;
import io.wallsync.core.vmclock.VmclockReading;
import java.lang.foreign.MemorySegment;

/**
 * A guest's reader of its page's vmclock structure (page v2, byte 4096), as Linux's ptp_vmclock
 * reads it: one seqlock read of the fields with the TSC read inside it ({@link Vmclock#read}), the
 * time at that counter value and the published maximum error there. Every guest of the wallsync
 * policy has one, PV or HVM: the structure is a device of its own, not part of shared_info.
 */
final class VmclockProbe {
    /** What one read found: no usable counter relation, or the time and its bound. */
    sealed interface Read {
        /** The page published no usable relation (initialising, unreliable, no period). */
        record NoCounter() implements Read {}

        /**
         * @param epochNs the counter-path time, ns since the epoch (the domain's offset included)
         * @param maxErrorNs the published maximum error at the counter read (Long.MAX_VALUE if it
         *     does not fit): the tracking error against dom0's CLOCK_REALTIME
         * @param hostMaxErrorNs dom0's own maximum error against UTC as the page's extension
         *     publishes it (adjtimex maxerror, byte 3176), while the vmclock says SYNCHRONIZED; -1
         *     otherwise (an unsynchronised host's maxerror bounds nothing)
         */
        record Time(long epochNs, long maxErrorNs, long hostMaxErrorNs) implements Read {}
    }

    private static final Read NO_COUNTER = new Read.NoCounter();

    private final Vmclock clock;
    private final PageExtension extension;
    private final CycleCounter tsc;

    VmclockProbe(MemorySegment page, CycleCounter tsc) {
        this.clock = Vmclock.ofPage(page);
        this.extension = new PageExtension(page);
        this.tsc = tsc;
    }

    Read read() {
        // Single-threaded: the writer never runs inside a read, so one attempt always succeeds.
        VmclockReading reading = clock.read(tsc, SeqlockRetry.ONCE);
        if (!(reading instanceof VmclockReading.Value value)) {
            throw new IllegalStateException("a vmclock read failed with no concurrent writer: " + reading);
        }
        VmclockFields f = value.fields();
        long bound = value.maxErrorNs();
        if (!f.counterUsable() || bound < 0) {
            return NO_COUNTER;
        }
        // The extension is written by the same single thread: its last write is complete here.
        long host = f.status() == ClockStatus.SYNCHRONIZED
                        && (extension.flags() & PageExtensionLayout.FLAG_TIME_MAXERROR_VALID) != 0
                ? extension.timeMaxerrorNanosec()
                : -1;
        return new Read.Time(f.epochNanosAt(value.counter()), bound, host);
    }
}
