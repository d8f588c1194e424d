package io.wallsync.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.wallsync.core.port.CounterPairing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real TSC of this host through the native helper (skipped, with the reason, on a host whose
 * TSC {@link CounterSupport} refuses). No timed assertion: orders, brackets and rates, with bounds
 * far above what a loaded 2-core machine produces.
 */
class TscCounterTest {
    @TempDir
    static Path cache;

    private static TscCounter counter;
    /** TSC ticks per nanosecond (GHz), from two pairings {@link #SPACING_NS} apart. */
    private static double ticksPerNs;

    private static final long SPACING_NS = 200_000_000L;

    @BeforeAll
    static void openTheCounterOfThisHost() throws Exception {
        CounterSupport host = CounterSupport.ofHost(CounterSupport.Host.system());
        assumeTrue(host.usable(), () -> "no usable TSC on this host: " + host.reason());
        TscCounter.Availability a =
                TscCounter.open(16, CounterSupport.Host.system(), Map.of("XDG_CACHE_HOME", cache.toString()));
        assertThat(a).isInstanceOf(TscCounter.Available.class);
        counter = a.optionalCounter().orElseThrow();
        CounterPairing first = counter.pair();
        CounterPairing second = pairingAfter(first, SPACING_NS);
        ticksPerNs = rateViaMonotonic(first, second);
    }

    /** A pairing taken at least {@code spacingNs} of CLOCK_MONOTONIC after {@code earlier}. */
    private static CounterPairing pairingAfter(CounterPairing earlier, long spacingNs) throws InterruptedException {
        while (System.nanoTime() - earlier.monotonicNs() < spacingNs) {
            Thread.sleep(20);
        }
        return counter.pair();
    }

    private static double rateViaMonotonic(CounterPairing a, CounterPairing b) {
        return (double) (b.monotonicCounter() - a.monotonicCounter()) / (b.monotonicNs() - a.monotonicNs());
    }

    private static double rateViaRealtime(CounterPairing a, CounterPairing b) {
        return (double) (b.realtimeCounter() - a.realtimeCounter()) / (b.realtimeNs() - a.realtimeNs());
    }

    @Test
    void theCounterIsTheTscOfTheVmclockAbiFromTheExtractedHelper() {
        assertThat(counter.counterId()).isEqualTo(1); // VMCLOCK_COUNTER_X86_TSC, include/uapi/linux/vmclock-abi.h
        assertThat(counter.tries()).isEqualTo(16);
        // From the test classes directory there is no jar to sit beside: the resource was extracted.
        assertThat(counter.library().getParent()).isEqualTo(cache.resolve("wallsync"));
        assertThat(counter.library().getFileName().toString()).matches("libwallsync-counter-[0-9a-f]{16}\\.so");
    }

    @Test
    void aMillionReadsOnOneThreadNeverGoBackwards() {
        long previous = counter.read();
        long backwards = 0;
        for (int i = 0; i < 1_000_000; i++) {
            long now = counter.read();
            if (Long.compareUnsigned(now, previous) < 0) {
                backwards++;
            }
            previous = now;
        }
        assertThat(backwards).as("reads lower than the one before").isZero();
    }

    @Test
    void aPairingIsOrderedAndItsClocksLieInsideTheJavaBrackets() {
        long readBefore = counter.read();
        long millisBefore = System.currentTimeMillis();
        long nanoBefore = System.nanoTime();
        CounterPairing p = counter.pair();
        long nanoAfter = System.nanoTime();
        long millisAfter = System.currentTimeMillis();
        long readAfter = counter.read();

        assertThat(Long.compareUnsigned(readBefore, p.counterBefore())).isLessThanOrEqualTo(0);
        assertThat(Long.compareUnsigned(p.counterBefore(), p.counterMiddle())).isLessThanOrEqualTo(0);
        assertThat(Long.compareUnsigned(p.counterMiddle(), p.counterAfter())).isLessThanOrEqualTo(0);
        assertThat(Long.compareUnsigned(p.counterAfter(), readAfter)).isLessThanOrEqualTo(0);
        // currentTimeMillis is CLOCK_REALTIME truncated to ms: realtimeNs / 1e6 lies in [before, after].
        assertThat(Math.floorDiv(p.realtimeNs(), 1_000_000L)).isBetween(millisBefore, millisAfter);
        // nanoTime is CLOCK_MONOTONIC on Linux (TOOLCHAIN-NOTES.md; WallclockPage relies on it too).
        assertThat(p.monotonicNs()).isBetween(nanoBefore, nanoAfter);
    }

