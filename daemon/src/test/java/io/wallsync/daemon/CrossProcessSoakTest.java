package io.wallsync.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.wallsync.adapters.page.DomainName;
import io.wallsync.adapters.page.PageFile;
import io.wallsync.adapters.page.PageWriter;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seqlock readers in other processes than the writer. A Java writer thread in this JVM rewrites the
 * wallclock and the vmclock structure at full speed (write k: {@link SoakReaderMain#value} and
 * {@link SoakReaderMain#vmclockFields}) under a C reader (wallsync.h, wallclock) and a Java reader
 * (client library: wallclock and vmclock fields; the core's vmclock fast path); a C writer process
 * rewrites the vmclock fields under a C reader. Torn reads must be 0 on every line a seqlock reader
 * prints ("[what ]reads N torn M").
 */
class CrossProcessSoakTest {
    /** One line of a reader's report: an optional label (none for the wallclock), reads, torn. */
    private static final Pattern RESULT = Pattern.compile("(?:([a-z][\\w-]*) )?reads (\\d+) torn (\\d+)");

    @TempDir
    Path tmp;

    @Test
    void seqlockReadersInOtherProcessesNeverSeeATornWallclockOrVmclock() throws Exception {
        Path cSoak = CBuild.compile(tmp, "tests/c/wallsync_soak.c", "wallsync_soak");
        Path dir = tmp.resolve("pages");
        try (PageFile file = PageFile.openForWriting(dir, new DomainName("soak"))) {
            PageWriter writer = new PageWriter(file.segment());
            writer.initialise(
                    ProcessHandle.current().pid(), 1000, io.wallsync.core.vmclock.VmclockLayout.COUNTER_INVALID);
            writer.publishWallclock(SoakReaderMain.BASE_NS / 1_000_000_000L, 0);
            writer.publishVmclock(SoakReaderMain.vmclockFields(0));
            file.publish();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong writes = new AtomicLong();
            Thread w = Thread.ofPlatform().start(() -> {
                long k = 0;
                while (!stop.get()) {
                    long v = SoakReaderMain.value(++k);
                    writer.publishWallclock(Math.floorDiv(v, 1_000_000_000L), (int) Math.floorMod(v, 1_000_000_000L));
                    writer.publishVmclock(SoakReaderMain.vmclockFields(k));
                }
                writes.set(k);
            });
            String page = file.path().toString();
            String java = ProcessHandle.current().info().command().orElse("java");
            Process javaReader = CBuild.start(List.of(
                    java,
                    "--enable-native-access=ALL-UNNAMED",
                    "-cp",
                    System.getProperty("java.class.path"),
                    SoakReaderMain.class.getName(),
                    page,
                    "2"));
            CBuild.Result c = CBuild.run(cSoak, page, "seqlock", "2");
            CBuild.Result raw = CBuild.run(cSoak, page, "raw", "1");
            assertThat(javaReader.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String javaOut = new String(javaReader.getInputStream().readAllBytes());
            stop.set(true);
            w.join();

            Map<String, long[]> cr = parseAll(c.output());
            Map<String, long[]> jr = parseAll(javaOut);
            Map<String, long[]> rr = parseAll(raw.output());
            System.out.printf(
                    "soak: writes %d; C seqlock %s; Java %s; C raw control %s%n",
                    writes.get(), format(cr), format(jr), format(rr));
            assertThat(jr.keySet()).as(javaOut).contains("wallclock", "vmclock", "vmclock-fast");
            assertThat(cr.keySet()).as(c.output()).contains("wallclock");
            assertNoTornReads("C seqlock", cr);
            assertNoTornReads("Java", jr);
            assertThat(c.output()).contains("stuck 0");
        }
    }

    /**
     * The vmclock seq_count of a page v2: a C writer process rewrites every vmclock field at full
     * speed as a function of its write number (tests/c/wallsync_soak.c vmclock-writer); a C reader
     * in another process (wallsync.h wallsync_vmclock_snapshot) must never see fields of two writes.
     * The control reads the same fields without seq_count.
     */
    @Test
    void vmclockSeqlockReaderInAnotherProcessNeverSeesATornVmclock() throws Exception {
        Path cSoak = CBuild.compile(tmp, "tests/c/wallsync_soak.c", "wallsync_soak");
        Path page = tmp.resolve("vmclock.page");
        Process writer = CBuild.start(List.of(cSoak.toString(), page.toString(), "vmclock-writer"));
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream()));
            assertThat(out.readLine()).as("writer start").isEqualTo("ready");
            CBuild.Result c = CBuild.run(cSoak, page.toString(), "vmclock", "2");
            CBuild.Result raw = CBuild.run(cSoak, page.toString(), "vmclock-raw", "1");
            writer.getOutputStream().close(); // the writer stops when its standard input closes
            assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String writes = out.readLine();
            long[] cr = parse(c.output());
            long[] rr = parse(raw.output());
            System.out.printf(
                    "vmclock soak: %s; C seqlock reads %d torn %d; C raw control reads %d torn %d%n",
                    writes, cr[0], cr[1], rr[0], rr[1]);
            assertThat(writes).startsWith("writes ");
            assertThat(cr[0]).isPositive();
            assertThat(cr[1]).as("torn vmclock seqlock reads").isZero();
            assertThat(c.output()).contains("stuck 0");
        } finally {
            writer.destroyForcibly();
        }
    }

    /** {reads, torn} of the first report line of one reader (its only one, for the C vmclock modes). */
    private static long[] parse(String out) {
        Matcher m = RESULT.matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return new long[] {Long.parseLong(m.group(2)), Long.parseLong(m.group(3))};
    }

    /** Label ("wallclock" when none) to {reads, torn}, for every report line of one reader. */
    private static Map<String, long[]> parseAll(String out) {
        Map<String, long[]> lines = new LinkedHashMap<>();
        Matcher m = RESULT.matcher(out);
        while (m.find()) {
            String label = m.group(1) == null ? "wallclock" : m.group(1);
            lines.put(label, new long[] {Long.parseLong(m.group(2)), Long.parseLong(m.group(3))});
        }
        assertThat(lines).as(out).isNotEmpty();
        return lines;
    }

    private static void assertNoTornReads(String reader, Map<String, long[]> lines) {
        lines.forEach((label, counts) -> {
            assertThat(counts[0]).as(reader + " " + label + " reads").isPositive();
            assertThat(counts[1]).as(reader + " " + label + " torn reads").isZero();
        });
    }

    private static String format(Map<String, long[]> lines) {
        StringBuilder b = new StringBuilder();
        lines.forEach((label, counts) -> b.append(b.isEmpty() ? "" : ", ")
                .append(label)
                .append(" reads ")
                .append(counts[0])
                .append(" torn ")
                .append(counts[1]));
        return b.toString();
    }
}
