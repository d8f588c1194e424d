package io.wallsync.core.notify;

/**
 * What a {@link NotifierBlock} answers, with the values of include/linux/notifier.h.
 *
 * <pre>
 *  name    value   meaning
 *  DONE    0x0000  don't care
 *  OK      0x0001  suits me
 *  STOP    0x8001  NOTIFY_OK | NOTIFY_STOP_MASK: clean way to return from the chain
 *  BAD     0x8002  NOTIFY_STOP_MASK | 0x0002: bad/veto action, also stops the chain
 * </pre>
 */
public enum NotifyResult {
    DONE(0x0000),
    OK(0x0001),
    /** {@code #define NOTIFY_STOP (NOTIFY_OK|NOTIFY_STOP_MASK)} (include/linux/notifier.h). */
    STOP(0x8001),
    BAD(0x8002);

    /** NOTIFY_STOP_MASK in include/linux/notifier.h: a result with this bit ends the chain walk. */
    public static final int NOTIFY_STOP_MASK = 0x8000;

    private final int linuxValue;

    NotifyResult(int linuxValue) {
        this.linuxValue = linuxValue;
    }

    /** The NOTIFY_* value Linux uses for this result. */
    public int linuxValue() {
        return linuxValue;
    }

    /** True when the stop bit is set, so notifier_call_chain() returns without calling further blocks. */
    public boolean stopsChain() {
        return (linuxValue & NOTIFY_STOP_MASK) != 0;
    }
}
