package io.wallsync.sim.result;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class AbsErrorHistogramTest {
    @Test
    void smallValuesAreExact() {
        AbsErrorHistogram h = new AbsErrorHistogram();
        for (long v = 1; v <= 100; v++) {
            h.add(-v);
        }
        // ranks: p50 -> 50th smallest = 50, p99 -> 99th = 99 (all below 256: exact buckets)
        assertThat(h.quantile(0.5)).isEqualTo(50);
        assertThat(h.quantile(0.99)).isEqualTo(99);
        assertThat(h.max()).isEqualTo(100);
        assertThat(h.count()).isEqualTo(100);
    }

    @Test
    void threeHoursIsReportedWithinOneBucket() {
        AbsErrorHistogram h = new AbsErrorHistogram();
        long threeHours = 10_800_000_000_000L;
        h.add(threeHours);
        // a single value: the quantile is capped at the exact max
        assertThat(h.quantile(0.5)).isEqualTo(threeHours);
    }

    @Test
    void bucketEdgesAreContiguous() {
        for (int i = 1; i < 7_296; i++) {
            long lowerOfThis = AbsErrorHistogram.upperEdge(i - 1) + 1;
            assertThat(AbsErrorHistogram.index(lowerOfThis)).isEqualTo(i);
            assertThat(AbsErrorHistogram.index(AbsErrorHistogram.upperEdge(i))).isEqualTo(i);
        }
    }

    @Property
    void quantilesAreWithinOneBucketOfTheExactSampleQuantile(
            @ForAll @Size(min = 1, max = 500) List<@LongRange(min = 0, max = 100_000_000_000_000L) Long> values,
            @ForAll("quantiles") double q) {
        AbsErrorHistogram h = new AbsErrorHistogram();
        values.forEach(h::add);
        long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
        long exact = sorted[(int) Math.ceil(q * sorted.length) - 1];
        long reported = h.quantile(q);
        // reported is the upper edge of exact's bucket (capped at max): >= exact, < exact * (1 + 1/128) + 1
        assertThat(reported).isGreaterThanOrEqualTo(exact);
        assertThat((double) reported).isLessThanOrEqualTo(exact * (1 + 1.0 / 128) + 1);
        assertThat(h.max()).isEqualTo(Arrays.stream(sorted).max().orElseThrow());
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<Double> quantiles() {
        return net.jqwik.api.Arbitraries.of(0.01, 0.5, 0.9, 0.99, 1.0);
    }
}
