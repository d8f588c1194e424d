package io.wallsync.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where {@code wallsync run} finds libwallsync-preload.so (docs/run.md, "Where the library comes
 * from"), in this order:
 *
 * <ol>
 *   <li>{@code --library PATH};
 *   <li>{@code libwallsync-preload.so} in the directory of the running jar (what a package installs);
 *   <li>the copy inside the jar (resource {@code native/linux-<os.arch>/libwallsync-preload.so}),
 *       extracted once to a private cache: {@code $XDG_CACHE_HOME/wallsync}, else
 *       {@code $HOME/.cache/wallsync}, else {@code <java.io.tmpdir>/wallsync-<uid>}; the directory is
 *       created 0700 and refused unless it is a real directory owned by this user and closed to
 *       group and others, so nobody else can swap the file between the check and ld.so's open. The
 *       file is named by its SHA-256 (versions side by side, never overwritten in use), written
 *       under a temporary name and renamed into place atomically.
 * </ol>
 */
final class PreloadLibrary {
    static final String FILE_NAME = "libwallsync-preload.so";
    private static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> LIBRARY_MODE = PosixFilePermissions.fromString("r-x------");

    private PreloadLibrary() {}

    static String resourceName() {
        return "native/linux-" + System.getProperty("os.arch") + "/" + FILE_NAME;
    }

    /** The library to preload: an existing file, or IOException saying why there is none. */
    static Path locate(Optional<Path> explicit, Map<String, String> env) throws IOException {
        if (explicit.isPresent()) {
            Path p = explicit.get().toAbsolutePath();
            if (!Files.isRegularFile(p)) {
                throw new IOException("--library " + p + ": no such file");
            }
            return p;
        }
        Optional<Path> beside = besideJar();
        if (beside.isPresent()) {
            return beside.get();
        }
        byte[] bytes;
        try (InputStream in = PreloadLibrary.class.getClassLoader().getResourceAsStream(resourceName())) {
            if (in == null) {
                throw new IOException("this build has no preload library for " + System.getProperty("os.arch")
                        + " (resource " + resourceName() + "); give one with --library PATH");
            }
            bytes = in.readAllBytes();
        }
        return extract(bytes, cacheDirectory(env));
    }

    private static Optional<Path> besideJar() {
        try {
            var source = PreloadLibrary.class.getProtectionDomain().getCodeSource();
            if (source == null) {
                return Optional.empty();
            }
            Path jar = Path.of(source.getLocation().toURI());
            if (!Files.isRegularFile(jar)) {
                return Optional.empty(); // classes directory (tests): use the resource
            }
            Path lib = jar.toAbsolutePath().resolveSibling(FILE_NAME);
            return Files.isRegularFile(lib) ? Optional.of(lib) : Optional.empty();
        } catch (URISyntaxException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    static Path cacheDirectory(Map<String, String> env) throws IOException {
        String xdg = env.get("XDG_CACHE_HOME");
        String home = env.get("HOME");
        if (xdg != null && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "wallsync");
        }
        if (home != null && Path.of(home).isAbsolute() && Files.isDirectory(Path.of(home))) {
            return Path.of(home, ".cache", "wallsync");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "wallsync-" + ownUid());
    }

    /** Writes {@code bytes} to {@code dir}/libwallsync-preload-HASH.so unless a good copy is there. */
    static Path extract(byte[] bytes, Path dir) throws IOException {
        privateDirectory(dir);
        String hash = sha256(bytes);
        Path target = dir.resolve("libwallsync-preload-" + hash.substring(0, 16) + ".so");
        if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)
                && sha256(Files.readAllBytes(target)).equals(hash)) {
            return target;
        }
        Path tmp = Files.createTempFile(dir, ".preload-", ".tmp"); // mode 0600, O_EXCL
        try {
            Files.write(tmp, bytes);
            Files.setPosixFilePermissions(tmp, LIBRARY_MODE);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return target;
    }

    /** Creates {@code dir} 0700, or checks that an existing one is a real, private directory of ours. */
    static void privateDirectory(Path dir) throws IOException {
        Files.createDirectories(dir.getParent());
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
        } catch (FileAlreadyExistsException e) {
            // checked below
        }
        PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        int owner = (int) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        Set<PosixFilePermission> p = a.permissions();
        if (!a.isDirectory()
                || owner != ownUid()
                || p.contains(PosixFilePermission.GROUP_WRITE)
                || p.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IOException("unsafe cache directory " + dir + " for the preload library: expected a real"
                    + " directory owned by uid " + ownUid() + " and not writable by group or others (it is "
                    + (a.isSymbolicLink() ? "a symbolic link" : a.isDirectory() ? "" : "not a directory, ")
                    + (a.isDirectory() ? "owned by uid " + owner + ", mode " + PosixFilePermissions.toString(p) : "")
                    + "); remove it or set XDG_CACHE_HOME");
        }
    }

    /** This process's effective uid: the owner of /proc/self. */
    static int ownUid() throws IOException {
        return (int) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
