package io.wallsync.adapters.page;

import io.wallsync.core.page.PageExtensionLayout;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * One domain's page file, mapped read-write by the daemon.
 *
 * <p>Created safely: a new page is written under a temporary name opened with O_CREAT | O_EXCL |
 * O_NOFOLLOW (CREATE_NEW + NOFOLLOW_LINKS), given mode 0644, sized to 4096 bytes, mapped, filled
 * by the caller, and only then renamed over {@code <dir>/<domain>.page} ({@link #publish()}), so
 * readers never see a half-written page and a planted symlink is replaced, never followed. An
 * existing regular page file of the right size that this user owns is reused in place, so readers
 * that already mapped it see the restarted daemon repair it.
 */
public final class PageFile implements AutoCloseable {
    public static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-r--r--");

    private final Path path;
    private final Path temporary;
    private final Arena arena;
    private final MemorySegment segment;
    private final boolean reused;

    private PageFile(Path path, Path temporary, Arena arena, MemorySegment segment, boolean reused) {
        this.path = path;
        this.temporary = temporary;
        this.arena = arena;
        this.segment = segment;
        this.reused = reused;
    }

    /** The page file path of a domain in a directory. */
    public static Path pathOf(Path dir, DomainName domain) {
        return dir.resolve(domain.pageFileName());
    }

    /**
     * Opens the domain's page for writing: reuses a sound existing page, else prepares a new one
     * under a temporary name. The directory is created (0755) or checked first.
     */
    public static PageFile openForWriting(Path dir, DomainName domain) throws IOException {
        PageDirectory.ensure(dir);
        Path path = pathOf(dir, domain);
        if (reusable(path)) {
            Arena arena = Arena.ofShared();
            try (FileChannel ch = FileChannel.open(
                    path, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                MemorySegment seg = ch.map(FileChannel.MapMode.READ_WRITE, 0, PageExtensionLayout.PAGE_SIZE, arena);
                return new PageFile(path, null, arena, seg, true);
            } catch (IOException | RuntimeException e) {
                arena.close();
                throw e;
            }
        }
        return create(dir, domain);
    }

    /**
     * Prepares a new page for the domain under a temporary name, whatever is at the final path now
     * (a page damaged by someone else is replaced, never reused): {@link #publish()} renames it
     * over the final name atomically. The directory is created (0755) or checked first.
     */
    public static PageFile create(Path dir, DomainName domain) throws IOException {
        PageDirectory.ensure(dir);
        Path path = pathOf(dir, domain);
        Path temporary = dir.resolve(
                "." + domain.pageFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        // A stale temporary from a crashed run of this same pid number; unlink (never follows links).
        Files.deleteIfExists(temporary);
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(
                temporary,
                Set.of(
                        StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.READ,
                        StandardOpenOption.WRITE,
                        LinkOption.NOFOLLOW_LINKS),
                PosixFilePermissions.asFileAttribute(FILE_MODE))) {
            // The create mode is masked by the umask; set 0644 explicitly.
            Files.setPosixFilePermissions(temporary, FILE_MODE);
            ByteBuffer zeros = ByteBuffer.allocate(PageExtensionLayout.PAGE_SIZE);
            while (zeros.hasRemaining()) {
                ch.write(zeros, zeros.position());
            }
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_WRITE, 0, PageExtensionLayout.PAGE_SIZE, arena);
            return new PageFile(path, temporary, arena, seg, false);
        } catch (FileAlreadyExistsException e) {
            arena.close();
            throw new IOException("temporary page " + temporary + " appeared while creating it; another writer?", e);
        } catch (IOException | RuntimeException e) {
            arena.close();
            Files.deleteIfExists(temporary);
            throw e;
        }
    }

    private static boolean reusable(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        PosixFileAttributes attrs = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        return attrs.isRegularFile()
                && attrs.size() == PageExtensionLayout.PAGE_SIZE
                && attrs.owner().equals(Files.getOwner(path.getParent(), LinkOption.NOFOLLOW_LINKS));
    }

    /** The mapped 4096 bytes. */
    public MemorySegment segment() {
        return segment;
    }

    public Path path() {
        return path;
    }

    /** True when an existing page file was reused in place (a daemon restart). */
    public boolean reused() {
        return reused;
    }

    /** Makes a new page visible under its final name (atomic rename); no-op for a reused page. */
    public void publish() throws IOException {
        if (temporary != null && Files.exists(temporary, LinkOption.NOFOLLOW_LINKS)) {
            Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Unmaps the page and removes the file (a domain removed from the daemon). */
    public void delete() throws IOException {
        close();
        Files.deleteIfExists(path);
        if (temporary != null) {
            Files.deleteIfExists(temporary);
        }
    }

    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }
}
