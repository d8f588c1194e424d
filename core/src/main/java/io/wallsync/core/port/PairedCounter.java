package io.wallsync.core.port;

/**
 * A cycle counter that can be read against the host's clocks: the x86 TSC through the native
 * helper on Linux, the hypervisor's simulated oscillator in the simulator. What the daemon
 * calibrates a vmclock page from.
 */
public interface PairedCounter extends CycleCounter {
    /** The vmclock counter_id of this counter (Linux include/uapi/linux/vmclock-abi.h: X86_TSC = 1). */
    int counterId();

    /** The tightest of a burst of bracketed readings (see {@link CounterPairing}). */
    CounterPairing pair();
}
