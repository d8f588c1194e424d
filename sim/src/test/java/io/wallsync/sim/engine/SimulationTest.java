package io.wallsync.sim.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

class SimulationTest {
    @org.junit.jupiter.api.Test
    void eventsFireInTimeOrderAndTiesInSchedulingOrder() {
        Simulation sim = new Simulation();
        List<String> fired = new ArrayList<>();
        sim.at(30, now -> fired.add("c@" + now));
        sim.at(10, now -> fired.add("a@" + now));
        sim.at(30, now -> fired.add("d@" + now));
        sim.at(20, now -> fired.add("b@" + now));

        long count = sim.runUntil(100);

        assertThat(fired).containsExactly("a@10", "b@20", "c@30", "d@30");
        assertThat(count).isEqualTo(4);
        assertThat(sim.nowNs()).isEqualTo(100);
    }

    @org.junit.jupiter.api.Test
    void repeatingEventFiresEveryPeriodUpToTheEndInclusive() {
        Simulation sim = new Simulation();
        List<Long> times = new ArrayList<>();
        sim.every(5, 10, times::add);

        sim.runUntil(35);

        // first at 5, then 15, 25, 35 (35 <= end): four firings
        assertThat(times).containsExactly(5L, 15L, 25L, 35L);
    }

    @org.junit.jupiter.api.Test
    void eventsScheduledFromAnEventAtTheSameInstantRunAfterIt() {
        Simulation sim = new Simulation();
        List<String> fired = new ArrayList<>();
        sim.at(7, now -> {
            fired.add("first");
            sim.after(0, t -> fired.add("chained@" + t));
        });
        sim.runUntil(7);
        assertThat(fired).containsExactly("first", "chained@7");
    }

    @org.junit.jupiter.api.Test
    void schedulingInThePastIsABug() {
        Simulation sim = new Simulation();
        sim.runUntil(50);
        assertThatThrownBy(() -> sim.at(49, now -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("before now = 50");
    }

    @org.junit.jupiter.api.Test
    void runUntilLeavesLaterEventsPending() {
        Simulation sim = new Simulation();
        sim.at(10, now -> {});
        sim.at(20, now -> {});
        sim.runUntil(15);
        assertThat(sim.pending()).isEqualTo(1);
        assertThat(sim.eventsFired()).isEqualTo(1);
    }

    @Property
    void anyScheduleFiresSortedByTimeThenByInsertion(
            @ForAll @Size(max = 300) List<@LongRange(min = 0, max = 50) Long> times) {
        Simulation sim = new Simulation();
        List<long[]> fired = new ArrayList<>();
        for (int i = 0; i < times.size(); i++) {
            long index = i;
            sim.at(times.get(i), now -> fired.add(new long[] {now, index}));
        }
        sim.runUntil(50);
        assertThat(fired).hasSize(times.size());
        for (int i = 1; i < fired.size(); i++) {
            long[] a = fired.get(i - 1);
            long[] b = fired.get(i);
            assertThat(a[0] < b[0] || (a[0] == b[0] && a[1] < b[1])).isTrue();
        }
        for (long[] f : fired) {
            assertThat(f[0]).isEqualTo(times.get((int) f[1]));
        }
    }
}
