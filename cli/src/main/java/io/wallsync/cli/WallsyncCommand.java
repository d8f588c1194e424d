package io.wallsync.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The root {@code wallsync} command. Exit codes: 0 ok, 1 runtime error, 2 usage error.
 */
@Command(
        name = "wallsync",
        mixinStandardHelpOptions = true,
        version = "wallsync 0.1.0",
        description = "Keeps a hypervisor wallclock in step with the host clock: model, simulator and Linux daemon.",
        subcommands = {
            CommandLine.HelpCommand.class,
            DemoCommand.class,
            XenCommand.class,
            RtcCommand.class,
            SimulateCommand.class,
            ServeCommand.class,
            ReadCommand.class,
            ControlCommand.class,
            NtpCommand.class,
            VmCommand.class
        })
public final class WallsyncCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
    }

    /** The configured command line: usage errors exit 2, runtime errors exit 1. */
    public static CommandLine commandLine() {
        return commandLine(CommandLine.defaultFactory());
    }

    /**
     * As {@link #commandLine()}, creating subcommands with {@code factory} (tests use it to give a
     * subcommand its own standard input).
     */
    public static CommandLine commandLine(CommandLine.IFactory factory) {
        CommandLine cl = new CommandLine(new WallsyncCommand(), factory);
        cl.setExitCodeExceptionMapper(t -> t instanceof CommandLine.ParameterException ? 2 : 1);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println("wallsync: " + RuntimeErrors.describe(ex));
            return 1;
        });
        return cl;
    }
}
