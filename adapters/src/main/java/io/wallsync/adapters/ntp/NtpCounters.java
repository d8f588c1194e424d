package io.wallsync.adapters.ntp;

import io.wallsync.core.ntp.DropReason;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** What a running {@link NtpServer} has seen: thread-safe counters, read with {@link #snapshot()}. */
public final class NtpCounters {
    private final LongAdder received = new LongAdder();
    private final LongAdder answered = new LongAdder();
    private final LongAdder leaked = new LongAdder();
    private final LongAdder kissRate = new LongAdder();
    private final LongAdder sendErrors = new LongAdder();
    private final Map<DropReason, LongAdder> dropped = new EnumMap<>(DropReason.class);

    NtpCounters() {
        for (DropReason r : DropReason.values()) {
            dropped.put(r, new LongAdder());
        }
    }

    void received() {
        received.increment();
    }

    void answered() {
        answered.increment();
    }

    void leaked() {
        leaked.increment();
    }

    void kissRate() {
        kissRate.increment();
    }

    void sendError() {
        sendErrors.increment();
    }

    void dropped(DropReason reason) {
        dropped.get(reason).increment();
    }

    /**
     * One consistent-enough reading (each counter is read once).
     *
     * @param received datagrams received
     * @param answered normal answers sent (includes leaked)
     * @param leaked answers sent to rate-limited clients (the leak share)
     * @param kissRate KoD RATE answers sent
     * @param sendErrors answers the kernel refused to send
     * @param dropped datagrams not answered, by reason
     */
    public record Snapshot(
            long received, long answered, long leaked, long kissRate, long sendErrors, Map<DropReason, Long> dropped) {
        public Snapshot {
            dropped = Map.copyOf(dropped);
        }

        /** All drops, whatever the reason. */
        public long droppedTotal() {
            return dropped.values().stream().mapToLong(Long::longValue).sum();
        }

        /** Drops for one reason. */
        public long dropped(DropReason reason) {
            return dropped.getOrDefault(reason, 0L);
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder();
            b.append("received=").append(received).append(" answered=").append(answered);
            b.append(" leaked=").append(leaked).append(" kod-rate=").append(kissRate);
            b.append(" send-errors=").append(sendErrors).append(" dropped=").append(droppedTotal());
            for (DropReason r : DropReason.values()) {
                long n = dropped(r);
                if (n > 0) {
                    b.append(' ').append(r.label()).append('=').append(n);
                }
            }
            return b.toString();
        }
    }

    public Snapshot snapshot() {
        Map<DropReason, Long> d = new EnumMap<>(DropReason.class);
        dropped.forEach((r, n) -> d.put(r, n.sum()));
        return new Snapshot(received.sum(), answered.sum(), leaked.sum(), kissRate.sum(), sendErrors.sum(), d);
    }
}
