package io.wallsync.sim.story;

import io.wallsync.core.dom0.PushRecord;
import io.wallsync.core.dom0.SyncPolicy;
import java.util.List;

/**
 * The story under one policy.
 *
 * @param policy the dom0 sync policy
 * @param guests one outcome per guest, in boot order
 * @param pushes every hypercall dom0 issued, in order, with the ns after host boot it was issued at
 * @param notifications gtod notifications the agent received
 */
public record PolicyOutcome(SyncPolicy policy, List<GuestOutcome> guests, List<TimedPush> pushes, long notifications) {
    public PolicyOutcome {
        guests = List.copyOf(guests);
        pushes = List.copyOf(pushes);
    }

    /** A push and when it happened. */
    public record TimedPush(long atNs, PushRecord push) {}
}
