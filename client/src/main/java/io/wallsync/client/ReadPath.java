package io.wallsync.client;

/**
 * How a {@link WallclockPage} computes wall time.
 *
 * @param counter true for the counter path (vmclock + the CPU counter, no system call), false for
 *     the monotonic path (wc + CLOCK_MONOTONIC)
 * @param reason why this path: for the monotonic path, what rules the counter path out
 */
public record ReadPath(boolean counter, String reason) {
    @Override
    public String toString() {
        return (counter ? "counter" : "monotonic") + " (" + reason + ")";
    }
}
