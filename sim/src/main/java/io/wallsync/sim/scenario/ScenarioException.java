package io.wallsync.sim.scenario;

/**
 * A scenario file that cannot be run: names the file, the line, the field and what was expected.
 * Thrown before anything runs.
 */
public final class ScenarioException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;
    private final String field;
    private final String problem;

    public ScenarioException(String file, int line, String field, String problem) {
        super(file + (line > 0 ? ":" + line : "") + ": " + (field.isEmpty() ? "" : "field '" + field + "': ")
                + problem);
        this.file = file;
        this.line = line;
        this.field = field;
        this.problem = problem;
    }

    /** The file (or embedded scenario name) that is wrong. */
    public String file() {
        return file;
    }

    /** 1-based line of the offending value (0 when the file could not be read at all). */
    public int line() {
        return line;
    }

    /** Dotted path of the field, e.g. {@code host.ntp.poll_interval}; empty for the whole file. */
    public String field() {
        return field;
    }

    /** What is wrong and what is expected. */
    public String problem() {
        return problem;
    }
}
