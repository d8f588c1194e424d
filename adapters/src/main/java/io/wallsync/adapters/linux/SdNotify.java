package io.wallsync.adapters.linux;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * systemd's service notification protocol (sd_notify(3)) for {@code Type=notify} units: datagrams
 * of newline-separated {@code VARIABLE=value} assignments sent to the AF_UNIX datagram socket named
 * by {@code $NOTIFY_SOCKET} (a path, or {@code @name} in the abstract namespace).
 *
 * <pre>
 *  message       meaning to systemd
 *  READY=1       start-up finished: the unit becomes "active (running)"
 *  STATUS=text   free-form status shown by systemctl status
 *  WATCHDOG=1    keep-alive; without one for WatchdogSec the unit is killed (SIGABRT) and restarted
 *  STOPPING=1    the service is shutting down
 * </pre>
 *
 * <p>{@code $WATCHDOG_USEC} (set by systemd when the unit has {@code WatchdogSec=}) is the watchdog
 * timeout in microseconds; it applies to this process only if {@code $WATCHDOG_PID} is unset or
 * equals its pid. Outside systemd ({@code $NOTIFY_SOCKET} unset) every call does nothing and says
 * so ({@link Outcome.NotUnderSystemd}).
 *
 * <p>{@link #watchdog()} is meant to be called from the loop whose liveness it proves (the push
 * loop, after each heartbeat), never from a timer thread of its own: a stuck loop must stop the
 * pings. It sends at most one ping per quarter of the timeout, so a fast heartbeat does not flood
 * systemd; a heartbeat no longer than half the timeout ({@link #requireHeartbeatWithin}) then keeps
 * every gap between pings under three quarters of it. Safe for use from several threads.
 */
public final class SdNotify implements AutoCloseable {
    public static final String NOTIFY_SOCKET = "NOTIFY_SOCKET";
    public static final String WATCHDOG_USEC = "WATCHDOG_USEC";
    public static final String WATCHDOG_PID = "WATCHDOG_PID";

    static final String READY = "READY=1";
    static final String WATCHDOG = "WATCHDOG=1";
    static final String STOPPING = "STOPPING=1";
    static final String STATUS_PREFIX = "STATUS=";

    /** What one notification did. */
    public sealed interface Outcome {
        /** The datagram went to systemd's socket. */
        record Sent() implements Outcome {}

        /** No {@code $NOTIFY_SOCKET}: not started by systemd as a notify service; nothing sent. */
        record NotUnderSystemd() implements Outcome {}

        /** A watchdog ping went out less than a quarter of the timeout ago (or no watchdog is set). */
        record NotDue() implements Outcome {}

        /** The kernel refused the datagram (systemd gone, socket not writable, ...). */
        record Failed(String why) implements Outcome {}
    }

    private final UnixDatagramSender sender; // null outside systemd
    private final Duration watchdogTimeout; // null without a watchdog for this process
    private final LongSupplier monotonicNs;
    private long lastPingNs;
    private boolean pinged;

    private SdNotify(UnixDatagramSender sender, Duration watchdogTimeout, LongSupplier monotonicNs) {
        this.sender = sender;
        this.watchdogTimeout = watchdogTimeout;
        this.monotonicNs = monotonicNs;
    }

    /** From this process's environment, with {@link System#nanoTime()} for the ping rate limit. */
    public static SdNotify fromEnvironment() {
        return fromEnvironment(System.getenv(), ProcessHandle.current().pid(), System::nanoTime);
    }

    /**
     * From {@code env} for the process {@code pid}.
     *
     * @throws IllegalArgumentException if {@code $NOTIFY_SOCKET} is neither an absolute path nor an
     *     {@code @name}, or {@code $WATCHDOG_USEC}/{@code $WATCHDOG_PID} is not a positive integer
     */
    public static SdNotify fromEnvironment(Map<String, String> env, long pid, LongSupplier monotonicNs) {
        Duration timeout = watchdogTimeout(env, pid);
        String socket = env.get(NOTIFY_SOCKET);
        if (socket == null || socket.isEmpty()) {
            return new SdNotify(null, timeout, monotonicNs);
        }
        UnixSocketAddress address;
        if (socket.startsWith("@")) {
            address = UnixSocketAddress.abstractName(socket.substring(1));
        } else if (socket.startsWith("/")) {
            address = UnixSocketAddress.path(Path.of(socket));
        } else {
            throw new IllegalArgumentException(NOTIFY_SOCKET + "=" + socket
                    + " is not supported: expected an absolute path or @abstract-name (AF_UNIX)");
        }
        return new SdNotify(new UnixDatagramSender(address, "systemd"), timeout, monotonicNs);
    }

    private static Duration watchdogTimeout(Map<String, String> env, long pid) {
        String usec = env.get(WATCHDOG_USEC);
        if (usec == null || usec.isEmpty()) {
            return null;
        }
        long timeoutUs = positive(WATCHDOG_USEC, usec);
        String watchdogPid = env.get(WATCHDOG_PID);
        if (watchdogPid != null && !watchdogPid.isEmpty() && positive(WATCHDOG_PID, watchdogPid) != pid) {
            return null; // the watchdog is meant for another process (e.g. our parent)
        }
        return Duration.ofNanos(Math.multiplyExact(timeoutUs, 1000L));
    }

    private static long positive(String name, String value) {
        long v;
        try {
            v = Long.parseLong(value);
        } catch (NumberFormatException e) {
            v = -1;
        }
        // Microseconds up to Long.MAX_VALUE / 1000 so that the Duration in nanoseconds fits.
        if (v <= 0 || v > Long.MAX_VALUE / 1000) {
            throw new IllegalArgumentException(
                    name + "=" + value + " is not a positive integer (systemd sets it; expected e.g. 30000000)");
        }
        return v;
    }

    /** True when started by systemd with a notify socket. */
    public boolean underSystemd() {
        return sender != null;
    }

    /** systemd's watchdog timeout for this process ({@code WatchdogSec=}), if any. */
    public Optional<Duration> watchdogTimeout() {
        return Optional.ofNullable(watchdogTimeout);
    }

    /** How often the caller must reach {@link #watchdog()} at least: half the watchdog timeout. */
    public Optional<Duration> watchdogPingInterval() {
        return watchdogTimeout().map(t -> t.dividedBy(2));
    }

    /**
     * Refuses a heartbeat too slow for the watchdog: the push loop pings once per heartbeat, so a
     * heartbeat longer than {@link #watchdogPingInterval()} would get the daemon killed.
     *
     * @throws IllegalArgumentException naming both durations
     */
    public void requireHeartbeatWithin(Duration heartbeat) {
        Optional<Duration> interval = watchdogPingInterval();
        if (interval.isPresent() && heartbeat.compareTo(interval.get()) > 0) {
            throw new IllegalArgumentException("heartbeat " + heartbeat.toMillis() + "ms is longer than half the"
                    + " systemd watchdog timeout (WatchdogSec=" + watchdogTimeout.toMillis() + "ms): the watchdog"
                    + " would kill the daemon; use a shorter --heartbeat or a longer WatchdogSec");
        }
    }

    /** {@code READY=1} with a status line: start-up finished (after the first publication). */
    public Outcome ready(String status) {
        return send(READY + "\n" + statusLine(status, READY.length() + 1));
    }

    /** {@code WATCHDOG=1}, at most once per quarter of the watchdog timeout; see the class comment. */
    public synchronized Outcome watchdog() {
        if (watchdogTimeout == null) {
            return sender == null ? new Outcome.NotUnderSystemd() : new Outcome.NotDue();
        }
        long now = monotonicNs.getAsLong();
        if (pinged && now - lastPingNs < watchdogTimeout.toNanos() / 4) {
            return new Outcome.NotDue();
        }
        Outcome o = send(WATCHDOG);
        if (o instanceof Outcome.Sent) {
            pinged = true;
            lastPingNs = now;
        }
        return o;
    }

    /** {@code STATUS=text} (newlines become spaces; cut to fit one datagram). */
    public Outcome status(String text) {
        return send(statusLine(text, 0));
    }

    /** {@code STOPPING=1}: shutting down (before the daemon stops its loops). */
    public Outcome stopping() {
        return send(STOPPING);
    }

    /**
     * {@code STATUS=} + {@code text} with control characters (a newline would start another
     * assignment) replaced by spaces, cut on a character boundary so that {@code used} bytes before
     * it and the line fit into one datagram.
     */
    static String statusLine(String text, int used) {
        StringBuilder b = new StringBuilder(STATUS_PREFIX);
        int bytes = used + STATUS_PREFIX.length();
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isISOControl(cp)) {
                cp = ' ';
            }
            int n = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + n > UnixDatagramSender.MAX_DATAGRAM_BYTES) {
                break;
            }
            b.appendCodePoint(cp);
            bytes += n;
        }
        return b.toString();
    }

    /** Synchronized: the push loop and a shutdown hook may notify at once; the sender takes one thread. */
    private synchronized Outcome send(String message) {
        if (sender == null) {
            return new Outcome.NotUnderSystemd();
        }
        return switch (sender.send(message.getBytes(StandardCharsets.UTF_8))) {
            case UnixDatagramSender.SendResult.Sent sent -> new Outcome.Sent();
            case UnixDatagramSender.SendResult.Failed f ->
                new Outcome.Failed("sd_notify " + message.lines().findFirst().orElse("") + ": " + f.why());
        };
    }

    @Override
    public synchronized void close() {
        if (sender != null) {
            sender.close();
        }
    }
}
