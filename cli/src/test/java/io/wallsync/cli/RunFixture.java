package io.wallsync.cli;

import io.wallsync.adapters.linux.LinuxHostClock;
import io.wallsync.adapters.linux.MonotonicClocks;
import io.wallsync.client.TscCounter;
import io.wallsync.client.WallclockPage;
import io.wallsync.daemon.AccessPolicy;
import io.wallsync.daemon.ControlProtocol;
import io.wallsync.daemon.ControlServer;
import io.wallsync.daemon.DaemonConfig;
import io.wallsync.daemon.DomainSpec;
import io.wallsync.daemon.FilePageSink;
import io.wallsync.daemon.PushObserver;
import io.wallsync.daemon.ServeDaemon;
import io.wallsync.daemon.VmclockOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real serve daemon (the one `wallsync serve` runs: host CLOCK_REALTIME, CLOCK_MONOTONIC, control
 * socket) over a temporary page directory, and `wallsync run` started as a separate JVM, as a user
 * runs it (run execs, so it cannot run inside the test JVM).
 */
final class RunFixture implements AutoCloseable {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    record Result(int exitCode, String out, String err, long hostBeforeMs, long hostAfterMs) {}

    final Path dir;
    final Path cache;
    private final ServeDaemon daemon;
    private final ControlServer control;
    private boolean closed;

    RunFixture(Path tmp, String... domains) throws IOException {
        this.dir = tmp.resolve("pages");
        this.cache = tmp.resolve("cache");
        this.daemon = new ServeDaemon(
                new DaemonConfig(
                                Arrays.stream(domains).map(DomainSpec::parse).toList(),
                                Duration.ofMinutes(11),
                                Duration.ofMillis(200))
                        .withVmclock(hostVmclock()),
                new LinuxHostClock(),
                MonotonicClocks.linux(),
                FilePageSink.lock(dir),
                PushObserver.NONE,
                line -> {});
        daemon.start();
        this.control =
                ControlServer.start(dir, new ControlProtocol(daemon, AccessPolicy.rootOr(Optional.empty())), l -> {});
    }

    /**
     * What serve publishes on this host: the TSC calibrated into the vmclock where the host has
     * one (the preload library then reads the counter path), else counter_id INVALID.
     */
    private static VmclockOptions hostVmclock() throws IOException {
        return switch (TscCounter.open()) {
            case TscCounter.Available a -> VmclockOptions.realMode(a.counter(), Duration.ofMillis(10), 500);
            case TscCounter.Unavailable u -> VmclockOptions.noCounter(u.reason());
        };
    }

    /** Waits (bounded) until the domain's vmclock carries a calibration, so reads take the counter path. */
    void awaitCounterPath(String domain) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (WallclockPage p = WallclockPage.open(page(domain))) {
                if (p.readCounter().isPresent() || !p.readPath().counter()) {
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no calibrated vmclock in " + page(domain) + " after 10 s");
    }

    /** Stops the daemon: its pages stay, their heartbeat stops. */
    @Override
    public void close() throws Exception {
        if (!closed) {
            closed = true;
            control.close();
            daemon.close();
        }
    }

    Path page(String domain) {
        return dir.resolve(domain + ".page");
    }

    /** The argv of `wallsync run ARGS...` in a fresh JVM. */
    List<String> wallsyncRun(String... args) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:-MaxFDLimit",
                "-XX:TieredStopAtLevel=1",
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                "io.wallsync.cli.Main",
                "run",
                "--dir",
                dir.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** The environment every child gets: a private cache for the extracted library. */
    Map<String, String> env() {
        return Map.of("XDG_CACHE_HOME", cache.toString());
    }

    ProcessBuilder builder(List<String> cmd, Map<String, String> extraEnv) {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env());
        pb.environment().putAll(extraEnv);
        return pb;
    }

    Result run(List<String> cmd, Map<String, String> extraEnv) throws IOException, InterruptedException {
        Path out = Files.createTempFile(cache.getParent(), "out", ".txt");
        Path err = Files.createTempFile(cache.getParent(), "err", ".txt");
        ProcessBuilder pb = builder(cmd, extraEnv)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        long before = System.currentTimeMillis();
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(cmd + " did not finish within 120 s; stdout so far:\n" + Files.readString(out));
        }
        long after = System.currentTimeMillis();
        return new Result(
                p.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8),
                before,
                after);
    }

    /** Compiles a C file of the repository with gcc (extra flags such as -static before it). */
    static Path compile(Path outDir, String source, String... flags) throws IOException, InterruptedException {
        Path bin = outDir.resolve(Path.of(source).getFileName().toString().replace(".c", "")
                + (flags.length > 0 ? "-" + String.join("", flags).replace("-", "") : ""));
        List<String> cmd =
                new ArrayList<>(List.of("gcc", "-std=c11", "-D_GNU_SOURCE", "-O2", "-Wall", "-Wextra", "-Werror"));
        cmd.addAll(List.of(flags));
        cmd.addAll(List.of(
                "-I",
                ROOT.resolve("include").toString(),
                ROOT.resolve(source).toString(),
                "-o",
                bin.toString(),
                "-lpthread"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new AssertionError("gcc failed for " + source + ":\n" + output);
        }
        return bin;
    }

    /** Whether {@code program} is on PATH (a test that needs it is skipped otherwise). */
    static boolean onPath(String program) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, program))) {
                return true;
            }
        }
        return false;
    }
}
