package io.wallsync.sim.scenario;

import io.wallsync.core.time.Durations;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the fields of one YAML mapping with their dotted path, and fails with file, line, field and
 * what was expected. Every key read is remembered so that {@link #finish()} can reject the unknown
 * ones (a misspelt key must not be silently ignored).
 */
final class Fields {
    private final String file;
    private final String path;
    private final YamlNode.Mapping mapping;
    private final Set<String> used = new HashSet<>();

    Fields(String file, String path, YamlNode node) throws ScenarioException {
        this.file = file;
        this.path = path;
        if (!(node instanceof YamlNode.Mapping m)) {
            throw new ScenarioException(file, node.line(), path, "expected a mapping of 'key: value' lines");
        }
        this.mapping = m;
    }

    static Fields empty(String file, String path, int line) throws ScenarioException {
        return new Fields(file, path, new YamlNode.Mapping(Map.of(), line));
    }

    int line() {
        return mapping.line();
    }

    String path(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    boolean has(String key) {
        return mapping.entries().containsKey(key);
    }

    ScenarioException error(String key, String problem) {
        YamlNode.Entry e = mapping.entries().get(key);
        return new ScenarioException(
                file, e == null ? mapping.line() : e.value().line(), path(key), problem);
    }

    private String scalar(String key, String expected) throws ScenarioException {
        used.add(key);
        YamlNode.Entry e = mapping.entries().get(key);
        if (e == null) {
            return null;
        }
        if (!(e.value() instanceof YamlNode.Scalar s) || s.text() == null) {
            throw error(key, "expected " + expected + ", got " + describe(e.value()));
        }
        return s.text();
    }

    private static String describe(YamlNode node) {
        return switch (node) {
            case YamlNode.Mapping m -> "a mapping";
            case YamlNode.Sequence s -> "a list";
            case YamlNode.Scalar s -> s.text() == null ? "nothing" : "'" + s.text() + "'";
        };
    }

    String requiredString(String key, String expected) throws ScenarioException {
        String text = scalar(key, expected);
        if (text == null) {
            throw missing(key, expected);
        }
        return text;
    }

    String string(String key, String fallback) throws ScenarioException {
        String text = scalar(key, "a string");
        return text == null ? fallback : text;
    }

    /**
     * A required field is absent. Fields are read before unknown keys are rejected ({@link #finish}),
     * so a misspelt required key ({@code duraton: 1h}) would otherwise be reported only as missing:
     * a key within two edits of it is named as the likely typo.
     */
    private ScenarioException missing(String key, String expected) {
        for (YamlNode.Entry e : mapping.entries().values()) {
            if (!used.contains(e.key()) && Spelling.editDistance(e.key(), key) <= 2) {
                return new ScenarioException(
                        file,
                        e.keyLine(),
                        path(e.key()),
                        "unknown field; did you mean '" + key + "'? (expected " + expected + ")");
            }
        }
        return new ScenarioException(file, mapping.line(), path(key), "missing; expected " + expected);
    }

    long duration(String key, long fallback) throws ScenarioException {
        return duration(key, fallback, false);
    }

    private long duration(String key, long fallback, boolean positive) throws ScenarioException {
        String text = scalar(key, Durations.expected(positive));
        if (text == null) {
            return fallback;
        }
        return switch (Durations.parse(text, positive)) {
            case Durations.Parsed.Ok ok -> ok.ns();
            case Durations.Parsed.Bad bad -> throw error(key, bad.problem());
        };
    }

    long requiredDuration(String key) throws ScenarioException {
        if (!has(key)) {
            used.add(key);
            throw missing(key, Durations.expected(false));
        }
        return duration(key, 0);
    }

    long positiveDuration(String key, long fallback) throws ScenarioException {
        return duration(key, fallback, true);
    }

    /**
     * Whole seconds within {@code min..max}: a bare integer is seconds ({@code 3600}), a duration
     * ({@code 1h}, {@code -30s}) must be a whole number of seconds.
     */
    long seconds(String key, long fallback, long min, long max) throws ScenarioException {
        String expected = "whole seconds from " + min + " to " + max + ", as an integer (3600) or a duration (1h)";
        String text = scalar(key, expected);
        if (text == null) {
            return fallback;
        }
        long seconds;
        if (text.strip().matches("[+-]?\\d{1,18}")) {
            seconds = Long.parseLong(text.strip());
        } else if (Durations.parse(text, false) instanceof Durations.Parsed.Ok ok) {
            if (ok.ns() % 1_000_000_000L != 0) {
                throw error(key, "'" + text + "' is not whole seconds: expected " + expected);
            }
            seconds = ok.ns() / 1_000_000_000L;
        } else {
            throw error(key, "'" + text + "' is not a number of seconds: expected " + expected);
        }
        if (seconds < min || seconds > max) {
            throw error(key, "'" + text + "' is out of range: expected " + expected);
        }
        return seconds;
    }

    double number(String key, double fallback) throws ScenarioException {
        String text = scalar(key, "a number");
        if (text == null) {
            return fallback;
        }
        try {
            double value = Double.parseDouble(text);
            if (!Double.isFinite(value)) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw error(key, "expected a number such as 20 or -3.5, got '" + text + "'");
        }
    }

    long integer(String key, long fallback, long min, long max) throws ScenarioException {
        String text = scalar(key, "an integer");
        if (text == null) {
            return fallback;
        }
        long value;
        try {
            value = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw error(key, "expected an integer from " + min + " to " + max + ", got '" + text + "'");
        }
        if (value < min || value > max) {
            throw error(key, "expected an integer from " + min + " to " + max + ", got " + value);
        }
        return value;
    }

    boolean bool(String key, boolean fallback) throws ScenarioException {
        String text = scalar(key, "true or false");
        if (text == null) {
            return fallback;
        }
        return switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw error(key, "expected true or false, got '" + text + "'");
        };
    }

    Instant instant(String key, Instant fallback) throws ScenarioException {
        String expected = "a UTC date-time such as 2026-11-25T08:00:00Z";
        String text = scalar(key, expected);
        if (text == null) {
            return fallback;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw error(key, "expected " + expected + ", got '" + text + "'");
        }
    }

    <E extends Enum<E>> E choice(String key, E fallback, List<E> values, java.util.function.Function<E, String> id)
            throws ScenarioException {
        List<String> ids = values.stream().map(id).toList();
        String text = scalar(key, "one of " + ids);
        if (text == null) {
            return fallback;
        }
        for (E value : values) {
            if (id.apply(value).equals(text)) {
                return value;
            }
        }
        throw error(key, "expected one of " + ids + ", got '" + text + "'");
    }

    Fields section(String key) throws ScenarioException {
        used.add(key);
        YamlNode.Entry e = mapping.entries().get(key);
        if (e == null || (e.value() instanceof YamlNode.Scalar s && s.text() == null)) {
            return empty(file, path(key), e == null ? mapping.line() : e.keyLine());
        }
        return new Fields(file, path(key), e.value());
    }

    /** The items of a list field (empty if absent). */
    List<YamlNode> list(String key) throws ScenarioException {
        used.add(key);
        YamlNode.Entry e = mapping.entries().get(key);
        if (e == null || (e.value() instanceof YamlNode.Scalar s && s.text() == null)) {
            return List.of();
        }
        if (!(e.value() instanceof YamlNode.Sequence seq)) {
            throw error(key, "expected a list (lines starting with '- '), got " + describe(e.value()));
        }
        return seq.items();
    }

    Fields item(String key, int index, YamlNode node) throws ScenarioException {
        return new Fields(file, path(key) + "[" + index + "]", node);
    }

    ScenarioException itemError(String key, int index, YamlNode node, String problem) {
        return new ScenarioException(file, node.line(), path(key) + "[" + index + "]", problem);
    }

    /** Rejects keys that were never read. */
    void finish() throws ScenarioException {
        for (YamlNode.Entry e : mapping.entries().values()) {
            if (!used.contains(e.key())) {
                List<String> known = used.stream().sorted().toList();
                throw new ScenarioException(
                        file, e.keyLine(), path(e.key()), "unknown field; expected one of " + known);
            }
        }
    }
}
