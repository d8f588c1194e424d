/**
 * {@code wallsync vm}: a KVM micro-VMM whose guests read their domain's wallclock through real vCPU
 * exits. {@link io.wallsync.daemon.vm.MicroVm} is the wiring: the KVM adapter
 * ({@link io.wallsync.adapters.kvm}), a guest loaded as a Linux vmlinux is ({@link
 * io.wallsync.daemon.vm.ElfImage}, {@link io.wallsync.daemon.vm.BootParams}), and the devices: 8250
 * UART, the core's MC146818 RTC over a {@link io.wallsync.daemon.vm.DomainClock}, the i8042 reset and
 * the kvmclock wall-clock MSRs.
 */
package io.wallsync.daemon.vm;