    @Test
    void theRateIsAPlausibleTscFrequencyAndBothClocksAndBothIntervalsAgree() throws Exception {
        CounterPairing a = counter.pair();
        CounterPairing b = pairingAfter(a, SPACING_NS);
        CounterPairing c = pairingAfter(b, SPACING_NS);
        double viaMonotonic = rateViaMonotonic(a, b);
        double viaRealtime = rateViaRealtime(a, b);
        double later = rateViaMonotonic(b, c);
        System.out.printf(
                "TSC rate: %.6f GHz via CLOCK_MONOTONIC, %.6f via CLOCK_REALTIME, %.6f over the next 200 ms%n",
                viaMonotonic, viaRealtime, later);

        assertThat(viaMonotonic).isBetween(0.5, 10.0); // GHz: every x86 TSC since the Pentium 4
        // Each instant is known to half its bracket; over 200 ms that is < 1 ppm for sub-µs brackets.
        double bracketPpm = 1e6 * (halfBracket(a) + 2 * halfBracket(b) + halfBracket(c)) / (ticksPerNs * SPACING_NS);
        assertThat(Math.abs(viaRealtime / viaMonotonic - 1) * 1e6)
                .as("ppm between the realtime and monotonic rates over one interval")
                .isLessThan(100 + bracketPpm);
        // Both clocks are slewed alike by NTP; two successive intervals agree unless the kernel's
        // frequency changed in between (no NTP daemon runs on the test machines).
        assertThat(Math.abs(later / viaMonotonic - 1) * 1e6)
                .as("ppm between two successive 200 ms intervals")
                .isLessThan(100 + bracketPpm);

        kernelTscKhz()
                .ifPresent(khz -> assertThat(viaMonotonic * 1e6 / khz)
                        .as("rate against /proc/cpuinfo's cpu MHz (%s kHz)", khz)
                        .isBetween(0.99, 1.01));
    }

    private static double halfBracket(CounterPairing p) {
        return (p.counterAfter() - p.counterBefore()) / 2.0;
    }

    /**
     * The kernel's tsc_khz where /proc/cpuinfo shows it: in a guest with tsc_known_freq and no
     * aperfmperf, "cpu MHz" is cpu_khz (arch/x86/kernel/cpu/proc.c falls back to it), and the
     * hypervisor's calibration sets cpu_khz = tsc_khz (kvmclock.c: calibrate_tsc = calibrate_cpu =
     * kvm_get_tsc_khz; the same in vmware.c and Hyper-V). On bare metal "cpu MHz" is the current core
     * clock, not the TSC's: no value.
     */
    private static java.util.Optional<Double> kernelTscKhz() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
        List<String> flags = lines.stream()
                .filter(l -> l.startsWith("flags"))
                .findFirst()
                .map(l -> Arrays.asList(l.substring(l.indexOf(':') + 1).strip().split("\\s+")))
                .orElse(List.of());
        if (!flags.contains("hypervisor") || !flags.contains("tsc_known_freq") || flags.contains("aperfmperf")) {
            return java.util.Optional.empty();
        }
        Pattern mhz = Pattern.compile("^cpu MHz\\s*:\\s*([0-9.]+)$");
        for (String l : lines) {
            Matcher m = mhz.matcher(l);
            if (m.matches()) {
                return java.util.Optional.of(Double.parseDouble(m.group(1)) * 1000);
            }
        }
        return java.util.Optional.empty();
    }

    @Test
    void theTightestBracketOfSixteenIsNarrow() {
        // 1000 pairings of 16 readings each; their outer widths (counterAfter - counterBefore) in ns.
        long[] widthsNs = new long[1000];
        for (int i = 0; i < widthsNs.length; i++) {
            CounterPairing p = counter.pair();
            widthsNs[i] = Math.round((p.counterAfter() - p.counterBefore()) / ticksPerNs);
        }
        Arrays.sort(widthsNs);
        System.out.printf(
                "tightest bracket of 16, over 1000 pairings: min %d ns, median %d ns, p99 %d ns, max %d ns%n",
                widthsNs[0], widthsNs[500], widthsNs[990], widthsNs[999]);
        // Two vDSO clock_gettime calls and three lfence; rdtsc take well under a microsecond; the
        // bound is 100 µs so a preempted burst on a busy machine does not fail the test.
        assertThat(widthsNs[500]).as("median width, ns").isLessThan(100_000);
        assertThat(widthsNs[0]).as("narrowest width, ns").isPositive();
    }

    @Test
    void triesOutsideOneToAThousandAreRefusedByTheHelperToo() {
        // (TscCounter.open refuses them first: CounterSupportTest.)
        long[] out = new long[5];
        // -EINVAL: EINVAL = 22 (include/uapi/asm-generic/errno-base.h); out is left untouched.
        assertThat(counter.pairInto(0, out)).isEqualTo(-22);
        assertThat(counter.pairInto(1001, out)).isEqualTo(-22);
        assertThat(out).containsOnly(0L);
        assertThat(counter.pairInto(1000, out)).isZero();
        assertThat(counter.pairInto(1, out)).isZero();
        assertThat(out[0]).isNotZero();
    }
}
