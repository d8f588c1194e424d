package io.wallsync.daemon.vm;

import io.wallsync.core.rtc.RtcFlavor;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;

/**
 * Measures boot-to-reset of the wallclock-probe guest (a runner, not a test): {@code N} VMs one
 * after another in one JVM, each timed from its first KVM_RUN to the i8042 reset exit
 * ({@link VmReport#runNs()}); setup (open /dev/kvm .. first KVM_RUN) is reported separately. The
 * first run includes class loading and is not counted.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED \
 *     -cp core/target/classes:adapters/target/classes:daemon/target/classes:daemon/target/test-classes \
 *     io.wallsync.daemon.vm.ProbeBootTimes 20
 * </pre>
 */
public final class ProbeBootTimes {
    private ProbeBootTimes() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        DomainClock domain = new DomainClock() {
            @Override
            public long wallNs() {
                Instant now = Instant.now();
                return (now.getEpochSecond() + 3600) * 1_000_000_000L + now.getNano();
            }

            @Override
            public void moveOffset(long deltaSeconds) {
                throw new UnsupportedOperationException("the probe does not write the RTC");
            }
        };
        VmConfig config = new VmConfig(
                Guests.WALLCLOCK_PROBE,
                Guests.builtIn(Guests.WALLCLOCK_PROBE),
                "",
                64L << 20,
                Duration.ofSeconds(60),
                RtcFlavor.XEN);
        MicroVm.run(config, domain, OutputStream.nullOutputStream()); // warm-up, not counted
        long[] run = new long[n];
        long[] setup = new long[n];
        long exits = 0;
        for (int i = 0; i < n; i++) {
            VmReport r = MicroVm.run(config, domain, OutputStream.nullOutputStream());
            if (!(r.outcome() instanceof VmOutcome.Reset)) {
                throw new IllegalStateException("run " + i + ": " + r.outcome().describe());
            }
            run[i] = r.runNs();
            setup[i] = r.setupNs();
            exits = r.exits();
        }
        Arrays.sort(run);
        Arrays.sort(setup);
        System.out.printf(
                Locale.ROOT,
                "wallclock-probe, %d runs: boot-to-reset median %.1f ms (min %.1f, max %.1f); setup median %.1f ms;"
                        + " %d exits per run%n",
                n,
                median(run) / 1e6,
                run[0] / 1e6,
                run[n - 1] / 1e6,
                median(setup) / 1e6,
                exits);
    }

    private static double median(long[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }
}
