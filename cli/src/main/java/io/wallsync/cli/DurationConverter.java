package io.wallsync.cli;

import io.wallsync.core.time.Durations;
import java.time.Duration;
import picocli.CommandLine;

/**
 * Parses positive durations in the one grammar of wallsync ({@link Durations}, the same as in
 * scenario files): {@code 1ns}, {@code 500ms}, {@code 1.5s}, {@code 11m}, {@code 2h10m}, {@code
 * 1000d} or ISO-8601 {@code PT11M}. Every duration option of the command (serve's --period and
 * --heartbeat, read's --poll, ntp's --duration and --stats) is an interval, so zero, negative and
 * overflowing values are usage errors here, before anything runs, in the words a scenario file gets.
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        return switch (Durations.parse(value, true)) {
            case Durations.Parsed.Ok ok -> Duration.ofNanos(ok.ns());
            case Durations.Parsed.Bad bad -> throw new CommandLine.TypeConversionException(bad.problem());
        };
    }
}
