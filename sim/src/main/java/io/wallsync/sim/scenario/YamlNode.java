package io.wallsync.sim.scenario;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.DocumentStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;

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
     * and a second document are refused with their line: a scenario is read by people, and each
     * value stands where it is written. (SnakeYAML's event stream is read for these because Jackson
     * drops the anchors of scalars.)
     *
     * @throws org.yaml.snakeyaml.error.YAMLException for malformed YAML found by that first pass
     */
    static YamlNode parse(String yaml) throws IOException, SyntaxError {
        refuseAnchorsAliasesAndDocuments(yaml);
        try (JsonParser parser = new YAMLFactory().createParser(yaml)) {
            JsonToken token = parser.nextToken();
            if (token == null) {
                return new Mapping(Map.of(), 1);
            }
            return read(parser, token);
        }
    }

    private static void refuseAnchorsAliasesAndDocuments(String yaml) throws SyntaxError {
        int documents = 0;
        for (Event event : new Yaml().parse(new StringReader(yaml))) {
            int line = event.getStartMark() == null ? 0 : event.getStartMark().getLine() + 1;
            if (event instanceof DocumentStartEvent && ++documents > 1) {
                throw new SyntaxError(
                        line, "", "a second YAML document starts here; a scenario file holds one document");
            }
            if (event instanceof AliasEvent alias) {
                throw new SyntaxError(
                        line, "", "YAML alias '*" + alias.getAnchor() + "' is not supported: write the value out");
            }
            if (event instanceof NodeEvent node && node.getAnchor() != null) {
                throw new SyntaxError(
                        line,
                        "",
                        "YAML anchor '&" + node.getAnchor() + "' is not supported: write each value where it is used");
            }
        }
    }

    private static YamlNode read(JsonParser parser, JsonToken token) throws IOException, SyntaxError {
        int line = parser.currentTokenLocation().getLineNr();
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
