package io.wallsync.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Whether this host's TSC may be published as a vmclock counter (issue 12: counter_id X86_TSC only
 * when the host's clocksource is {@code tsc} and the CPU has constant and nonstop TSC; otherwise
 * INVALID, and readers take the monotonic path). Every source must agree, checked in this order:
 *
 * <ol>
 *   <li>{@code os.arch} is {@code amd64} or {@code x86_64}: the TSC is an x86 counter;
 *   <li>the kernel's current clocksource is {@code tsc}: the kernel trusts the TSC (it passed the
 *       boot-time synchronisation check across CPUs and the clocksource watchdog has not marked it
 *       unstable), and CLOCK_REALTIME / CLOCK_MONOTONIC are themselves computed from it, so a
 *       pairing relates the counter to the clocks it drives;
 *   <li>every CPU's {@code flags} line in /proc/cpuinfo has {@code constant_tsc} (the rate does not
 *       follow the CPU frequency) and {@code nonstop_tsc} (the counter does not stop in deep
 *       C-states): the kernel's own view, set from CPUID and its quirk tables;
 *   <li>CPUID 0x80000007 EDX bit 8, invariant TSC (Intel SDM vol. 3B 17.17.1, AMD APM vol. 3
 *       Fn8000_0007_EDX[8]), read by the native helper: what the CPU (or hypervisor) itself says.
 * </ol>
 *
 * @param usable whether the TSC may be used
 * @param reason for people: what was checked, or the first check that refused and why
 */
public record CounterSupport(boolean usable, String reason) {
    /** Where the checks look; {@link #system()} in production, fake files in tests. */
    public record Host(String osArch, Path currentClocksource, Path cpuinfo) {
        public static Host system() {
            return new Host(
                    System.getProperty("os.arch"),
                    Path.of("/sys/devices/system/clocksource/clocksource0/current_clocksource"),
                    Path.of("/proc/cpuinfo"));
        }
    }

    private static final Set<String> X86_64 = Set.of("amd64", "x86_64");

    public CounterSupport {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a CounterSupport needs a reason");
        }
    }

    /**
     * Checks 1-3 (architecture, clocksource, cpuinfo flags): what can be decided without loading
     * the native helper. A missing file is a refusal (no sysfs in a container, not Linux).
     *
     * @throws IOException when a file exists but cannot be read: a broken environment
     */
    public static CounterSupport ofHost(Host host) throws IOException {
        if (!X86_64.contains(host.osArch())) {
            return refused("os.arch is " + host.osArch() + ", not amd64/x86_64: there is no TSC to read");
        }
        String clocksource;
        try {
            clocksource = Files.readString(host.currentClocksource()).strip();
        } catch (NoSuchFileException e) {
            return refused("cannot tell the kernel's clocksource: " + host.currentClocksource()
                    + " does not exist (no sysfs here?)");
        }
        if (!clocksource.equals("tsc")) {
            return refused("the kernel's clocksource is " + (clocksource.isEmpty() ? "empty" : clocksource)
                    + ", not tsc (" + host.currentClocksource() + "): the kernel does not trust the TSC, or"
                    + " CLOCK_REALTIME runs from another counter");
        }
        List<String> cpuinfo;
        try {
            cpuinfo = Files.readAllLines(host.cpuinfo());
        } catch (NoSuchFileException e) {
            return refused("cannot tell the TSC's properties: " + host.cpuinfo() + " does not exist");
        }
        List<List<String>> flagLines = cpuinfo.stream()
                .filter(line -> line.startsWith("flags") && line.indexOf(':') > 0)
                .filter(line -> line.substring(0, line.indexOf(':')).strip().equals("flags"))
                .map(line -> Arrays.asList(
                        line.substring(line.indexOf(':') + 1).strip().split("\\s+")))
                .toList();
        if (flagLines.isEmpty()) {
            return refused("no flags line in " + host.cpuinfo() + ": cannot tell whether the TSC is constant"
                    + " and nonstop");
        }
        for (int cpu = 0; cpu < flagLines.size(); cpu++) {
            List<String> flags = flagLines.get(cpu);
            if (!flags.contains("constant_tsc")) {
                return refused("CPU " + cpu + " has no constant_tsc in " + host.cpuinfo()
                        + ": the TSC rate may follow the CPU frequency");
            }
            if (!flags.contains("nonstop_tsc")) {
                return refused("CPU " + cpu + " has no nonstop_tsc in " + host.cpuinfo()
                        + ": the TSC may stop in deep C-states");
            }
        }
        return new CounterSupport(
                true,
                "os.arch " + host.osArch() + ", clocksource tsc, constant_tsc and nonstop_tsc on all "
                        + flagLines.size() + " CPUs");
    }

    /** Check 4: this result combined with the CPUID invariant TSC bit (only a usable result changes). */
    public CounterSupport withCpuidInvariant(boolean invariantTsc) {
        if (!usable) {
            return this;
        }
        if (!invariantTsc) {
            return refused("CPUID 0x80000007 EDX bit 8 (invariant TSC) is clear, although the kernel lists"
                    + " constant_tsc and nonstop_tsc (" + reason + ")");
        }
        return new CounterSupport(true, reason + ", CPUID invariant TSC");
    }

    private static CounterSupport refused(String why) {
        return new CounterSupport(false, why);
    }
}
