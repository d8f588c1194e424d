/**
 * KVM's answer to the same problem, used as the comparison policy: the kvmclock wall clock
 * (MSR_KVM_WALL_CLOCK_NEW writes a pvclock_wall_clock into guest memory, only on that write) and
 * the per-tick copy of the host timekeeper through the pvclock_gtod chain (arch/x86/kvm/x86.c).
 */
package io.wallsync.core.kvm;
