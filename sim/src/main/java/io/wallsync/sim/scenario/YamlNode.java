package io.wallsync.sim.scenario;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document as a tree that remembers the line of every node, so that a validation error can
 * say where the bad value is. (Jackson's own tree drops locations.)
 */
sealed interface YamlNode {
    int line();

    /** A mapping; keys in file order. */
    record Mapping(Map<String, Entry> entries, int line) implements YamlNode {}

    /** One key of a mapping with the line of the key. */
    record Entry(String key, int keyLine, YamlNode value) {}

    /** A sequence. */
    record Sequence(List<YamlNode> items, int line) implements YamlNode {}

    /** A scalar; {@code text} is null for YAML null ({@code ~} or an empty value). */
    record Scalar(String text, int line) implements YamlNode {}

    /** Thrown by {@link #parse} for malformed YAML. */
    final class SyntaxError extends Exception {
        private static final long serialVersionUID = 1L;
        final int line;
        final String key;

        SyntaxError(int line, String key, String message) {
            super(message);
            this.line = line;
            this.key = key;
        }
    }

    /**
     * Parses one YAML document. Anchors and aliases ({@code &name}, {@code *name}, {@code <<: *name})
     * and a second document are refused: a scenario is read by people, and each value stands where
     * it is written.
     */
    static YamlNode parse(Reader reader) throws IOException, SyntaxError {
        try (JsonParser parser = new YAMLFactory().createParser(reader)) {
            JsonToken token = parser.nextToken();
            if (token == null) {
                return new Mapping(Map.of(), 1);
            }
            YamlNode root = read(parser, token);
            if (parser.nextToken() != null) {
                throw new SyntaxError(
                        parser.currentTokenLocation().getLineNr(),
                        "",
                        "a second YAML document starts here; a scenario file holds one document");
            }
            return root;
        }
    }

    private static YamlNode read(JsonParser parser, JsonToken token) throws IOException, SyntaxError {
        int line = parser.currentTokenLocation().getLineNr();
        if (parser instanceof YAMLParser yaml) {
            if (yaml.isCurrentAlias()) {
                throw new SyntaxError(
                        line, "", "YAML alias '*" + parser.getText() + "' is not supported: write the value out");
            }
            if (yaml.getObjectId() != null) {
                throw new SyntaxError(
                        line,
                        "",
                        "YAML anchor '&" + yaml.getObjectId()
                                + "' is not supported: write each value where it is used");
            }
        }
        switch (token) {
            case START_OBJECT -> {
                Map<String, Entry> entries = new LinkedHashMap<>();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
                    String key = parser.currentName();
                    int keyLine = parser.currentTokenLocation().getLineNr();
                    YamlNode value = read(parser, parser.nextToken());
                    if (entries.putIfAbsent(key, new Entry(key, keyLine, value)) != null) {
                        throw new SyntaxError(keyLine, key, "duplicate key '" + key + "'");
                    }
                }
                return new Mapping(entries, line);
            }
            case START_ARRAY -> {
                List<YamlNode> items = new ArrayList<>();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                    items.add(read(parser, t));
                }
                return new Sequence(items, line);
            }
            case VALUE_NULL -> {
                return new Scalar(null, line);
            }
            default -> {
                return new Scalar(parser.getText(), line);
            }
        }
    }
}
