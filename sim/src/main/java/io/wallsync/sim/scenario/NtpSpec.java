package io.wallsync.sim.scenario;

/**
 * The host's NTP daemon.
 *
 * @param enabled whether the host runs NTP at all
 * @param firstPollNs true time of the first poll after host boot
 * @param pollIntervalNs time between polls
 * @param noiseNs standard deviation of the measured offset (network and server noise)
 * @param stepThresholdNs offsets larger than this are stepped (ntpd and chrony default: 128 ms)
 * @param maxSlewPpm largest frequency correction (kernel limit: 500 ppm)
 * @param syncAfterPolls consecutive good polls before STA_UNSYNC is cleared
 * @param stepMethod how the daemon steps the clock
 */
public record NtpSpec(
        boolean enabled,
        long firstPollNs,
        long pollIntervalNs,
        long noiseNs,
        long stepThresholdNs,
        double maxSlewPpm,
        int syncAfterPolls,
        StepMethod stepMethod) {

    /** The two ways an NTP daemon steps the kernel clock. */
    public enum StepMethod {
        /** settimeofday/clock_settime (ntpd's step). */
        SETTIMEOFDAY("settimeofday"),
        /** adjtimex with ADJ_SETOFFSET (chrony's makestep). */
        ADJ_SETOFFSET("adj_setoffset");

        private final String id;

        StepMethod(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }
}
