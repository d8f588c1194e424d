package io.wallsync.sim.story;

import java.util.Objects;

/**
 * A PV guest of the story.
 *
 * @param name short label for the table
 * @param bootAfterHostBootNs when it boots, ns of true time after the host booted
 */
public record StoryGuest(String name, long bootAfterHostBootNs) {
    public StoryGuest {
        Objects.requireNonNull(name, "name");
        if (bootAfterHostBootNs < 0) {
            throw new IllegalArgumentException(
                    "guest " + name + ": boot time must be >= 0 ns, got " + bootAfterHostBootNs);
        }
    }
}
