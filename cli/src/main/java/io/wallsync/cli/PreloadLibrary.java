package io.wallsync.cli;

import io.wallsync.client.BundledLibrary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where {@code wallsync run} finds libwallsync-preload.so (docs/run.md, "Where the library comes
 * from"): {@code --library PATH}, else where {@link BundledLibrary} finds it (next to the running
 * jar, else the jar's copy extracted to a private cache).
 */
final class PreloadLibrary {
    static final BundledLibrary LIBRARY = new BundledLibrary("libwallsync-preload.so", PreloadLibrary.class);

    private PreloadLibrary() {}

    /** The library to preload: an existing file, or IOException saying why there is none. */
    static Path locate(Optional<Path> explicit, Map<String, String> env) throws IOException {
        if (explicit.isPresent()) {
            Path p = explicit.get().toAbsolutePath();
            if (!Files.isRegularFile(p)) {
                throw new IOException("--library " + p + ": no such file");
            }
            return p;
        }
        Optional<Path> found = LIBRARY.locate(env);
        if (found.isEmpty()) {
            throw new IOException("this build has no preload library for " + System.getProperty("os.arch")
                    + " (resource " + LIBRARY.resourceName() + "); give one with --library PATH");
        }
        return found.get();
    }
}
