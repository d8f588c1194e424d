package io.wallsync.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

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
}
