package io.wallsync.sim.scenario;

/**
 * A group of identical guests.
 *
 * @param name group name; guest i of the group is called {@code name-i} (or just {@code name} when
 *     count is 1)
 * @param kind PV or HVM under the Xen policies; every guest is a kvmclock guest under kvm-per-tick
 * @param count number of guests, >= 1
 * @param bootAtNs true time at which the first guest boots
 * @param bootSpreadNs the guests boot evenly spread over [bootAt, bootAt + spread)
 * @param shutdownAtNs true time at which they shut down, or {@link Long#MAX_VALUE} for never
 * @param reads how the guest follows the wallclock after boot
 * @param rereadIntervalNs for {@link ReadMode#BOOT_ONLY}: re-read the wallclock this often (0: never)
 * @param timeOffsetSeconds the domain's time_offset (Xen keeps per-domain offsets in whole seconds)
 */
public record GuestGroup(
        String name,
        GuestKind kind,
        int count,
        long bootAtNs,
        long bootSpreadNs,
        long shutdownAtNs,
        ReadMode reads,
        long rereadIntervalNs,
        long timeOffsetSeconds) {

    /** Guest kinds under the Xen policies. */
    public enum GuestKind {
        /** Paravirtualised: reads wc_* from shared_info with the seqlock protocol. */
        PV,
        /** Fully virtualised: reads the emulated CMOS RTC (W + system time + time_offset). */
        HVM
    }

    /** How a guest keeps its wall time after boot. */
    public enum ReadMode {
        /**
         * Follows the wallclock continuously (classic XenLinux with independent_wallclock = 0): its
         * wall time is always the published W plus system time.
         */
        FOLLOW("follow"),
        /**
         * Reads the wallclock at boot (and every reread interval), then runs on system time alone
         * (pvops Linux, HVM guests reading the RTC at boot).
         */
        BOOT_ONLY("boot-only");

        private final String id;

        ReadMode(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }
}
