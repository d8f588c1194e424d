package io.wallsync.sim.story;

import io.wallsync.core.page.PushReason;
import java.util.List;

/**
 * The story under one policy.
 *
 * @param policy the CLI name of what dom0 ran: a dom0 sync policy (legacy-periodic,
 *     step-and-periodic) or {@link HistoricalBugStory#SERVE} (the daemon's own wiring)
 * @param guests one outcome per guest, in boot order
 * @param pushes every hypercall dom0 issued, in order, with the ns after host boot it was issued at
 * @param notifications clock updates the agent received
 */
public record PolicyOutcome(String policy, List<GuestOutcome> guests, List<TimedPush> pushes, long notifications) {
    public PolicyOutcome {
        guests = List.copyOf(guests);
        pushes = List.copyOf(pushes);
    }

    /** A settime hypercall that the hypervisor accepted, why, and when (ns after host boot). */
    public record TimedPush(long atNs, PushReason reason) {}
}
