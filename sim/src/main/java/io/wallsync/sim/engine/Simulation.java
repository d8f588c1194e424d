package io.wallsync.sim.engine;

import io.wallsync.core.port.MonotonicClock;

/**
 * Discrete-event engine in virtual nanoseconds. Events run in (time, scheduling order); the engine
 * never reads a real clock and never sleeps, so a run depends only on what was scheduled.
 */
public final class Simulation {
    private final EventQueue queue = new EventQueue();
    private long nowNs;
    private long eventsFired;

    /** Virtual time now, nanoseconds since the start of the simulation. */
    public long nowNs() {
        return nowNs;
    }

    /** Number of events fired so far. */
    public long eventsFired() {
        return eventsFired;
    }

    /** Number of events still waiting. */
    public int pending() {
        return queue.size();
    }

    /** Virtual time as a {@link MonotonicClock}: true elapsed nanoseconds since the start. */
    public MonotonicClock clock() {
        return () -> nowNs;
    }

    /**
     * Schedules {@code event} at virtual time {@code timeNs}.
     *
     * @throws IllegalArgumentException if {@code timeNs} is in the past: that would be a bug in the
     *     caller, since virtual time never goes backwards
     */
    public void at(long timeNs, SimEvent event) {
        if (timeNs < nowNs) {
            throw new IllegalArgumentException("event scheduled at " + timeNs + " ns, before now = " + nowNs + " ns");
        }
        queue.add(timeNs, event);
    }

    /** Schedules {@code event} {@code delayNs} after now. */
    public void after(long delayNs, SimEvent event) {
        at(Math.addExact(nowNs, delayNs), event);
    }

    /**
     * Schedules {@code event} at {@code firstNs} and then every {@code periodNs} for as long as the
     * simulation runs.
     */
    public void every(long firstNs, long periodNs, SimEvent event) {
        if (periodNs <= 0) {
            throw new IllegalArgumentException("period must be > 0 ns, got " + periodNs);
        }
        at(firstNs, new Repeating(periodNs, event));
    }

    /**
     * Fires every event with time &lt;= {@code endNs} in order, then sets now to {@code endNs}.
     *
     * @return the number of events fired by this call
     */
    public long runUntil(long endNs) {
        long before = eventsFired;
        while (!queue.isEmpty() && queue.peekTimeNs() <= endNs) {
            nowNs = queue.peekTimeNs();
            SimEvent event = queue.poll();
            eventsFired++;
            event.fire(nowNs);
        }
        if (endNs > nowNs) {
            nowNs = endNs;
        }
        return eventsFired - before;
    }

    private final class Repeating implements SimEvent {
        private final long periodNs;
        private final SimEvent event;

        Repeating(long periodNs, SimEvent event) {
            this.periodNs = periodNs;
            this.event = event;
        }

        @Override
        public void fire(long nowNs) {
            event.fire(nowNs);
            queue.add(nowNs + periodNs, this);
        }
    }
}
