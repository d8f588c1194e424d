package io.wallsync.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the wallsync command line in-process and captures what it printed. */
record CommandRunner(int exitCode, String out, String err) {
    static CommandRunner run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = WallsyncCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new CommandRunner(code, out.toString(), err.toString());
    }

    /** Starts the command on another thread (for --watch); its output can be watched as it grows. */
    static Running start(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
            var cl = WallsyncCommand.commandLine();
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            return cl.execute(args);
        });
        return new Running(exit, out, err);
    }

    /** A started command; StringWriter is synchronised, so its output can be read while it runs. */
    record Running(CompletableFuture<Integer> exit, StringWriter out, StringWriter err) {
        /** Waits (up to 30 s) until the output contains {@code text}; fails early if the command ended. */
        void awaitOutput(String text) throws InterruptedException {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!out.toString().contains(text)) {
                if (exit.isDone() || System.nanoTime() > deadline) {
                    throw new AssertionError("the command did not print '" + text + "'; it printed:\n" + out
                            + "\nand on stderr:\n" + err);
                }
                Thread.sleep(5);
            }
        }

        /** Waits (up to 30 s) for the command to end. */
        CommandRunner finish() throws Exception {
            return new CommandRunner(exit.get(30, TimeUnit.SECONDS), out.toString(), err.toString());
        }
    }
}
