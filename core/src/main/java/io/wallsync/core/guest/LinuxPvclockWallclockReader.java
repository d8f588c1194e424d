package io.wallsync.core.guest;

import io.wallsync.core.xen.SharedInfo;
import io.wallsync.core.xen.SharedInfoLayout;
import io.wallsync.core.xen.Wallclock;
import io.wallsync.core.xen.WallclockReading;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * Linux's reader of the Xen wallclock, as a PV guest runs it at boot: arch/x86/xen/time.c
 * {@code xen_read_wallclock} passes {@code &HYPERVISOR_shared_info->wc} (a {@code struct
 * pvclock_wall_clock}: u32 version, u32 sec, u32 nsec, the first 12 bytes of the wc_* fields at
 * shared_info byte 3072) to arch/x86/kernel/pvclock.c {@code pvclock_read_wallclock}. Followed:
 * current Linux (the {@code timespec64} version that carries the 2106 note, quoted below); the
 * loop and the arithmetic are the same in the first pvclock.c (2.6.26, {@code struct timespec}).
 *
 * <pre>
 *  do {
 *      version = wall_clock-&gt;version;
 *      rmb();              // fetch version before time
 *      // Note: wall_clock-&gt;sec is a u32 value, so it can only store dates between 1970
 *      // and 2106. ...
 *      now.tv_sec  = wall_clock-&gt;sec;
 *      now.tv_nsec = wall_clock-&gt;nsec;
 *      rmb();              // fetch time before checking version
 *  } while ((wall_clock-&gt;version &amp; 1) || (version != wall_clock-&gt;version));
 *  delta = pvclock_clocksource_read(vcpu_time);   // time since system boot
 *  delta += now.tv_sec * NSEC_PER_SEC + now.tv_nsec;
 * </pre>
 *
 * <p>So W is {@code wc_sec} as an unsigned 32-bit number plus {@code wc_nsec}; {@code wc_sec_hi}
 * is never read. Consequences a PV Linux guest really shows, and this reader reproduces:
 *
 * <ul>
 *   <li>A W at or after 2106-02-07T06:28:16Z (2^32 s) wraps: W = 2^32 + 10 s reads as 10 s,
 *       1970-01-01T00:00:10Z.
 *   <li>A W before 1970 (a negative time_offset larger than W, stored by Xen's
 *       {@code update_domain_wallclock_time} as the low 32 bits of a negative {@code sec}) reads
 *       as a date in 2106: sec = -2600 is stored as 4_294_964_696 = 2106-02-07T05:44:56Z.
 *   <li>A {@code wc_nsec} of 10^9 or more is added as it is ({@code now.tv_nsec} goes into the u64
 *       sum before {@code do_div}), so the excess carries into the seconds.
 * </ul>
 *
 * <p>Linux's loop retries for ever; this one gives up after {@code maxRetries} retries and says
 * why, so a stuck writer cannot hang a simulation. wallsync's 64-bit reader, which does use
 * {@code wc_sec_hi}, is {@link SharedInfo#readWallclock}.
 */
public final class LinuxPvclockWallclockReader {
    /** u32 little-endian, aligned: version, sec, nsec of struct pvclock_wall_clock. */
    private static final VarHandle U32 =
            ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    private static final long VERSION_OFFSET = SharedInfoLayout.WC_VERSION_OFFSET;
    private static final long SEC_OFFSET = SharedInfoLayout.WC_SEC_OFFSET;
    private static final long NSEC_OFFSET = SharedInfoLayout.WC_NSEC_OFFSET;

    private LinuxPvclockWallclockReader() {}

    /**
     * Reads W from {@code page} as Linux's {@code pvclock_read_wallclock} does.
     *
     * @return W = wc_sec (u32) + wc_nsec (u32) ns, normalised, with the version it was read at; or
     *     {@link WallclockReading.Failed} after {@code maxRetries + 1} attempts
     * @throws IllegalArgumentException if {@code maxRetries < 0}
     */
    public static WallclockReading read(SharedInfo page, int maxRetries) {
        Objects.requireNonNull(page, "page");
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries " + maxRetries + ": expected >= 0");
        }
        MemorySegment segment = page.segment();
        int lastVersion = 0;
        for (int attempt = 0; attempt <= maxRetries; attempt++) {
            int version = (int) U32.getAcquire(segment, VERSION_OFFSET);
            // rmb() "fetch version before time": the field loads stay below the version load.
            VarHandle.loadLoadFence();
            long sec = Integer.toUnsignedLong((int) U32.getOpaque(segment, SEC_OFFSET));
            long nsec = Integer.toUnsignedLong((int) U32.getOpaque(segment, NSEC_OFFSET));
            // rmb() "fetch time before checking version": the re-check stays below the field loads.
            VarHandle.loadLoadFence();
            int again = (int) U32.getAcquire(segment, VERSION_OFFSET);
            if ((again & 1) == 0 && version == again) {
                // now.tv_sec * NSEC_PER_SEC + now.tv_nsec: at most (2^32-1)*10^9 + 2^32-1, which
                // fits a signed long, so the u64 sum and its do_div are exact here.
                Wallclock w = Wallclock.ofEpochNanos(sec * Wallclock.NANOS_PER_SECOND + nsec);
                return new WallclockReading.Value(w.seconds(), w.nanos(), again);
            }
            lastVersion = again;
        }
        String why = (lastVersion & 1) != 0
                ? "writer stuck: wc_version " + Integer.toUnsignedString(lastVersion) + " still odd after "
                        + (maxRetries + 1) + " attempts"
                : "torn: wc_version changed during every one of " + (maxRetries + 1) + " attempts";
        return new WallclockReading.Failed(maxRetries + 1, lastVersion, why);
    }
}
