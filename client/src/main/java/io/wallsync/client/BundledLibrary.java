package io.wallsync.client;

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
 * A native library that ships inside the jar (resource {@code native/linux-<os.arch>/NAME}) and
 * that a package installs next to the jar: the preload library of {@code wallsync run}
 * (docs/run.md) and the TSC helper of {@link TscCounter} (docs/counter.md). One behaviour for both,
 * in this order:
 *
 * <ol>
 *   <li>{@code NAME} in the directory of the running jar (what a package installs; nothing is
 *       extracted and containers can bind-mount a fixed path);
 *   <li>the copy inside the jar, extracted once to a private cache: {@code $XDG_CACHE_HOME/wallsync},
 *       else {@code $HOME/.cache/wallsync}, else {@code <java.io.tmpdir>/wallsync-<uid>}; the
 *       directory is created 0700 and refused unless it is a real directory owned by this user and
 *       closed to group and others, so nobody else can swap the file between the check and the
 *       dynamic loader's open. The file is named by its SHA-256 (versions side by side, never
 *       overwritten while a process uses it), written under a temporary name (O_EXCL, 0600), made
 *       0500 and renamed into place atomically; an existing copy is reused only if its hash matches.
 * </ol>
 */
public final class BundledLibrary {
    private static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> LIBRARY_MODE = PosixFilePermissions.fromString("r-x------");

    private final String fileName;
    private final Class<?> anchor;

    /**
     * @param fileName the library's file name, {@code lib<stem>.so}
     * @param anchor a class of the jar that carries the library: its jar is "the running jar" and its
     *     class loader finds the resource
     */
    public BundledLibrary(String fileName, Class<?> anchor) {
        if (!fileName.matches("lib[A-Za-z0-9_-]+\\.so")) {
            throw new IllegalArgumentException("library file name must be lib<name>.so, got " + fileName);
        }
        this.fileName = fileName;
        this.anchor = anchor;
    }

    public String fileName() {
        return fileName;
    }

    /** {@code native/linux-<os.arch>/NAME}: where the build puts the library inside the jar. */
    public String resourceName() {
        return "native/linux-" + System.getProperty("os.arch") + "/" + fileName;
    }

    /**
     * The library beside the running jar, else the jar's copy extracted to the private cache of
     * {@link #cacheDirectory(Map)}; empty when this build carries none for this os.arch.
     *
     * @throws IOException when the cache directory is unsafe or the copy cannot be written
     */
    public Optional<Path> locate(Map<String, String> env) throws IOException {
        Optional<Path> beside = besideJar();
        if (beside.isPresent()) {
            return beside;
        }
        byte[] bytes;
        try (InputStream in = anchor.getClassLoader().getResourceAsStream(resourceName())) {
            if (in == null) {
                return Optional.empty();
            }
            bytes = in.readAllBytes();
        }
        return Optional.of(extract(bytes, cacheDirectory(env)));
    }

    /** {@code NAME} in the directory of the jar that holds the anchor class, if both exist. */
    public Optional<Path> besideJar() {
        try {
            var source = anchor.getProtectionDomain().getCodeSource();
            if (source == null) {
                return Optional.empty();
            }
            Path jar = Path.of(source.getLocation().toURI());
            if (!Files.isRegularFile(jar)) {
                return Optional.empty(); // a classes directory (tests): use the resource
            }
            Path lib = jar.toAbsolutePath().resolveSibling(fileName);
            return Files.isRegularFile(lib) ? Optional.of(lib) : Optional.empty();
        } catch (URISyntaxException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** {@code $XDG_CACHE_HOME/wallsync}, else {@code $HOME/.cache/wallsync}, else {@code <tmpdir>/wallsync-<uid>}. */
    public static Path cacheDirectory(Map<String, String> env) throws IOException {
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

    /** Writes {@code bytes} to {@code dir}/lib&lt;stem&gt;-HASH.so unless a good copy is there. */
    public Path extract(byte[] bytes, Path dir) throws IOException {
        privateDirectory(dir);
        String stem = fileName.substring("lib".length(), fileName.length() - ".so".length());
        String hash = sha256(bytes);
        Path target = dir.resolve("lib" + stem + "-" + hash.substring(0, 16) + ".so");
        if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)
                && sha256(Files.readAllBytes(target)).equals(hash)) {
            return target;
        }
        Path tmp = Files.createTempFile(dir, "." + stem + "-", ".tmp"); // mode 0600, O_EXCL
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
    private void privateDirectory(Path dir) throws IOException {
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
            throw new IOException("unsafe cache directory " + dir + " for " + fileName + ": expected a real"
                    + " directory owned by uid " + ownUid() + " and not writable by group or others (it is "
                    + (a.isSymbolicLink() ? "a symbolic link" : a.isDirectory() ? "" : "not a directory, ")
                    + (a.isDirectory() ? "owned by uid " + owner + ", mode " + PosixFilePermissions.toString(p) : "")
                    + "); remove it or set XDG_CACHE_HOME");
        }
    }

    /** This process's effective uid: the owner of /proc/self. */
    public static int ownUid() throws IOException {
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
