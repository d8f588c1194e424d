/**
 * KVM through the FFM API over {@code /dev/kvm} (no JNI): the system, VM and vCPU file descriptors,
 * their ioctls (numbers and struct offsets of Linux {@code include/uapi/linux/kvm.h} and
 * {@code arch/x86/include/uapi/asm/kvm.h}), the mmap'd {@code kvm_run} area with exits decoded by
 * name, and guest memory. Every failed ioctl is a {@link io.wallsync.adapters.kvm.KvmException}
 * carrying the errno's name.
 */
package io.wallsync.adapters.kvm;
