package io.wallsync.core.guest;

import io.wallsync.core.xen.SharedInfo;
import io.wallsync.core.xen.WallclockReading;

/**
 * How a PV guest turns the wallclock fields of its shared_info page into W. Two readers exist:
 *
 * <ul>
 *   <li>{@link #LINUX} (the default of {@link PvGuest}): Linux's {@code xen_read_wallclock} →
 *       {@code pvclock_read_wallclock}, which reads the u32 {@code wc_sec} and ignores
 *       {@code wc_sec_hi}. See {@link LinuxPvclockWallclockReader}.
 *   <li>{@link #WALLSYNC_SEC_HI}: wallsync's own 64-bit reader {@link SharedInfo#readWallclock},
 *       which combines {@code wc_sec_hi:wc_sec} into signed 64-bit seconds. No Linux guest reads
 *       the page this way; it is the reader for a guest (or a tool) that wants dates after 2106
 *       and before 1970, as the wallsync client library does.
 * </ul>
 */
@FunctionalInterface
public interface PvWallclockReader {
    /** Linux's u32 reader ({@link LinuxPvclockWallclockReader#read}). */
    PvWallclockReader LINUX = LinuxPvclockWallclockReader::read;

    /** wallsync's 64-bit wc_sec_hi:wc_sec reader ({@link SharedInfo#readWallclock}). */
    PvWallclockReader WALLSYNC_SEC_HI = SharedInfo::readWallclock;

    /**
     * Reads W with the seqlock protocol, giving up after {@code maxRetries} retries.
     *
     * @throws IllegalArgumentException if {@code maxRetries < 0}
     */
    WallclockReading read(SharedInfo page, int maxRetries);
}
