package io.wallsync.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.wallsync.adapters.linux.LinuxHostClock;
import io.wallsync.adapters.linux.MonotonicClocks;
import io.wallsync.client.TscCounter;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vmclock part of a page v2 read by an independent reader written from Linux
 * (tests/c/vmclock_linux_reader.c: drivers/ptp/ptp_vmclock.c vmclock_get_crosststamp and
 * mul_u64_u64_shr_add_u64), and compared with include/wallsync.h's arithmetic. The page comes from
 * the C test writer (tests/c/vmclock_fixture.c, calibrated from real TSC / CLOCK_REALTIME pairs)
 * and from the daemon itself (ServeDaemon with this host's TSC); {@link #assertLinuxReaderAccepts}
 * takes any page path.
 */
class VmclockLinuxReaderTest {
    private static final Pattern READ_RESULT = Pattern.compile(
            "linux-reader reads (\\d+) worst_outside_ns (\\d+) bound_violations (\\d+) max_bound_ns (\\d+)");
    private static final Pattern AT = Pattern.compile("(?m)^at (\\S+) (\\d+)\\.(\\d{9})$");
    /** Page offset of vmclock counter_value (WALLSYNC_VMCLOCK_COUNTER_VALUE_OFFSET). */
    private static final int COUNTER_VALUE_OFFSET = 4136;

    private static final int COUNTER_ID_OFFSET = 4106;
    private static final int COUNTER_PERIOD_SHIFT_OFFSET = 4135;
    private static final int COUNTER_PERIOD_FRAC_SEC_OFFSET = 4144;

    @TempDir
    Path tmp;

    private Path linuxReader;
    private Path fixture;

    @BeforeEach
    void compile() throws Exception {
        linuxReader = CBuild.compile(tmp, "tests/c/vmclock_linux_reader.c", "vmclock_linux_reader");
        fixture = CBuild.compile(tmp, "tests/c/vmclock_fixture.c", "vmclock_fixture");
    }

    /**
     * Runs the Linux-style reader on {@code page}: it must accept the structure as Linux's driver
     * would (magic, size, version, X86_TSC, UTC), read it {@code reads} times without failing, and
     * find every time within the page's own bound of a CLOCK_REALTIME bracket. Returns the worst
     * distance outside the bracket (ns).
     */
    static long assertLinuxReaderAccepts(Path linuxReader, Path page, long reads, int offsetSeconds) throws Exception {
        CBuild.Result r =
                CBuild.run(linuxReader, page.toString(), Long.toString(reads), Integer.toString(offsetSeconds));
        assertThat(r.exitCode()).as(r.output()).isZero();
        Matcher m = READ_RESULT.matcher(r.output());
        assertThat(m.find()).as(r.output()).isTrue();
        assertThat(Long.parseLong(m.group(1))).isEqualTo(reads);
        assertThat(Long.parseLong(m.group(3)))
                .as("bound violations: " + r.output())
                .isZero();
        System.out.println("Linux-style vmclock reader on " + page.getFileName() + ": " + m.group());
        return Long.parseLong(m.group(2));
    }

    @Test
    void linuxArithmeticOnHandWorkedValues() throws Exception {
        CBuild.Result r = CBuild.run(linuxReader, "selftest");
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("4 passed, 0 failed");
    }

    @Test
    void linuxReaderReadsACalibratedPageWithinItsPublishedBound() throws Exception {
        Path page = tmp.resolve("fixture.page");
        CBuild.Result w = CBuild.run(fixture, "write", page.toString());
        assertThat(w.exitCode()).as(w.output()).isZero();
        assertThat(Files.size(page)).isEqualTo(8192);
        // The bound is the page's; a generous sanity limit on top (a loaded 2-core box stretches
        // brackets, which only ever makes "outside" smaller).
        long worst = assertLinuxReaderAccepts(linuxReader, page, 200_000, 0);
        assertThat(worst).isLessThan(1_000_000);
    }

    @Test
    void linuxReaderRefusesWhatLinuxWouldNotRegister() throws Exception {
        Path page = tmp.resolve("fixture.page");
        assertThat(CBuild.run(fixture, "write", page.toString(), "10").exitCode())
                .isZero();
        byte[] bytes = Files.readAllBytes(page);
        bytes[4106] = (byte) 0xff; // counter_id VMCLOCK_COUNTER_INVALID
        Path invalid = tmp.resolve("invalid.page");
        Files.write(invalid, bytes);
        CBuild.Result r = CBuild.run(linuxReader, invalid.toString(), "10");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.output()).contains("counter_id is not VMCLOCK_COUNTER_X86_TSC");
        Path v1 = tmp.resolve("v1.page");
        Files.write(v1, java.util.Arrays.copyOf(bytes, 4096));
        r = CBuild.run(linuxReader, v1.toString(), "10");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.output()).contains("4096 bytes, a page v2 has 8192");
    }

    @Test
    void wallsyncHeaderAndLinuxGiveTheSameTimeForEveryCounterAtOrAfterTheReference() throws Exception {
        Path page = tmp.resolve("fixture.page");
        assertThat(CBuild.run(fixture, "write", page.toString(), "10").exitCode())
                .isZero();
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(page)).order(ByteOrder.LITTLE_ENDIAN);
        long cv = b.getLong(COUNTER_VALUE_OFFSET);
        // delta 0, 1 tick, 2^32 ticks, about an hour and about 4 years at a few GHz, the largest
        // delta both take as positive (2^63 - 1), and 5 ticks before the reference.
        List<String> counters = new ArrayList<>();
        for (long delta : new long[] {0, 1, 1L << 32, 10_000_000_000_000L, 300_000_000_000_000_000L, Long.MAX_VALUE}) {
            counters.add(Long.toUnsignedString(cv + delta));
        }
        String before = Long.toUnsignedString(cv - 5);
        counters.add(before);
        Map<String, BigDecimal> linux = times(linuxReader, page, counters);
        Map<String, BigDecimal> header = times(fixture, page, counters);
        for (String c : counters.subList(0, counters.size() - 1)) {
            assertThat(header.get(c)).as("counter " + c).isEqualByComparingTo(linux.get(c));
        }
        // 5 ticks early: wallsync.h (signed delta) gives a time just before the reference; Linux
        // (unsigned) 2^64 - 5 ticks later, i.e. about P * 2^-shift s (2^64 ticks) later.
        BigDecimal reference = header.get(Long.toUnsignedString(cv));
        assertThat(header.get(before)).isLessThan(reference);
        assertThat(reference.subtract(header.get(before))).isLessThan(new BigDecimal("0.000001"));
        int shift = b.get(COUNTER_PERIOD_SHIFT_OFFSET) & 0xff;
        BigDecimal wrapSeconds = new BigDecimal(Long.toUnsignedString(b.getLong(COUNTER_PERIOD_FRAC_SEC_OFFSET)))
                .divide(BigDecimal.valueOf(2).pow(shift));
        assertThat(linux.get(before)
                        .subtract(header.get(before))
                        .subtract(wrapSeconds)
                        .abs())
                .isLessThan(BigDecimal.ONE);
    }

    /**
     * The daemon's own page v2 (real host clock, this host's TSC, a domain one hour ahead): the
     * Linux-style reader accepts it and finds every time within the published bound of CLOCK_REALTIME
     * + 3600 s, and so does include/wallsync.h's counter path (tests/c/wallsync_bench.c accuracy).
     */
    @Test
    void linuxReaderAndTheHeaderReadTheDaemonsPageV2WithinItsBound() throws Exception {
        TscCounter.Availability a = TscCounter.open();
        assumeTrue(
                a instanceof TscCounter.Available,
                () -> "no usable TSC on this host: " + a.support().reason());
        Path bench = CBuild.compile(tmp, "tests/c/wallsync_bench.c", "wallsync_bench");
        Path dir = tmp.resolve("pages");
        try (LinuxHostClock host = new LinuxHostClock()) {
            ServeDaemon d = new ServeDaemon(
                    new DaemonConfig(
                                    List.of(DomainSpec.parse("web:3600")),
                                    Duration.ofMinutes(11),
                                    Duration.ofMillis(100))
                            .withVmclock(VmclockOptions.realMode(
                                    a.optionalCounter().orElseThrow(), Duration.ofMillis(10), 500)),
                    host,
                    MonotonicClocks.linux(),
                    FilePageSink.lock(dir),
                    PushObserver.NONE,
                    line -> {});
            d.start();
            try {
                Path page = dir.resolve("web.page");
                // The first calibration needs a baseline: wait (bounded) until counter_id is X86_TSC
                // and the period is set, instead of sleeping a fixed time.
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (!calibrated(page) && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertThat(calibrated(page))
                        .as("the daemon calibrated the vmclock within 10 s")
                        .isTrue();
                assertLinuxReaderAccepts(linuxReader, page, 200_000, 3600);
                CBuild.Result r = CBuild.run(bench, "accuracy", page.toString(), "200000");
                assertThat(r.exitCode()).as(r.output()).isZero();
                assertThat(r.output())
                        .contains("accuracy offset_s 3600 reads 200000 ")
                        .contains(" violations 0");
                System.out.println(
                        "C counter path on the daemon's page: " + r.output().strip());
            } finally {
                d.close();
            }
        }
    }

    private static boolean calibrated(Path page) throws Exception {
        if (!Files.exists(page) || Files.size(page) < 8192) {
            return false;
        }
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(page)).order(ByteOrder.LITTLE_ENDIAN);
        return b.get(COUNTER_ID_OFFSET) == 1 && b.getLong(COUNTER_PERIOD_FRAC_SEC_OFFSET) != 0;
    }

    private static Map<String, BigDecimal> times(Path program, Path page, List<String> counters) throws Exception {
        List<String> args = new ArrayList<>(List.of("at", page.toString()));
        args.addAll(counters);
        CBuild.Result r = CBuild.run(program, args.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.output()).isZero();
        Map<String, BigDecimal> out = new LinkedHashMap<>();
        Matcher m = AT.matcher(r.output());
        while (m.find()) {
            out.put(m.group(1), new BigDecimal(m.group(2) + "." + m.group(3)));
        }
        assertThat(out.keySet()).as(r.output()).containsExactlyElementsOf(counters);
        return out;
    }
}
