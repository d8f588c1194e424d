package io.wallsync.cli;

import io.wallsync.sim.scenario.Spelling;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;

/**
 * Prints usage errors (exit 2). An unknown option or subcommand gets the nearest known name by edit
 * distance ({@code --senario} -> {@code --scenario}), not picocli's own guess, which ranks by shared
 * prefix and offered {@code --seed}; every other error is printed as picocli does.
 */
final class UsageErrors implements CommandLine.IParameterExceptionHandler {
    private final CommandLine.IParameterExceptionHandler picocli;

    UsageErrors(CommandLine.IParameterExceptionHandler picocli) {
        this.picocli = picocli;
    }

    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) throws Exception {
        if (!(ex instanceof CommandLine.UnmatchedArgumentException unmatched)
                || unmatched.getUnmatched().isEmpty()) {
            return picocli.handleParseException(ex, args);
        }
        CommandLine cl = ex.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println(ex.getMessage());
        Optional<String> nearest =
                suggestion(cl.getCommandSpec(), unmatched.getUnmatched().getFirst());
        if (nearest.isPresent()) {
            err.println("Did you mean '" + nearest.get() + "'? (see '"
                    + cl.getCommandSpec().qualifiedName() + " --help')");
        } else {
            cl.usage(err);
        }
        err.flush();
        return cl.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** The known option (for "-..." arguments) or subcommand nearest to {@code typed}, if any is near. */
    static Optional<String> suggestion(CommandLine.Model.CommandSpec spec, String typed) {
        List<String> candidates = new ArrayList<>();
        String word = typed;
        if (typed.startsWith("-")) {
            int eq = typed.indexOf('=');
            word = eq > 0 ? typed.substring(0, eq) : typed;
            for (CommandLine.Model.OptionSpec o : spec.options()) {
                candidates.addAll(List.of(o.names()));
            }
        } else {
            candidates.addAll(spec.subcommands().keySet());
        }
        return Spelling.nearest(word, candidates);
    }
}
