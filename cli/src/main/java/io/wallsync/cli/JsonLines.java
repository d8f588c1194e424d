package io.wallsync.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;

/** One JSON object per line, for the {@code --json} output of {@code read} and {@code control}. */
final class JsonLines {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonLines() {}

    /** {@code fields} (in their order; null values written as JSON null) as one line of JSON. */
    static String of(Map<String, ?> fields) {
        try {
            return MAPPER.writeValueAsString(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON for " + fields.keySet(), e); // plain values only
        }
    }
}
