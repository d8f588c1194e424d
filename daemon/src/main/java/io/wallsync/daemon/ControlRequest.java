package io.wallsync.daemon;

import io.wallsync.adapters.page.DomainName;
import io.wallsync.core.page.TimeOffsetSeconds;
import java.util.List;
import java.util.Set;

/**
 * One parsed request of the control socket's line protocol ({@link ControlProtocol}). Parsing is
 * pure, so the daemon and the {@code wallsync control} client share it: the client rejects a
 * malformed request as a usage error before it connects, and the daemon answers {@code error ...}
 * with the same words.
 */
public sealed interface ControlRequest {
    /** The verbs of the requests that change the daemon. */
    Set<String> CHANGE_VERBS = Set.of("set-offset", "add", "remove");

    /** {@code list}. */
    record ListDomains() implements ControlRequest {}

    /** {@code get-offset NAME}. */
    record GetOffset(DomainName name) implements ControlRequest {}

    /** {@code set-offset NAME OFFSET_S}: a change (root or the control group). */
    record SetOffset(DomainName name, long timeOffsetSeconds) implements ControlRequest {
        public SetOffset {
            TimeOffsetSeconds.of(timeOffsetSeconds);
        }
    }

    /** {@code add NAME [OFFSET_S]}: a change. */
    record Add(DomainSpec spec) implements ControlRequest {}

    /** {@code remove NAME}: a change. */
    record Remove(DomainName name) implements ControlRequest {}

    /** Whether only root or the control group may make this request. */
    default boolean isChange() {
        return !(this instanceof ListDomains || this instanceof GetOffset);
    }

    /**
     * Parses one request line.
     *
     * @throws IllegalArgumentException naming what is wrong and what is expected
     */
    static ControlRequest parse(String line) {
        String trimmed = line.trim();
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException(
                    "empty request: expected list, get-offset NAME, set-offset NAME OFFSET_S, add NAME [OFFSET_S]"
                            + " or remove NAME");
        }
        List<String> words = List.of(trimmed.split("\\s+"));
        String verb = words.getFirst();
        return switch (verb) {
            case "list" -> {
                expectArgs(words, 0, "list");
                yield new ListDomains();
            }
            case "get-offset" -> {
                expectArgs(words, 1, "get-offset NAME");
                yield new GetOffset(new DomainName(words.get(1)));
            }
            case "set-offset" -> {
                expectArgs(words, 2, "set-offset NAME OFFSET_S");
                yield new SetOffset(new DomainName(words.get(1)), seconds(words.get(2)));
            }
            case "add" -> {
                if (words.size() != 2 && words.size() != 3) {
                    throw new IllegalArgumentException("usage: add NAME [OFFSET_S]");
                }
                yield new Add(
                        new DomainSpec(new DomainName(words.get(1)), words.size() == 3 ? seconds(words.get(2)) : 0));
            }
            case "remove" -> {
                expectArgs(words, 1, "remove NAME");
                yield new Remove(new DomainName(words.get(1)));
            }
            default ->
                throw new IllegalArgumentException(
                        "unknown request '" + verb + "': expected list, get-offset, set-offset, add or remove");
        };
    }

    private static void expectArgs(List<String> words, int n, String usage) {
        if (words.size() != n + 1) {
            throw new IllegalArgumentException("usage: " + usage);
        }
    }

    /** An offset within the page's s32 time_offset_sec, or the one range message of TimeOffsetSeconds. */
    private static long seconds(String text) {
        return TimeOffsetSeconds.parse(text).seconds();
    }
}
