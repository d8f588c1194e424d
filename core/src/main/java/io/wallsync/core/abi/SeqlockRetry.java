package io.wallsync.core.abi;

/**
 * What a seqlock reader does after a failed attempt (an odd version, or a version that changed
 * under it): try again, possibly after waiting, or give up. The core only counts attempts; a
 * reader that bounds its wait in real time (the client) supplies its own policy, because the core
 * never reads a clock.
 */
@FunctionalInterface
public interface SeqlockRetry {
    /** A single attempt: give up after the first failure. */
    SeqlockRetry ONCE = (failedAttempts, version) -> false;

    /**
     * Called after each failed attempt.
     *
     * @param failedAttempts failed attempts so far: 1 after the first
     * @param version the version the failed attempt saw last
     * @return true to try again
     */
    boolean again(int failedAttempts, int version);

    /** At most {@code maxRetries} retries after the first attempt. */
    static SeqlockRetry upTo(int maxRetries) {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries " + maxRetries + ": expected >= 0");
        }
        return (failedAttempts, version) -> failedAttempts <= maxRetries;
    }
}
