package io.wallsync.sim.engine;

/** Something that happens at one instant of virtual time. */
@FunctionalInterface
public interface SimEvent {
    /**
     * Runs the event.
     *
     * @param nowNs the virtual time of the event, nanoseconds since the start of the simulation
     */
    void fire(long nowNs);
}
