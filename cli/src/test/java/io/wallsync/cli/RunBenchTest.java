package io.wallsync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cost table of docs/run.md: tests/c/preload_bench.c (ns per clock_gettime(CLOCK_REALTIME) and
 * per gettimeofday) with nothing preloaded, with libwallsync-preload.so, and with libfaketime
 * cached (its default) and uncached (FAKETIME_NO_CACHE=1). Rounds alternate between the four in the
 * same run; the medians and their ratios go to stdout and cli/target/preload-bench.md.
 *
 * <p>Timing bounds would be fragile on a shared 2-core machine, so the test asserts that each
 * configuration measured what it claims (the wall seconds it read carry its offset), not speed.
 * More rounds: -Dwallsync.bench.rounds=N, calls per round -Dwallsync.bench.calls=N.
 */
class RunBenchTest {
    @TempDir
    Path tmp;

    record Config(String name, Map<String, String> env, long offsetS) {}

    @Test
    void interposedReadsAgainstThePlainVdsoAndLibfaketime() throws Exception {
        Optional<Path> faketime = libfaketime();
        assumeTrue(faketime.isPresent(), "libfaketime (Debian package libfaketime) is not installed");
        int rounds = Integer.getInteger("wallsync.bench.rounds", 3);
        String calls = Long.toString(Long.getLong("wallsync.bench.calls", 500_000));
        try (RunFixture serve = new RunFixture(tmp, "ahead:3600")) {
            serve.awaitCounterPath("ahead"); // the library reads the counter path where the host has a TSC
            Path bin = RunFixture.compile(tmp, "tests/c/preload_bench.c");
            Path lib = PreloadLibrary.locate(Optional.empty(), serve.env());
            String ft = faketime.get().toString();
            List<Config> configs = List.of(
                    new Config("plain (vDSO)", Map.of(), 0),
                    new Config(
                            "wallsync preload",
                            Map.of(
                                    "LD_PRELOAD",
                                    lib.toString(),
                                    RunCommand.PAGE_ENV,
                                    serve.page("ahead").toString()),
                            3600),
                    new Config(
                            "libfaketime cached",
                            Map.of("LD_PRELOAD", ft, "FAKETIME", "+3600s", "FAKETIME_DONT_FAKE_MONOTONIC", "1"),
                            3600),
                    new Config(
                            "libfaketime uncached",
                            Map.of(
                                    "LD_PRELOAD",
                                    ft,
                                    "FAKETIME",
                                    "+3600s",
                                    "FAKETIME_DONT_FAKE_MONOTONIC",
                                    "1",
                                    "FAKETIME_NO_CACHE",
                                    "1"),
                            3600));
            Map<String, List<double[]>> samples = new LinkedHashMap<>();
            Pattern line = Pattern.compile("clock_gettime_ns=([0-9.]+) gettimeofday_ns=([0-9.]+) realtime_s=(\\d+)");
            for (int r = 0; r < rounds; r++) {
                for (Config c : configs) {
                    RunFixture.Result res = serve.run(List.of(bin.toString(), calls), c.env());
                    Matcher m = line.matcher(res.out());
                    assertThat(m.find())
                            .as(c.name() + ": " + res.out() + res.err())
                            .isTrue();
                    long wall = Long.parseLong(m.group(3));
                    assertThat(wall)
                            .as(c.name() + " read the wall clock with its offset " + c.offsetS() + " s")
                            .isBetween(
                                    res.hostBeforeMs() / 1000 + c.offsetS() - 1,
                                    res.hostAfterMs() / 1000 + c.offsetS() + 1);
                    samples.computeIfAbsent(c.name(), k -> new ArrayList<>())
                            .add(new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))});
                }
            }
            String table = table(samples, rounds, calls);
            System.out.println(table);
            Files.writeString(Path.of("target", "preload-bench.md"), table);
        }
    }

    private static String table(Map<String, List<double[]>> samples, int rounds, String calls) {
        double[] plain = medians(samples.get("plain (vDSO)"));
        double[] faketime = medians(samples.get("libfaketime cached"));
        StringBuilder t = new StringBuilder("Median of " + rounds + " alternating rounds, " + calls
                + " calls each (tests/c/preload_bench.c, RunBenchTest)\n\n"
                + "| configuration | clock_gettime(REALTIME) ns | x plain | x libfaketime cached"
                + " | gettimeofday ns | x plain | x libfaketime cached |\n|---|---|---|---|---|---|---|\n");
        for (var e : samples.entrySet()) {
            double[] m = medians(e.getValue());
            t.append(String.format(
                    "| %s | %.1f | %.2f | %.2f | %.1f | %.2f | %.2f |%n",
                    e.getKey(), m[0], m[0] / plain[0], m[0] / faketime[0], m[1], m[1] / plain[1], m[1] / faketime[1]));
        }
        return t.toString();
    }

    private static double[] medians(List<double[]> rows) {
        double[] out = new double[2];
        for (int i = 0; i < 2; i++) {
            int col = i;
            double[] v = rows.stream().mapToDouble(r -> r[col]).sorted().toArray();
            out[i] = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        }
        return out;
    }

    private static Optional<Path> libfaketime() throws java.io.IOException {
        Path lib = Path.of("/usr/lib");
        if (!Files.isDirectory(lib)) {
            return Optional.empty();
        }
        try (var dirs = Files.list(lib)) {
            return dirs.map(d -> d.resolve("faketime/libfaketime.so.1"))
                    .filter(Files::isRegularFile)
                    .findFirst()
                    .or(() -> Arrays.stream(new Path[] {Path.of("/usr/lib/faketime/libfaketime.so.1")})
                            .filter(Files::isRegularFile)
                            .findFirst());
        }
    }
}
