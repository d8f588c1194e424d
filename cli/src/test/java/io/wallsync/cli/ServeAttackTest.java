package io.wallsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Attacks on a real {@code wallsync serve} process, as a second daemon or a local user would make them. */
class ServeAttackTest {
    @TempDir
    Path tmp;

    private static Process serve(Path dir, Path log, String... domains) throws IOException {
        List<String> args = new java.util.ArrayList<>(List.of("--dir", dir.toString(), "--heartbeat", "100ms"));
        for (String d : domains) {
            args.add("--domain");
            args.add(d);
        }
        return ServeProcess.start(log, args.toArray(String[]::new));
    }

    private static void awaitLog(Path log, Pattern pattern) throws IOException, InterruptedException {
        ServeProcess.awaitLog(log, pattern);
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy(); // SIGTERM
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(143);
    }

    @Test
    void aSecondServeOnTheSameDirectoryExitsOneNamingThePidAndTheFirstKeepsControl() throws Exception {
        Path dir = tmp.resolve("pages");
        Path log = tmp.resolve("first.log");
        Process first = serve(dir, log, "web");
        try {
            awaitLog(log, Pattern.compile("control socket"));
            // The attack: a second serve on the same --dir with its own offset for web. Bounded, so a
            // second daemon that (wrongly) starts serving fails the test instead of hanging it.
            CommandRunner second = CompletableFuture.supplyAsync(() ->
                            CommandRunner.run("serve", "--dir", dir.toString(), "--domain", "web:3600", "--no-control"))
                    .get(60, TimeUnit.SECONDS);
            assertThat(second.exitCode()).isEqualTo(1);
            assertThat(second.err())
                    .contains("in use by another wallsync serve (pid " + first.pid() + ",")
                    .contains(dir.resolve(".lock").toString());
            // The first is untouched and controllable.
            assertThat(first.isAlive()).isTrue();
            CommandRunner list = CommandRunner.run("control", "--dir", dir.toString(), "list");
            assertThat(list.exitCode()).as(list.err()).isZero();
            assertThat(list.out()).contains("web:0:1");
            CommandRunner set = CommandRunner.run("control", "--dir", dir.toString(), "set-offset", "web", "60");
            assertThat(set.exitCode()).as(set.err()).isZero();
            CommandRunner read = CommandRunner.run("read", "--dir", dir.toString(), "--domain", "web");
            assertThat(read.exitCode()).as(read.err()).isZero();
            assertThat(read.out()).contains("offset=60s");
        } finally {
            stop(first);
        }
    }

    @Test
    void truncateOfAPageUnderARunningServeIsRepairedAndTheDaemonLivesOn() throws Exception {
        Path dir = tmp.resolve("pages");
        Path log = tmp.resolve("serve.log");
        Process serve = serve(dir, log, "web", "db:-60");
        try {
            awaitLog(log, Pattern.compile("control socket"));
            // The attack exactly as a user types it. Before the repair this killed the push thread
            // (InternalError from the faulting store in PageWriter.heartbeat) while the process lived on.
            Process truncate = new ProcessBuilder(
                            "truncate", "-s", "0", dir.resolve("web.page").toString())
                    .inheritIO()
                    .start();
            assertThat(truncate.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(truncate.exitValue()).isZero();
            awaitLog(log, Pattern.compile("page of domain web truncated to 0 bytes \\(expected 8192\\): recreated"));
            CommandRunner web = CommandRunner.run("read", "--dir", dir.toString(), "--domain", "web");
            assertThat(web.exitCode()).as(web.err()).isZero();
            assertThat(web.out()).contains("last-push=repair").contains("generation=2");
            CommandRunner db = CommandRunner.run("read", "--dir", dir.toString(), "--domain", "db");
            assertThat(db.exitCode()).as(db.err()).isZero();
            assertThat(db.out()).contains("offset=-60s").contains("generation=1");
            assertThat(serve.isAlive()).isTrue();
            CommandRunner list = CommandRunner.run("control", "--dir", dir.toString(), "list");
            assertThat(list.out()).contains("web:0:2").contains("db:-60:1");
        } finally {
            stop(serve);
        }
        assertThat(Files.readString(log, StandardCharsets.UTF_8)).doesNotContain("push thread failed");
    }
}
