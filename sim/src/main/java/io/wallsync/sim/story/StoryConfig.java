package io.wallsync.sim.story;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The inputs of the historical-bug story.
 *
 * @param hostBootTrue the true date at which host and hypervisor boot
 * @param rtcErrorNs how wrong the battery RTC is at boot (RTC - true); Xen's W and dom0's
 *     CLOCK_REALTIME both start from it
 * @param ntpStepAtNs when NTP steps dom0's clock by -rtcErrorNs (chrony's makestep, an
 *     adjtimex ADJ_SETOFFSET), ns after boot
 * @param ntpSyncedAtNs when NTP declares the clock synchronised (clears STA_UNSYNC), ns after boot
 * @param tickNs interval of dom0's timer tick (each runs the gtod chain)
 * @param durationNs how long the story runs, ns after boot
 * @param guests the guests, in any order
 */
public record StoryConfig(
        Instant hostBootTrue,
        long rtcErrorNs,
        long ntpStepAtNs,
        long ntpSyncedAtNs,
        long tickNs,
        long durationNs,
        List<StoryGuest> guests) {
    private static final long SECOND_NS = 1_000_000_000L;

    public StoryConfig {
        Objects.requireNonNull(hostBootTrue, "hostBootTrue");
        guests = List.copyOf(guests);
        if (tickNs <= 0) {
            throw new IllegalArgumentException("tickNs must be > 0 ns, got " + tickNs);
        }
        if (ntpStepAtNs < 0 || ntpSyncedAtNs < ntpStepAtNs) {
            throw new IllegalArgumentException("expected 0 <= ntpStepAtNs <= ntpSyncedAtNs, got step at " + ntpStepAtNs
                    + " ns, synced at " + ntpSyncedAtNs + " ns");
        }
    }

    /**
     * The embedded default: the host boots at 2026-11-25T09:00:00Z with an RTC 5 hours behind (it
     * kept US Eastern local time), NTP steps the clock at +1:00 and reports sync at +3:00; guests
     * boot before the step (+0:30), in the window after it (+2:00) and after the first 11-minute
     * push (+15:00). 1 s ticks, 20 minutes.
     */
    public static StoryConfig defaults() {
        return new StoryConfig(
                Instant.parse("2026-11-25T09:00:00Z"),
                -5 * 3600 * SECOND_NS,
                60 * SECOND_NS,
                180 * SECOND_NS,
                SECOND_NS,
                20 * 60 * SECOND_NS,
                List.of(
                        new StoryGuest("early", 30 * SECOND_NS),
                        new StoryGuest("window", 120 * SECOND_NS),
                        new StoryGuest("late", 15 * 60 * SECOND_NS)));
    }
}
