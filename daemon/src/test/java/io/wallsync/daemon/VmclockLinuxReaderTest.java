package io.wallsync.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * the C test writer (tests/c/vmclock_fixture.c, calibrated from real TSC / CLOCK_REALTIME pairs);
 * {@link #assertLinuxReaderAccepts} takes any page path, e.g. one written by {@code wallsync serve}.
 */
class VmclockLinuxReaderTest {
    private static final Pattern READ_RESULT = Pattern.compile(
            "linux-reader reads (\\d+) worst_outside_ns (\\d+) bound_violations (\\d+) max_bound_ns (\\d+)");
    private static final Pattern AT = Pattern.compile("(?m)^at (\\S+) (\\d+)\\.(\\d{9})$");
    /** Page offset of vmclock counter_value (WALLSYNC_VMCLOCK_COUNTER_VALUE_OFFSET). */
    private static final int COUNTER_VALUE_OFFSET = 4136;

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
    static long assertLinuxReaderAccepts(Path linuxReader, Path page, long reads) throws Exception {
        CBuild.Result r = CBuild.run(linuxReader, page.toString(), Long.toString(reads));
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
        long worst = assertLinuxReaderAccepts(linuxReader, page, 200_000);
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
