package io.wallsync.sim.report;

import java.util.Comparator;
import java.util.List;

/**
 * The unit an axis is drawn in, chosen from the data so that tick labels stay short numbers: an
 * error axis spanning 1 us to 3 h reads 0.000001 .. 10,000 in seconds, not 0.001 .. 1E7 in ms.
 */
enum AxisUnit {
    NS("ns", 1),
    US("\u00b5s", 1e3),
    MS("ms", 1e6),
    S("s", 1e9),
    MIN("min", 60e9),
    H("h", 3_600e9);

    final String label;
    final double ns;

    AxisUnit(String label, double ns) {
        this.label = label;
        this.ns = ns;
    }

    /** {@code valueNs} in this unit. */
    double of(double valueNs) {
        return valueNs / ns;
    }

    /**
     * For a log axis from {@code minNs} to {@code maxNs} (both > 0): the unit whose decade labels
     * (10^lo .. 10^hi of the unit, lo = floor(log10 min), hi = ceil(log10 max)) have the shortest
     * longest label; on a tie the larger unit.
     */
    static AxisUnit forLogRange(double minNs, double maxNs) {
        return List.of(values()).stream()
                .min(Comparator.comparingInt((AxisUnit u) -> u.longestDecadeLabel(minNs, maxNs))
                        .thenComparing(
                                Comparator.comparingDouble((AxisUnit u) -> u.ns).reversed()))
                .orElseThrow();
    }

    /** For a linear axis from 0 to {@code maxNs}: the largest unit of which the range is at least 2. */
    static AxisUnit forLinearRange(double maxNs) {
        AxisUnit best = NS;
        for (AxisUnit u : values()) {
            if (maxNs >= 2 * u.ns) {
                best = u;
            }
        }
        return best;
    }

    int longestDecadeLabel(double minNs, double maxNs) {
        int lo = (int) Math.floor(Math.log10(of(minNs)));
        int hi = (int) Math.ceil(Math.log10(of(maxNs)));
        return Math.max(decadeLabelLength(lo), decadeLabelLength(hi));
    }

    /** Characters of 10^k written out: "0.001" (k = -3) is 5, "10,000" (k = 4) is 6. */
    static int decadeLabelLength(int k) {
        return k < 0 ? 2 - k : k + 1 + k / 3;
    }
}
