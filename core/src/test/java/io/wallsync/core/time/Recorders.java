package io.wallsync.core.time;

import io.wallsync.core.notify.NotifyResult;
import java.util.List;

/** Test helper: records what a timekeeper's chains deliver, in order. */
final class Recorders {
    private Recorders() {}

    /** Appends every gtod event and every clock_was_set event of {@code tk} to the given lists. */
    static void record(Timekeeper tk, List<GtodEvent> gtod, List<ClockWasSetEvent> clockWasSet) {
        tk.gtodChain().register(e -> add(gtod, e), 0);
        tk.clockWasSetChain().register(e -> add(clockWasSet, e), 0);
    }

    private static <E> NotifyResult add(List<E> list, E event) {
        list.add(event);
        return NotifyResult.OK;
    }
}
