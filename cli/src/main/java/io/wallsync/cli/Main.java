package io.wallsync.cli;

/** Entry point of the {@code wallsync} command. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(WallsyncCommand.commandLine().execute(args));
    }
}
