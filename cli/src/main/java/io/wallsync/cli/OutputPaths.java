package io.wallsync.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Checks the output paths of a command before it does any work, so a typo in {@code --csv} is a
 * usage error at once instead of a runtime error after a long run: a file's directory exists and
 * is writable and the file is not a directory; a directory that does not exist yet has a writable
 * parent; no two options name the same path.
 */
final class OutputPaths {
    private final Map<Path, String> seen = new HashMap<>();

    /**
     * An output file; absent options ({@code null}) pass.
     *
     * @throws IllegalArgumentException naming the option, the path and what is wrong
     */
    void file(String option, Path file) {
        if (file == null) {
            return;
        }
        String what = option + " " + file;
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException(what + ": is a directory; expected a file name");
        }
        if (Files.exists(file)) {
            if (!Files.isWritable(file)) {
                throw new IllegalArgumentException(what + ": the file exists and is not writable");
            }
        } else {
            writableDirectory(what, parentOf(file));
        }
        once(option, file);
    }

    /**
     * An output directory, created if it does not exist (its parent must).
     *
     * @throws IllegalArgumentException naming the option, the path and what is wrong
     */
    void directory(String option, Path dir) {
        if (dir == null) {
            return;
        }
        String what = option + " " + dir;
        if (Files.exists(dir)) {
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException(what + ": exists and is not a directory; expected a directory");
            }
            if (!Files.isWritable(dir)) {
                throw new IllegalArgumentException(what + ": the directory is not writable");
            }
        } else {
            writableDirectory(what, parentOf(dir));
        }
        once(option, dir);
    }

    private static Path parentOf(Path p) {
        Path parent = p.toAbsolutePath().normalize().getParent();
        return parent == null ? p.toAbsolutePath().getRoot() : parent;
    }

    private static void writableDirectory(String what, Path dir) {
        if (!Files.exists(dir)) {
            throw new IllegalArgumentException(what + ": directory " + dir + " does not exist");
        }
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(what + ": " + dir + " is not a directory");
        }
        if (!Files.isWritable(dir)) {
            throw new IllegalArgumentException(what + ": directory " + dir + " is not writable");
        }
    }

    private void once(String option, Path p) {
        String other = seen.putIfAbsent(p.toAbsolutePath().normalize(), option);
        if (other != null) {
            throw new IllegalArgumentException(option + " " + p + ": " + other + " writes the same path; expected"
                    + " a different file for each output");
        }
    }
}
