package io.wallsync.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Compiles and runs the C sources of the repository with gcc (which .ci/run installs). */
final class CBuild {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    record Result(int exitCode, String output) {}

    private CBuild() {}

    static Path compile(Path outDir, String source, String name) throws IOException, InterruptedException {
        Path bin = outDir.resolve(name);
        Result r = run(
                Path.of("gcc"),
                "-std=c11",
                "-D_GNU_SOURCE",
                "-O2",
                "-Wall",
                "-Wextra",
                "-Werror",
                "-I",
                ROOT.resolve("include").toString(),
                ROOT.resolve(source).toString(),
                "-o",
                bin.toString());
        if (r.exitCode() != 0) {
            throw new AssertionError("gcc failed for " + source + ":\n" + r.output());
        }
        return bin;
    }

    static Result run(Path program, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(program.toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(cmd + " did not finish within 60 s");
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    static Process start(List<String> cmd) throws IOException {
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }
}
