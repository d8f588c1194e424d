package io.wallsync.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code wallsync serve} in a process of its own, as an operator starts it, with its output in a file. */
final class ServeProcess {
    private ServeProcess() {}

    /** Starts {@code wallsync serve ARGS...} on this test's class path, stdout and stderr to {@code log}. */
    static Process start(Path log, String... serveArgs) throws IOException {
        return start(log, java.util.Map.of(), serveArgs);
    }

    /** {@link #start(Path, String...)} with {@code env} added to this process's environment. */
    static Process start(Path log, java.util.Map<String, String> env, String... serveArgs) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "serve"));
        cmd.addAll(List.of(serveArgs));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        return pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Waits (up to 30 s) for {@code pattern} in the log; returns group 1 if it has one, else the match. */
    static String awaitLog(Path log, Pattern pattern) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (Files.exists(log)) {
                Matcher m = pattern.matcher(Files.readString(log, StandardCharsets.UTF_8));
                if (m.find()) {
                    return m.groupCount() > 0 ? m.group(1) : m.group();
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("serve did not log " + pattern + " within 30 s:\n"
                + (Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no log)"));
    }
}
