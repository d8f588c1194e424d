package io.wallsync.sim.scenario;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Checks on the raw text of a scenario before the YAML parser sees it, each reported as
 * FILE:LINE: the size, binary content (NUL bytes, bytes that are not UTF-8) and tabs in the
 * indentation, which the YAML parser reports in its own terms or at another line.
 */
final class ScenarioText {
    /** Largest scenario file read; the embedded {@code large} scenario is under 2 KiB. */
    static final int MAX_BYTES = 1 << 20;

    private ScenarioText() {}

    /** The size limit in words, for messages and docs. */
    static String limit() {
        return "at most 1 MiB (" + MAX_BYTES + " bytes)";
    }

    /** Decodes strict UTF-8 (a leading byte-order mark is dropped), refusing NUL bytes. */
    static String decode(String file, byte[] bytes) throws ScenarioException {
        if (bytes.length > MAX_BYTES) {
            throw new ScenarioException(
                    file, 0, "", "the file is larger than " + MAX_BYTES + " bytes; a scenario is " + limit());
        }
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                throw new ScenarioException(
                        file, lineAt(bytes, i), "", "a NUL byte: this is a binary file, expected YAML text");
            }
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            throw new ScenarioException(
                    file,
                    lineAt(bytes, in.position()),
                    "",
                    String.format(
                            "byte 0x%02x at offset %d is not UTF-8: expected YAML text in UTF-8",
                            bytes[in.position()] & 0xff, in.position()));
        }
        decoder.flush(out);
        String text = out.flip().toString();
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    /** Refuses NUL characters and tabs in the indentation. */
    static void checkLayout(String file, String text) throws ScenarioException {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int number = i + 1;
            if (line.indexOf('\0') >= 0) {
                throw new ScenarioException(file, number, "", "a NUL character: expected YAML text");
            }
            int indent = 0;
            while (indent < line.length() && (line.charAt(indent) == ' ' || line.charAt(indent) == '\t')) {
                indent++;
            }
            String rest = line.substring(indent).strip();
            int tab = line.substring(0, indent).indexOf('\t');
            if (tab >= 0 && !rest.isEmpty() && !rest.startsWith("#")) {
                throw new ScenarioException(
                        file,
                        number,
                        "",
                        "a tab in the indentation (column " + (tab + 1) + "); YAML indents with spaces only");
            }
        }
    }

    private static int lineAt(byte[] bytes, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (bytes[i] == '\n') {
                line++;
            }
        }
        return line;
    }
}
