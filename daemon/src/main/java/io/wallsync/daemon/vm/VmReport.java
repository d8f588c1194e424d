package io.wallsync.daemon.vm;

import java.util.List;
import java.util.Map;

/**
 * What happened in one VM run.
 *
 * @param outcome how it ended
 * @param console the guest's serial output, byte for byte (ISO-8859-1)
 * @param lines complete console lines, each with the domain's wall time when its first byte was written
 * @param wallClockWrites domain wall time (ns) at each wall-clock MSR write the VMM served
 * @param unknownPorts port -> accesses of ports without a device (read as 0xFF)
 * @param exits vCPU exits served
 * @param setupNs from opening /dev/kvm to the first KVM_RUN
 * @param runNs from the first KVM_RUN to the end (boot-to-reset for a guest that resets)
 * @param offsetMovedSeconds how far the guest's RTC writes moved the domain's offset
 * @param irq8Raises how often the RTC drove IRQ 8 high (each a KVM_IRQ_LINE to the in-kernel PIC/IOAPIC)
 */
public record VmReport(
        VmOutcome outcome,
        String console,
        List<ConsoleLine> lines,
        List<Long> wallClockWrites,
        Map<Integer, Integer> unknownPorts,
        long exits,
        long setupNs,
        long runNs,
        long offsetMovedSeconds,
        long irq8Raises) {

    /** One console line (without its newline) and the domain's wall time at its first byte. */
    public record ConsoleLine(String text, long domainWallNs) {}

    /** The value of the first {@code key=value} line with this key, or null. */
    public String value(String key) {
        for (ConsoleLine l : lines) {
            if (l.text().startsWith(key + "=")) {
                return l.text().substring(key.length() + 1);
            }
        }
        return null;
    }

    /** The line holding {@code key=...}, or null. */
    public ConsoleLine line(String key) {
        for (ConsoleLine l : lines) {
            if (l.text().startsWith(key + "=")) {
                return l;
            }
        }
        return null;
    }

    public int unknownPortAccesses() {
        return unknownPorts.values().stream().mapToInt(Integer::intValue).sum();
    }
}
