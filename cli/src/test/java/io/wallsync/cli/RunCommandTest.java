package io.wallsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `wallsync run` refusals (in-process: they all happen before execve) and what a running program
 * sees when its page goes stale (separate processes).
 */
class RunCommandTest {
    @TempDir
    Path tmp;

    @Test
    void aMissingPageIsSaidAndExitsOneBeforeStartingTheCommand() throws Exception {
        Path marker = tmp.resolve("started");
        CommandRunner r =
                CommandRunner.run("run", "--dir", tmp.toString(), "--domain", "web", "--", "touch", marker.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err())
                .contains("wallsync run: no page for the domain at " + tmp.resolve("web.page"))
                .contains("not starting touch");
        assertThat(marker).doesNotExist();
    }

    @Test
    void aFileThatIsNotAPageIsRefused() throws Exception {
        Files.write(tmp.resolve("web.page"), new byte[4096]); // no magic
        CommandRunner r = CommandRunner.run("run", "--dir", tmp.toString(), "--domain", "web", "true");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err())
                .contains("cannot read page " + tmp.resolve("web.page"))
                .contains("not starting true");
    }

    @Test
    void aStalePageIsRefusedAtStart() throws Exception {
        RunFixture serve = new RunFixture(tmp, "web:60");
        serve.close(); // heartbeat stops; stale after 3 periods, at least 1 s (docs/page-abi.md)
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (RunCommand.pageProblem(serve.page("web")) == null && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        CommandRunner r = CommandRunner.run("run", "--dir", serve.dir.toString(), "--domain", "web", "true");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("is stale").contains("is wallsync serve running?");
    }

    @Test
    void usageErrorsExitTwo() {
        CommandRunner noCmd = CommandRunner.run("run", "--dir", tmp.toString(), "--domain", "web");
        assertThat(noCmd.exitCode()).isEqualTo(2);
        assertThat(noCmd.err()).contains("Missing required parameter: 'CMD'");
        CommandRunner noDomain = CommandRunner.run("run", "--dir", tmp.toString(), "date");
        assertThat(noDomain.exitCode()).isEqualTo(2);
        assertThat(noDomain.err()).contains("Missing required option: '--domain=NAME'");
        CommandRunner badName = CommandRunner.run("run", "--domain", "../etc", "date");
        assertThat(badName.exitCode()).isEqualTo(2);
        assertThat(badName.err()).contains("invalid domain name '../etc'");
        CommandRunner badMode = CommandRunner.run("run", "--domain", "web", "--on-stale", "ignore", "date");
        assertThat(badMode.exitCode()).isEqualTo(2);
        assertThat(badMode.err()).contains("--on-stale");
    }

    @Test
    void anUnknownCommandExits127WithoutExec() throws Exception {
        try (RunFixture serve = new RunFixture(tmp, "web")) {
            CommandRunner r = CommandRunner.run(
                    "run", "--dir", serve.dir.toString(), "--domain", "web", "no-such-command-wallsync");
            assertThat(r.exitCode()).isEqualTo(127);
            assertThat(r.err()).contains("wallsync run: no-such-command-wallsync: command not found");
        }
    }

    @Test
    void optionsAfterTheCommandAreTheCommands() {
        var parsed = WallsyncCommand.commandLine().parseArgs("run", "--domain", "web", "ls", "-l", "--domain", "x");
        RunCommand run = (RunCommand) parsed.subcommand().commandSpec().userObject();
        assertThat(run.domain).isEqualTo("web");
        assertThat(run.command).containsExactly("ls", "-l", "--domain", "x");
    }

    // ------------------------------------------------------------------ the extracted library

    @Test
    void theLibraryIsExtractedOnceByContentHashIntoAPrivateDirectory() throws Exception {
        Path cache = tmp.resolve("cache");
        Path lib = PreloadLibrary.locate(java.util.Optional.empty(), Map.of("XDG_CACHE_HOME", cache.toString()));
        assertThat(lib.getParent()).isEqualTo(cache.resolve("wallsync"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(lib.getParent())))
                .isEqualTo("rwx------");
        assertThat(lib.getFileName().toString()).matches("libwallsync-preload-[0-9a-f]{16}\\.so");
        long modified = Files.getLastModifiedTime(lib).toMillis();
        Path again = PreloadLibrary.locate(java.util.Optional.empty(), Map.of("XDG_CACHE_HOME", cache.toString()));
        assertThat(again).isEqualTo(lib);
        assertThat(Files.getLastModifiedTime(again).toMillis()).isEqualTo(modified);
        try (var files = Files.list(lib.getParent())) {
            assertThat(files.toList()).containsExactly(lib); // no temporary left behind
        }
    }

    @Test
    void aDamagedCopyInTheCacheIsReplaced() throws Exception {
        Path cache = tmp.resolve("cache");
        Path lib = PreloadLibrary.locate(java.util.Optional.empty(), Map.of("XDG_CACHE_HOME", cache.toString()));
        byte[] good = Files.readAllBytes(lib);
        Files.setPosixFilePermissions(lib, PosixFilePermissions.fromString("rw-------"));
        Files.write(lib, new byte[] {0x7f, 'E', 'L', 'F'}); // truncated
        Path again = PreloadLibrary.locate(java.util.Optional.empty(), Map.of("XDG_CACHE_HOME", cache.toString()));
        assertThat(again).isEqualTo(lib);
        assertThat(Files.readAllBytes(again)).isEqualTo(good);
    }

    // ------------------------------------------------------------------ page going stale while CMD runs

    /** Each line: CLOCK_MONOTONIC, then the wall time (or the errno of its failure). */
    private static final String LOOP = "import time\nfor i in range(1500):\n    try:\n"
            + "        m = time.monotonic(); print('ok', m, time.time(), flush=True)\n    except OSError as e:\n"
            + "        print('err', e.errno, flush=True)\n    time.sleep(0.02)\n";

    @Test
    void whenThePageGoesStaleKeepFollowsTheHostPlusTheLastPublishedOffsetAndFailFailsTheCalls() throws Exception {
        RunFixture serve = new RunFixture(tmp, "web:600");
        Process keep = serve.builder(
                        serve.wallsyncRun("--domain", "web", "--on-stale", "keep", "python3", "-c", LOOP), Map.of())
                .redirectError(tmp.resolve("keep.err").toFile())
                .start();
        Process fail = serve.builder(
                        serve.wallsyncRun("--domain", "web", "--on-stale", "fail", "python3", "-c", LOOP), Map.of())
                .redirectError(tmp.resolve("fail.err").toFile())
                .start();
        try (BufferedReader keepOut = reader(keep);
                BufferedReader failOut = reader(fail)) {
            assertThat(keepOut.readLine()).startsWith("ok ");
            assertThat(failOut.readLine()).startsWith("ok ");
            // An offset change while they run, then the daemon stops: no more heartbeats.
            assertThat(CommandRunner.run("control", "--dir", serve.dir.toString(), "set-offset", "web", "900")
                            .exitCode())
                    .isZero();
            serve.close();
            String line;
            do {
                line = failOut.readLine();
            } while (line != null && line.startsWith("ok "));
            // ESTALE = 116 (include/uapi/asm-generic/errno.h)
            assertThat(line).as("fail: the read fails with ESTALE").isEqualTo("err 116");
            assertThat(Files.readString(tmp.resolve("fail.err")))
                    .contains("wallsync-preload: page " + serve.page("web") + " heartbeat is stale")
                    .contains("failing time calls (WALLSYNC_ON_STALE=fail)");
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!Files.readString(tmp.resolve("keep.err")).contains("following the host clock")
                    && System.nanoTime() < deadline) {
                assertThat(keepOut.readLine()).startsWith("ok ");
            }
            assertThat(Files.readString(tmp.resolve("keep.err")))
                    .contains("heartbeat is stale")
                    .contains("following the host clock +900 s (last known domain offset)");
            // realtime - monotonic of this (unpreloaded) JVM: the host wall time of a monotonic instant.
            double hostMinusMono = System.currentTimeMillis() / 1000.0 - System.nanoTime() / 1e9;
            // Lines still in the pipe were printed before; look at reads made after the warning.
            double warned = System.nanoTime() / 1e9;
            for (int i = 0; i < 3; ) {
                String[] f = keepOut.readLine().split(" ");
                if (Double.parseDouble(f[1]) < warned) {
                    continue;
                }
                i++;
                double offset = Double.parseDouble(f[2]) - (Double.parseDouble(f[1]) + hostMinusMono);
                assertThat(f[0]).isEqualTo("ok");
                assertThat(offset).as("keep: host + 900 s").isBetween(899.5, 900.5);
            }
            // A daemon is back on the directory (it repairs the page in place), with another offset:
            // both programs return to the domain's time, looked for at most once a second.
            try (RunFixture again = new RunFixture(tmp, "web:1200")) {
                assertThat(again.page("web")).isEqualTo(serve.page("web"));
                assertThat(firstOffsetNear(keepOut, 1200, hostMinusMono)).isBetween(1199.5, 1200.5);
                assertThat(firstOffsetNear(failOut, 1200, hostMinusMono)).isBetween(1199.5, 1200.5);
            }
        } finally {
            for (Process p : List.of(keep, fail)) {
                p.destroy();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Reads lines until a wall time within 1 s of monotonic + host + offsetS (20 s at most); its offset. */
    private static double firstOffsetNear(BufferedReader lines, double offsetS, double hostMinusMono)
            throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        double offset = Double.NaN;
        String line;
        while (System.nanoTime() < deadline && (line = lines.readLine()) != null) {
            String[] f = line.split(" ");
            if (f[0].equals("ok")) {
                offset = Double.parseDouble(f[2]) - (Double.parseDouble(f[1]) + hostMinusMono);
                if (Math.abs(offset - offsetS) < 1) {
                    return offset;
                }
            }
        }
        return offset;
    }

    private static BufferedReader reader(Process p) {
        return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    }
}
