package io.wallsync.core.xen;

import io.wallsync.core.clocksource.PvclockScale;

/** The outcome of a seqlock read of a {@link VcpuTimeInfo}: a consistent snapshot or a failure. */
public sealed interface VcpuTimeReading {

    /**
     * A consistent snapshot.
     *
     * @param version the even version both checks saw
     * @param tscTimestamp counter value at which systemTimeNs was sampled (u64)
     * @param systemTimeNs hypervisor system time at tscTimestamp (u64 ns)
     * @param scale tsc_to_system_mul and tsc_shift
     * @param flags the PVCLOCK flag bits
     */
    record Value(int version, long tscTimestamp, long systemTimeNs, PvclockScale scale, int flags)
            implements VcpuTimeReading {
        /**
         * Hypervisor system time at counter value {@code counter}, as Linux
         * {@code __pvclock_read_cycles}: system_time + scale_delta(counter - tsc_timestamp).
         */
        public long systemTimeNsAt(long counter) {
            return systemTimeNs + scale.scaleDelta(counter - tscTimestamp);
        }
    }

    /**
     * No consistent snapshot after {@code attempts} tries.
     *
     * @param attempts how many times the reader tried
     * @param lastVersion the version seen last
     * @param why what went wrong
     */
    record Failed(int attempts, int lastVersion, String why) implements VcpuTimeReading {}
}
