package io.wallsync.adapters.page;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;

/**
 * The directory that holds the page files: {@code /run/wallsync} when /run is writable, else
 * {@code $XDG_RUNTIME_DIR/wallsync}. The daemon creates it with mode 0755 and refuses one that is a
 * symlink, is not a directory, or is writable by group or others (anyone who can write there could
 * swap a page file under the readers).
 */
public final class PageDirectory {
    public static final Set<PosixFilePermission> DIRECTORY_MODE = PosixFilePermissions.fromString("rwxr-xr-x");

    private PageDirectory() {}

    /** The default directory for this process, given its environment. */
    public static Path defaultDirectory() {
        return defaultDirectory(System.getenv(), Path.of("/run"));
    }

    /** The default directory: {@code <run>/wallsync} if {@code run} is writable, else XDG_RUNTIME_DIR. */
    static Path defaultDirectory(Map<String, String> env, Path run) {
        if (Files.isDirectory(run) && Files.isWritable(run)) {
            return run.resolve("wallsync");
        }
        String xdg = env.get("XDG_RUNTIME_DIR");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg).resolve("wallsync");
        }
        return run.resolve("wallsync");
    }

    /**
     * Creates {@code dir} (and missing parents) with mode 0755, or checks an existing one.
     *
     * @throws UnsafeDirectoryException if the path exists as something a page directory must not be
     */
    public static void ensure(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir);
            // createDirectories applies the umask; set the mode the readers rely on explicitly.
            Files.setPosixFilePermissions(dir, DIRECTORY_MODE);
            return;
        }
        PosixFileAttributes attrs = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (attrs.isSymbolicLink()) {
            throw new UnsafeDirectoryException(dir + " is a symbolic link; a page directory must be a real directory");
        }
        if (!attrs.isDirectory()) {
            throw new UnsafeDirectoryException(dir + " exists and is not a directory");
        }
        Set<PosixFilePermission> perms = attrs.permissions();
        if (perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new UnsafeDirectoryException(dir + " has mode " + PosixFilePermissions.toString(perms)
                    + ": writable by group or others; expected rwxr-xr-x");
        }
    }

    /** A page directory that must not be used as it is. */
    public static final class UnsafeDirectoryException extends IOException {
        private static final long serialVersionUID = 1L;

        public UnsafeDirectoryException(String message) {
            super(message);
        }
    }
}
