package io.wallsync.core.ntp;

import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Per-client response rate limiting with bounded memory, after chrony's clientlog.c
 * ({@code ratelimit interval I burst B leak L}, and the KoD rate of ntp_core.c).
 *
 * <p>Each client address has a GCRA token bucket (the "virtual scheduling" form of a token
 * bucket): a theoretical arrival time {@code tat}. A request at time {@code t} passes when {@code
 * max(tat, t) - t <= (burst - 1) * interval}, and then {@code tat = max(tat, t) + interval}; so a
 * client may send {@code burst} requests at once and one per {@code interval} after that. A
 * limited request does not move {@code tat}, so a client that floods still gets one answer per
 * interval.
 *
 * <p>A limited request is not always dropped: with probability 2^-leak it is answered anyway
 * ({@link Decision#LEAK}; chrony's {@code leak}: an attacker that floods in a victim's name cannot
 * cut the victim off), else with probability 2^-kod (kod 1..4; 0 disables) it gets a kiss-o'-death
 * RATE answer ({@link Decision#KISS_RATE}), else it is dropped.
 *
 * <p>Memory: a fixed table of {@code capacity} records (32 bytes each) in buckets of 8, allocated
 * once. A new client takes a free record of its bucket or evicts the one with the oldest last
 * request (chrony does the same within its slots). Buckets are chosen by a keyed hash so that an
 * attacker cannot aim many addresses at one bucket. Not thread-safe: callers serialise.
 */
public final class RateLimiter {
    /** What to do with one request. */
    public enum Decision {
        /** Within the client's rate: answer. */
        PASS,
        /** Over the rate, but drawn for the leak share: answer normally. */
        LEAK,
        /** Over the rate: answer with a kiss-o'-death RATE packet. */
        KISS_RATE,
        /** Over the rate: no answer. */
        DROP
    }

    /**
     * @param intervalLog2 log2 of the minimum mean interval between answers, seconds (-10..12)
     * @param burst answers a client may get at once (1..255)
     * @param leakLog2 one in 2^leakLog2 limited requests is answered anyway (1..4)
     * @param kodLog2 one in 2^kodLog2 of the rest gets a KoD RATE (1..4), 0 for none
     * @param capacity client records kept (a power of two, 8..2^24)
     */
    public record Config(int intervalLog2, int burst, int leakLog2, int kodLog2, int capacity) {
        /** Defaults: one answer per 2 s after a burst of 8 (chronyd -Q and iburst fit), 1/4 leak, 1/4 KoD, 16384 clients (512 KiB). */
        public static final Config DEFAULT = new Config(1, 8, 2, 2, 16_384);

        public Config {
            check("interval (log2 seconds)", intervalLog2, -10, 12);
            check("burst", burst, 1, 255);
            check("leak (log2)", leakLog2, 1, 4);
            check("kod (log2, 0 = off)", kodLog2, 0, 4);
            check("client table capacity", capacity, BUCKET_SIZE, 1 << 24);
            if (Integer.bitCount(capacity) != 1) {
                throw new IllegalArgumentException("client table capacity must be a power of two, got " + capacity);
            }
        }

        private static void check(String what, int value, int min, int max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(
                        "rate limit " + what + " must be " + min + ".." + max + ", got " + value);
            }
        }

        /** The interval in nanoseconds: 2^intervalLog2 s. */
        public long intervalNs() {
            return intervalLog2 >= 0 ? 1_000_000_000L << intervalLog2 : 1_000_000_000L >> -intervalLog2;
        }
    }

    static final int BUCKET_SIZE = 8;

    private final Config config;
    private final RandomGenerator random;
    private final long hashKey;
    private final long intervalNs;
    private final long burstToleranceNs;
    private final long[] keyHi;
    private final long[] keyLo;
    private final long[] tatNs;
    private final long[] lastHitNs;
    private final boolean[] used;
    private int clients;
    private long evictions;

    /**
     * @param config limits and table size
     * @param random draws for leak and KoD, and the hash key (seed it in tests)
     */
    public RateLimiter(Config config, RandomGenerator random) {
        this.config = Objects.requireNonNull(config, "config");
        this.random = Objects.requireNonNull(random, "random");
        this.hashKey = random.nextLong() | 1;
        this.intervalNs = config.intervalNs();
        this.burstToleranceNs = (config.burst() - 1) * intervalNs;
        this.keyHi = new long[config.capacity()];
        this.keyLo = new long[config.capacity()];
        this.tatNs = new long[config.capacity()];
        this.lastHitNs = new long[config.capacity()];
        this.used = new boolean[config.capacity()];
    }

    /**
     * Decides about one request from the client {@code (addressHi, addressLo)} (an IPv6 address, or
     * an IPv4 address mapped as ::ffff:a.b.c.d) arriving at monotonic time {@code nowNs}.
     */
    public Decision decide(long addressHi, long addressLo, long nowNs) {
        int record = find(addressHi, addressLo, nowNs);
        long tat = Math.max(tatNs[record], nowNs);
        lastHitNs[record] = nowNs;
        if (tat - nowNs <= burstToleranceNs) {
            tatNs[record] = tat + intervalNs;
            return Decision.PASS;
        }
        if (draw(config.leakLog2())) {
            return Decision.LEAK;
        }
        if (config.kodLog2() > 0 && draw(config.kodLog2())) {
            return Decision.KISS_RATE;
        }
        return Decision.DROP;
    }

    /** True with probability 2^-log2. */
    private boolean draw(int log2) {
        return (random.nextInt() & ((1 << log2) - 1)) == 0;
    }

    private int find(long hi, long lo, long nowNs) {
        int buckets = config.capacity() / BUCKET_SIZE;
        long h = (hi * 0x9E37_79B9_7F4A_7C15L + lo) * hashKey;
        int first = (int) ((h ^ (h >>> 29)) & (buckets - 1)) * BUCKET_SIZE;
        int victim = -1;
        for (int i = first; i < first + BUCKET_SIZE; i++) {
            if (!used[i]) {
                if (victim < 0 || used[victim]) {
                    victim = i;
                }
                continue;
            }
            if (keyHi[i] == hi && keyLo[i] == lo) {
                return i;
            }
            if (victim < 0 || (used[victim] && lastHitNs[i] - lastHitNs[victim] < 0)) {
                victim = i;
            }
        }
        if (used[victim]) {
            evictions++;
        } else {
            used[victim] = true;
            clients++;
        }
        keyHi[victim] = hi;
        keyLo[victim] = lo;
        // A new client starts with a full bucket: tat = now.
        tatNs[victim] = nowNs;
        lastHitNs[victim] = nowNs;
        return victim;
    }

    /** Clients currently in the table (at most the capacity). */
    public int clients() {
        return clients;
    }

    /** Records taken over from another client because the bucket was full. */
    public long evictions() {
        return evictions;
    }

    public Config config() {
        return config;
    }
}
