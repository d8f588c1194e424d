package io.wallsync.sim.run;

/**
 * What the wallsync policy publishes next to W on every push (DESIGN.md section 6): the Xen system
 * time of the push, the measured rate of dom0's clock against Xen system time (so a reader can
 * extrapolate between pushes: wall = W + sys + rate * (sys - sysAtPush)), and whether dom0's clock
 * was synchronised.
 *
 * @param sysAtPushNs Xen system time at the push
 * @param rate (d realtime / d system time) - 1, dimensionless (1e-6 = 1 ppm)
 * @param synchronised dom0's STA_UNSYNC was clear at the push
 */
record WallsyncPublication(long sysAtPushNs, double rate, boolean synchronised) {
    static final WallsyncPublication NONE = new WallsyncPublication(0, 0, false);

    /** The correction a reader adds to W + sys at system time {@code sysNs}. */
    long correctionNs(long sysNs) {
        return Math.round((sysNs - sysAtPushNs) * rate);
    }
}
