package io.wallsync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.wallsync.client.BundledLibrary;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Programs nobody here wrote, under `wallsync run` and, side by side, under libfaketime (Debian
 * package faketime), against a real serve daemon with domains at +3600 s and -86400 s.
 *
 * <p>Every expected wall time is the test JVM's own System.currentTimeMillis() (no preload in this
 * JVM) taken before and after the child ran, plus the domain's offset: a value inside
 * [before + offset - 1 s, after + offset + 1 s] (the 1 s covers time()'s truncation to seconds).
 */
class RunCommandProofTest {
    @TempDir
    static Path tmp;

    static RunFixture serve;

    /** The programs of the issue, one line each; sleep and timeout timed by CLOCK_MONOTONIC. */
    static final String SCRIPT = """
            echo "date=$(date +%s)"
            echo "python=$(python3 -c 'import time; print(time.time())')"
            echo "perl=$(perl -e 'print time')"
            echo "java=$("$JAVA" -XX:TieredStopAtLevel=1 -cp "$NOW_CLASSES" Now)"
            m0=$(python3 -c 'import time; print(time.monotonic())')
            sleep 1
            m1=$(python3 -c 'import time; print(time.monotonic())')
            timeout 1 sleep 30; echo "timeout_rc=$?"
            m2=$(python3 -c 'import time; print(time.monotonic())')
            echo "sleep_s=$(python3 -c "print($m1 - $m0)")"
            echo "timeout_s=$(python3 -c "print($m2 - $m1)")"
            """;

    @BeforeAll
    static void start() throws Exception {
        serve = new RunFixture(tmp, "ahead:3600", "behind:-86400", "live:0", "jump:0");
        // Compiled here: javac inside a JVM under libfaketime takes tens of seconds on this machine.
        Path source = tmp.resolve("Now.java");
        Files.writeString(
                source,
                "public class Now { public static void main(String[] a) {"
                        + " System.out.println(java.time.Instant.now().getEpochSecond()); } }");
        assertThat(ToolProvider.getSystemJavaCompiler().run(null, null, null, source.toString()))
                .isZero();
    }

    @AfterAll
    static void stop() throws Exception {
        serve.close();
    }

    private static Map<String, String> scriptEnv() {
        return Map.of(
                "JAVA",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "NOW_CLASSES",
                tmp.toString());
    }

    private static Map<String, Double> values(String out) {
        Map<String, Double> v = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^(\\w+)=(-?[0-9.]+)$").matcher(out);
        while (m.find()) {
            v.put(m.group(1), Double.parseDouble(m.group(2)));
        }
        return v;
    }

    /** The wall-time lines lie in the domain's bracket; sleep and timeout were not stretched. */
    private static void assertDomainTime(RunFixture.Result r, long offsetS, String who) {
        assertThat(r.exitCode()).as(who + " exit; stderr: " + r.err()).isZero();
        Map<String, Double> v = values(r.out());
        double lo = r.hostBeforeMs() / 1000.0 + offsetS - 1;
        double hi = r.hostAfterMs() / 1000.0 + offsetS + 1;
        for (String program : List.of("date", "python", "perl", "java")) {
            assertThat(v.get(program))
                    .as(who + ": " + program + " in [" + lo + ", " + hi + "]; output:\n" + r.out())
                    .isNotNull()
                    .isBetween(lo, hi);
        }
        assertThat(v.get("timeout_rc"))
                .as(who + ": timeout killed sleep 30 (exit 124)")
                .isEqualTo(124.0);
        assertThat(v.get("sleep_s")).as(who + ": sleep 1 lasted about 1 s").isBetween(0.9, 10.0);
        assertThat(v.get("timeout_s")).as(who + ": timeout 1 lasted about 1 s").isBetween(0.9, 10.0);
    }

    @Test
    void realProgramsLiveInTheDomainAndSleepAndTimeoutAreUnaffected() throws Exception {
        for (var domain : Map.of("ahead", 3600L, "behind", -86400L).entrySet()) {
            RunFixture.Result r =
                    serve.run(serve.wallsyncRun("--domain", domain.getKey(), "--", "sh", "-c", SCRIPT), scriptEnv());
            assertDomainTime(r, domain.getValue(), "wallsync run --domain " + domain.getKey());
        }
    }

    @Test
    void theSameProgramsUnderLibfaketimeSideBySide() throws Exception {
        assumeTrue(RunFixture.onPath("faketime"), "faketime (Debian package faketime) is not installed");
        for (long offset : List.of(3600L, -86400L)) {
            Map<String, String> env = new LinkedHashMap<>(scriptEnv());
            // Without it libfaketime also offsets CLOCK_MONOTONIC, and the JVM hangs.
            env.put("FAKETIME_DONT_FAKE_MONOTONIC", "1");
            RunFixture.Result r = serve.run(
                    List.of("faketime", "-f", (offset > 0 ? "+" : "") + offset + "s", "sh", "-c", SCRIPT), env);
            assertDomainTime(r, offset, "faketime " + offset + "s");
        }
    }

    @Test
    void everyInterposedCallIncludingAbsoluteWaitsFollowsTheDomain() throws Exception {
        Path bin = RunFixture.compile(tmp, "tests/c/preload_test.c");
        // Both domains at once (each run waits about ten times one second).
        List<CompletableFuture<RunFixture.Result>> runs = new ArrayList<>();
        for (var d : List.of(List.of("ahead", "3600"), List.of("behind", "-86400"))) {
            runs.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return serve.run(serve.wallsyncRun("--domain", d.get(0), "--", bin.toString(), d.get(1)), Map.of());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (CompletableFuture<RunFixture.Result> f : runs) {
            RunFixture.Result r = f.get(180, TimeUnit.SECONDS);
            assertThat(r.out()).as(r.out() + r.err()).contains("0 failure(s)").doesNotContain("FAIL");
            assertThat(r.out())
                    .contains("ok clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME)")
                    .contains("ok timerfd_settime(REALTIME, TFD_TIMER_ABSTIME)")
                    .contains("ok pthread_cond_timedwait (default clock)")
                    .contains("ok sem_timedwait")
                    .contains("ok pthread_mutex_timedlock")
                    .contains("ok clock_settime(CLOCK_REALTIME) is EPERM");
            assertThat(r.exitCode()).isZero();
        }
    }

    @Test
    void anOffsetChangeIsSeenByARunningPythonLoopAtItsNextRead() throws Exception {
        // Each line: CLOCK_MONOTONIC first, then the wall time, so a line whose monotonic time is
        // after the change was made read its wall time after the change too.
        String loop = "import time\nfor i in range(1200):\n    m = time.monotonic(); w = time.time()\n"
                + "    print(m, w, flush=True)\n    time.sleep(0.02)\n";
        Process p = serve.builder(serve.wallsyncRun("--domain", "live", "--", "python3", "-c", loop), Map.of())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        // realtime - monotonic of this (unpreloaded) JVM: the wall time of a monotonic instant.
        double hostMinusMono = System.currentTimeMillis() / 1000.0 - System.nanoTime() / 1e9;
        try (BufferedReader lines =
                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (int i = 0; i < 3; i++) {
                assertThat(lines.readLine()).as("python loop output").isNotNull();
            }
            double beforeChange = System.nanoTime() / 1e9;
            CommandRunner set =
                    CommandRunner.run("control", "--dir", serve.dir.toString(), "set-offset", "live", "7200");
            double afterChange = System.nanoTime() / 1e9;
            assertThat(set.exitCode()).as(set.err()).isZero();
            int before = 0;
            int after = 0;
            String line;
            while (after < 5 && (line = lines.readLine()) != null) {
                String[] f = line.trim().split(" ");
                double mono = Double.parseDouble(f[0]);
                double offset = Double.parseDouble(f[1]) - (mono + hostMinusMono);
                if (mono < beforeChange) {
                    assertThat(offset).as("a read before the change: offset 0").isBetween(-0.5, 0.5);
                    before++;
                } else if (mono > afterChange) {
                    assertThat(offset)
                            .as("read " + (after + 1) + " after the change: offset 7200 s")
                            .isBetween(7199.5, 7200.5);
                    after++;
                }
            }
            assertThat(after).as("lines read after the change").isEqualTo(5);
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void anOffsetChangeWakesAnAbsoluteWaitPastItsNewDeadlineWithinASlice() throws Exception {
        Path bin = RunFixture.compile(tmp, "tests/c/preload_probe.c");
        Process p = serve.builder(serve.wallsyncRun("--domain", "jump", "--", bin.toString(), "wait", "60"), Map.of())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("waiting");
            // The domain jumps 120 s ahead: its deadline (domain now + 60 s) is in the past. The
            // wait is re-translated at the end of its current 1 s slice.
            assertThat(CommandRunner.run("control", "--dir", serve.dir.toString(), "set-offset", "jump", "120")
                            .exitCode())
                    .isZero();
            String slept = out.readLine();
            assertThat(slept).as("the wait ended").isNotNull().endsWith(" rc=0");
            double seconds = Double.parseDouble(slept.replaceAll("slept_s=([0-9.]+) .*", "$1"));
            assertThat(seconds).as("woken within a slice or so, not after 60 s").isLessThan(20.0);
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    // ------------------------------------------------------------------ documented limits

    private static long probeSeconds(RunFixture.Result r) {
        Matcher m = Pattern.compile("realtime_s=(\\d+) euid=(\\d+)").matcher(r.out());
        assertThat(m.find()).as(r.out() + r.err()).isTrue();
        return Long.parseLong(m.group(1));
    }

    @Test
    void limitAStaticBinaryKeepsTheHostClock() throws Exception {
        Path bin = RunFixture.compile(tmp, "tests/c/preload_probe.c", "-static");
        RunFixture.Result r = serve.run(serve.wallsyncRun("--domain", "ahead", "--", bin.toString()), Map.of());
        // No dynamic loader, so no LD_PRELOAD: host time, not host + 3600 s.
        assertThat(probeSeconds(r)).isBetween(r.hostBeforeMs() / 1000 - 1, r.hostAfterMs() / 1000 + 1);
    }

    @Test
    void limitASetuidProgramKeepsTheHostClock() throws Exception {
        assumeTrue(BundledLibrary.ownUid() == 0, "making a setuid program for another user needs root");
        Path dir = Files.createDirectories(tmp.resolve("setuid"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path bin = RunFixture.compile(dir, "tests/c/preload_probe.c");
        Files.setAttribute(bin, "unix:uid", 65534); // nobody
        // java.nio cannot set the setuid bit.
        assertThat(new ProcessBuilder("chmod", "4755", bin.toString()).start().waitFor())
                .isZero();
        RunFixture.Result r = serve.run(serve.wallsyncRun("--domain", "ahead", "--", bin.toString()), Map.of());
        assumeTrue(
                r.out().contains("euid=65534"),
                "setuid bits are not honoured here (nosuid mount or no_new_privs): " + r.out());
        // Secure execution (AT_SECURE): ld.so ignores an LD_PRELOAD path with a slash.
        assertThat(probeSeconds(r)).isBetween(r.hostBeforeMs() / 1000 - 1, r.hostAfterMs() / 1000 + 1);
    }

    @Test
    void limitFileTimestampsAreTheKernelsHostTime() throws Exception {
        Path file = tmp.resolve("touched");
        RunFixture.Result r =
                serve.run(serve.wallsyncRun("--domain", "ahead", "--", "touch", file.toString()), Map.of());
        assertThat(r.exitCode()).as(r.err()).isZero();
        // touch sets "now" with utimensat(UTIME_NOW): the kernel's clock, not the domain's (+3600 s).
        long mtimeS = Files.getLastModifiedTime(file).toMillis() / 1000;
        assertThat(mtimeS).isBetween(r.hostBeforeMs() / 1000 - 1, r.hostAfterMs() / 1000 + 1);
    }
}
