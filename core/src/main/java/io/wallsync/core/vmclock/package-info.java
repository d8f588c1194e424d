/**
 * The Linux vmclock ABI (include/uapi/linux/vmclock-abi.h) at byte 4096 of a wallsync page v2: the
 * descriptor {@link io.wallsync.core.vmclock.VmclockLayout}, the flyweight
 * {@link io.wallsync.core.vmclock.Vmclock} (one seqlock writer, one reader), the counter
 * arithmetic of Linux drivers/ptp/ptp_vmclock.c, and the pure calibration that turns counter
 * pairings into a published counter/time relation with honest error bounds.
 */
package io.wallsync.core.vmclock;
