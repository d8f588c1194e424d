package io.wallsync.sim.engine;

import java.util.Arrays;

/**
 * A binary min-heap of events keyed by (virtual time, insertion sequence). Two events at the same
 * instant come out in the order they were scheduled, so a run is a pure function of its inputs.
 *
 * <p>Keys live in primitive arrays so that a day of one-second ticks for a thousand guests does not
 * allocate a key object per event.
 */
final class EventQueue {
    private long[] timesNs = new long[64];
    private long[] sequences = new long[64];
    private SimEvent[] events = new SimEvent[64];
    private int size;
    private long nextSequence;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Time of the earliest event; only valid when not empty. */
    long peekTimeNs() {
        return timesNs[0];
    }

    void add(long timeNs, SimEvent event) {
        if (size == timesNs.length) {
            int capacity = size * 2;
            timesNs = Arrays.copyOf(timesNs, capacity);
            sequences = Arrays.copyOf(sequences, capacity);
            events = Arrays.copyOf(events, capacity);
        }
        long sequence = nextSequence++;
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!before(timeNs, sequence, timesNs[parent], sequences[parent])) {
                break;
            }
            move(parent, i);
            i = parent;
        }
        set(i, timeNs, sequence, event);
    }

    /** Removes and returns the earliest event; its time is {@link #peekTimeNs()} before the call. */
    SimEvent poll() {
        SimEvent first = events[0];
        int last = --size;
        long lastTime = timesNs[last];
        long lastSequence = sequences[last];
        SimEvent lastEvent = events[last];
        events[last] = null;
        if (last > 0) {
            int i = 0;
            int half = last >>> 1;
            while (i < half) {
                int child = 2 * i + 1;
                int right = child + 1;
                if (right < last && before(timesNs[right], sequences[right], timesNs[child], sequences[child])) {
                    child = right;
                }
                if (!before(timesNs[child], sequences[child], lastTime, lastSequence)) {
                    break;
                }
                move(child, i);
                i = child;
            }
            set(i, lastTime, lastSequence, lastEvent);
        }
        return first;
    }

    private static boolean before(long timeA, long seqA, long timeB, long seqB) {
        return timeA < timeB || (timeA == timeB && seqA < seqB);
    }

    private void move(int from, int to) {
        timesNs[to] = timesNs[from];
        sequences[to] = sequences[from];
        events[to] = events[from];
    }

    private void set(int i, long timeNs, long sequence, SimEvent event) {
        timesNs[i] = timeNs;
        sequences[i] = sequence;
        events[i] = event;
    }
}
