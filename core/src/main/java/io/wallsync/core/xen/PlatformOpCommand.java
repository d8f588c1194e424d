package io.wallsync.core.xen;

/**
 * A decoded {@code struct xen_platform_op} sub-command (xen/include/public/platform.h). Fields keep
 * their raw ABI values; the hypervisor validates them (as Xen does, after the privilege check).
 */
public sealed interface PlatformOpCommand {

    /** The {@code cmd} number. */
    int cmd();

    /**
     * XENPF_settime32 (17): "set clock such that it would read &lt;secs,nsecs&gt; after 00:00:00
     * UTC, 1 January, 1970 if the current system time was &lt;system_time&gt;".
     *
     * @param secs u32 seconds, 0..2^32-1
     * @param nsecs u32 nanoseconds as sent (bits of an int)
     * @param systemTimeNs u64 hypervisor system time the wall time refers to
     */
    record Settime32(long secs, int nsecs, long systemTimeNs) implements PlatformOpCommand {
        public Settime32 {
            if (secs < 0 || secs > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("settime32 secs " + secs + " out of range: expected a u32");
            }
        }

        @Override
        public int cmd() {
            return PlatformOp.XENPF_SETTIME32;
        }
    }

    /**
     * XENPF_settime64 (62): as settime32 with 64-bit seconds and a must-be-zero word.
     *
     * @param secs u64 seconds (bits of a long)
     * @param nsecs u32 nanoseconds as sent (bits of an int)
     * @param mbz must be zero, else -EINVAL
     * @param systemTimeNs u64 hypervisor system time the wall time refers to
     */
    record Settime64(long secs, int nsecs, int mbz, long systemTimeNs) implements PlatformOpCommand {
        @Override
        public int cmd() {
            return PlatformOp.XENPF_SETTIME64;
        }
    }

    /**
     * A command this model does not implement (the hypervisor answers -ENOSYS, as Xen's
     * {@code default:} case does).
     *
     * @param cmd the cmd number sent
     */
    record Unknown(int cmd) implements PlatformOpCommand {}
}
