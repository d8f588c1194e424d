package io.wallsync.sim.scenario;

import java.util.Collection;
import java.util.Optional;

/**
 * "Did you mean" for misspelt names: scenario keys here, command-line options and subcommands in
 * the cli. Nearest by Levenshtein distance, never a name that is farther than a typo.
 */
public final class Spelling {
    private Spelling() {}

    /** Levenshtein distance (insertions, deletions, substitutions), for short names. */
    public static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }

    /**
     * The candidate nearest to {@code typed}, if it is a plausible typo: at most 2 edits (a third of
     * the typed length for long names) and fewer than half its length ({@code --senario} is 1 edit
     * from {@code --scenario}; {@code -x} suggests nothing). Ties go to the first candidate.
     */
    public static Optional<String> nearest(String typed, Collection<String> candidates) {
        int limit = Math.max(2, typed.length() / 3);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = editDistance(typed, c);
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        // Fewer edits than half the typed name: "-x" is one edit from "-h" but no typo of it.
        boolean plausible = bestDistance <= limit && 2 * bestDistance < typed.length();
        return plausible ? Optional.ofNullable(best) : Optional.empty();
    }
}
