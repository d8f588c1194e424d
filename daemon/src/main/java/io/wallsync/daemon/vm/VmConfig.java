package io.wallsync.daemon.vm;

import io.wallsync.core.rtc.RtcFlavor;
import java.time.Duration;
import java.util.Objects;

/**
 * What to boot and how.
 *
 * @param guestName for messages (a built-in guest's name or the file name)
 * @param image the guest ELF
 * @param cmdline the kernel command line given in boot_params
 * @param memoryBytes guest RAM from physical address 0: 2 MiB .. 1 GiB, a multiple of 2 MiB
 * @param timeout the vCPU is stopped when the guest has not reset by then
 * @param rtcFlavor qemu or xen (xen: a guest's date write moves the domain's offset)
 */
public record VmConfig(
        String guestName, byte[] image, String cmdline, long memoryBytes, Duration timeout, RtcFlavor rtcFlavor) {
    public static final long MIN_MEMORY = 2L << 20;
    public static final long MAX_MEMORY = 1L << 30;

    public VmConfig {
        Objects.requireNonNull(guestName, "guestName");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(cmdline, "cmdline");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(rtcFlavor, "rtcFlavor");
        if (memoryBytes < MIN_MEMORY || memoryBytes > MAX_MEMORY || memoryBytes % MIN_MEMORY != 0) {
            throw new IllegalArgumentException("guest memory must be a multiple of 2 MiB from 2 MiB to 1 GiB"
                    + " (the identity page tables map 1 GiB), got " + memoryBytes + " bytes");
        }
        BootParams.checkCmdline(cmdline);
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
    }
}
