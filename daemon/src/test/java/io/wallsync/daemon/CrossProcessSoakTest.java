package io.wallsync.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.wallsync.adapters.page.DomainName;
import io.wallsync.adapters.page.PageFile;
import io.wallsync.adapters.page.PageWriter;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer thread in this JVM rewrites the wallclock at full speed; a C reader (wallsync.h) and a
 * Java reader (client library) in other processes check every read. Torn reads must be 0.
 */
class CrossProcessSoakTest {
    private static final Pattern RESULT = Pattern.compile("reads (\\d+) torn (\\d+)");

    @TempDir
    Path tmp;

    @Test
    void seqlockReadersInOtherProcessesNeverSeeATornWallclock() throws Exception {
        Path cSoak = CBuild.compile(tmp, "tests/c/wallsync_soak.c", "wallsync_soak");
        Path dir = tmp.resolve("pages");
        try (PageFile file = PageFile.openForWriting(dir, new DomainName("soak"))) {
            PageWriter writer = new PageWriter(file.segment());
            writer.initialise(
                    ProcessHandle.current().pid(), 1000, io.wallsync.core.vmclock.VmclockLayout.COUNTER_INVALID);
            writer.publishWallclock(SoakReaderMain.BASE_NS / 1_000_000_000L, 0);
            file.publish();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong writes = new AtomicLong();
            Thread w = Thread.ofPlatform().start(() -> {
                long k = 0;
                while (!stop.get()) {
                    long v = SoakReaderMain.value(k++);
                    writer.publishWallclock(Math.floorDiv(v, 1_000_000_000L), (int) Math.floorMod(v, 1_000_000_000L));
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

            long[] cr = parse(c.output());
            long[] jr = parse(javaOut);
            long[] rr = parse(raw.output());
            System.out.printf(
                    "soak: writes %d; C seqlock reads %d torn %d; Java reads %d torn %d; C raw control reads %d torn %d%n",
                    writes.get(), cr[0], cr[1], jr[0], jr[1], rr[0], rr[1]);
            assertThat(cr[0]).isPositive();
            assertThat(jr[0]).isPositive();
            assertThat(cr[1]).as("torn C seqlock reads").isZero();
            assertThat(jr[1]).as("torn Java reads").isZero();
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

    private static long[] parse(String out) {
        Matcher m = RESULT.matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
    }
}
