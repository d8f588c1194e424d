package io.wallsync.daemon;

import io.wallsync.core.port.MonotonicClock;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A log that writes at most one line per reason per interval, so that a peer who can make the
 * daemon log (a refused request, a flood of connections, accept failing with EMFILE) cannot fill
 * the disk. Lines held back are counted; the count is written with the next line of that reason,
 * or by {@link #flush()} once the interval has passed ("REASON: N more suppressed"). Reasons are
 * fixed words chosen by the code, never text from a peer, so the table stays small.
 */
public final class RateLimitedLog {
    private final Consumer<String> log;
    private final MonotonicClock clock;
    private final long intervalNs;
    private final Map<String, Entry> entries = new HashMap<>();

    private static final class Entry {
        long lastNs;
        long suppressed;
    }

    static {
        // Loading a class can need a file descriptor (a class file in a directory); a process out of
        // descriptors must still be able to log that, so the class is loaded now.
        Entry.class.getName();
    }

    public RateLimitedLog(Consumer<String> log, MonotonicClock clock, long intervalNs) {
        this.log = log;
        this.clock = clock;
        this.intervalNs = intervalNs;
    }

    /** Writes {@code line} unless a line of {@code reason} was written less than an interval ago. */
    public void log(String reason, String line) {
        String out;
        synchronized (entries) {
            long now = clock.nanos();
            Entry e = entries.get(reason);
            if (e != null && now - e.lastNs < intervalNs) {
                e.suppressed++;
                return;
            }
            if (e == null) {
                e = new Entry();
                entries.put(reason, e);
            }
            out = e.suppressed == 0 ? line : line + " (" + e.suppressed + " more like this suppressed)";
            e.lastNs = now;
            e.suppressed = 0;
        }
        log.accept(out);
    }

    /** Writes the counts held back for an interval or longer. */
    public void flush() {
        StringBuilder lines = new StringBuilder();
        synchronized (entries) {
            long now = clock.nanos();
            for (var entry : entries.entrySet()) {
                Entry e = entry.getValue();
                if (e.suppressed > 0 && now - e.lastNs >= intervalNs) {
                    lines.append(entry.getKey())
                            .append(": ")
                            .append(e.suppressed)
                            .append(" more suppressed")
                            .append('\n');
                    e.suppressed = 0;
                    e.lastNs = now;
                }
            }
        }
        lines.toString().lines().forEach(log);
    }
}
