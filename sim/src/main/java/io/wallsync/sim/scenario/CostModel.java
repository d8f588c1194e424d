package io.wallsync.sim.scenario;

/**
 * Modelled CPU cost of each operation, in nanoseconds of CPU time. These are assumptions of the
 * model (orders of magnitude from the Linux and Xen code paths), stated in the scenario so that a
 * reader can change them; they are not measurements.
 *
 * @param hypercallNs one XENPF_settime hypercall, entry and exit
 * @param domainUpdateNs rewriting one domain's wallclock fields under the seqlock
 * @param notifierCallNs one call of one gtod notifier callback
 * @param tickCopyNs KVM's per-tick copy of the host timekeeper (pvclock_gtod_data)
 * @param msrWriteNs one kvmclock wall-clock MSR write (a VM exit plus the guest memory write)
 */
public record CostModel(long hypercallNs, long domainUpdateNs, long notifierCallNs, long tickCopyNs, long msrWriteNs) {

    /** The defaults documented in docs/simulator.md. */
    public static CostModel defaults() {
        return new CostModel(2_000, 150, 50, 200, 1_500);
    }
}
