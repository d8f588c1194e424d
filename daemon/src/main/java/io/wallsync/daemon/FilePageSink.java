package io.wallsync.daemon;

import io.wallsync.adapters.page.DomainName;
import io.wallsync.adapters.page.PageDirectory;
import io.wallsync.adapters.page.PageFile;
import io.wallsync.core.page.PageExtensionLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.Optional;

/**
 * Page files in one directory ({@code serve}): {@code DIR/NAME.page}, created by {@link PageFile}
 * (temporary file + atomic rename, never following links), with the directory locked for the
 * daemon's life ({@link DirectoryLock}).
 *
 * <p>Damage is looked for through a second, read-only file descriptor, never through the mapping:
 * the path must still name the inode this daemon mapped, that inode must still be 4096 bytes
 * (fstat), and its magic (a positional read) must still be there. Only then may the writer touch
 * the mapping; a mapped file truncated under it would fault on the next store.
 */
public final class FilePageSink implements PageSink {
    private final Path dir;
    private volatile DirectoryLock lock;

    private FilePageSink(Path dir, DirectoryLock lock) {
        this.dir = dir;
        this.lock = lock;
    }

    /**
     * Creates or checks {@code dir} and takes its lock.
     *
     * @throws DirectoryLock.LockedException if another daemon holds the directory
     */
    public static FilePageSink lock(Path dir) throws IOException {
        PageDirectory.ensure(dir);
        return new FilePageSink(dir, DirectoryLock.acquire(dir));
    }

    @Override
    public Optional<String> keepExclusive() throws IOException {
        DirectoryLock held = lock;
        if (held.stillNamed()) {
            return Optional.empty();
        }
        lock = DirectoryLock.acquire(dir); // LockedException: a second daemon took the directory
        held.close();
        return Optional.of("lock file " + held.path() + " was deleted or replaced: locked the directory again");
    }

    @Override
    public Page open(DomainName domain) throws IOException {
        return new FilePage(PageFile.openForWriting(dir, domain));
    }

    @Override
    public Page create(DomainName domain) throws IOException {
        return new FilePage(PageFile.create(dir, domain));
    }

    @Override
    public boolean sharedWithOthers() {
        return true;
    }

    @Override
    public Optional<Path> directory() {
        return Optional.of(dir);
    }

    @Override
    public void close() {
        try {
            lock.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release " + lock.path(), e);
        }
    }

    private static final class FilePage implements Page {
        private final PageFile file;
        private FileChannel check;
        private Object fileKey;

        FilePage(PageFile file) throws IOException {
            this.file = file;
            if (file.reused()) {
                watch();
            }
        }

        /** Opens the checking descriptor on the inode now at the page's path. */
        private void watch() throws IOException {
            check = FileChannel.open(file.path(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
            fileKey = Files.readAttributes(file.path(), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .fileKey();
        }

        @Override
        public MemorySegment segment() {
            return file.segment();
        }

        @Override
        public boolean reused() {
            return file.reused();
        }

        @Override
        public void publish() throws IOException {
            file.publish();
            if (check == null) {
                watch();
            }
        }

        @Override
        public Optional<String> damage() throws IOException {
            BasicFileAttributes attrs;
            try {
                attrs = Files.readAttributes(file.path(), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                return Optional.of("deleted");
            }
            if (!attrs.isRegularFile() || !Objects.equals(attrs.fileKey(), fileKey)) {
                return Optional.of("replaced by another file");
            }
            long size = check.size();
            if (size != PageExtensionLayout.PAGE_SIZE) {
                return Optional.of("truncated to " + size + " bytes (expected " + PageExtensionLayout.PAGE_SIZE + ")");
            }
            ByteBuffer magic = ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            while (magic.hasRemaining()) {
                if (check.read(magic, PageExtensionLayout.MAGIC_OFFSET + magic.position()) < 0) {
                    return Optional.of("truncated while being checked");
                }
            }
            int found = magic.getInt(0);
            if (found != PageExtensionLayout.MAGIC) {
                return Optional.of(
                        String.format("overwritten: magic 0x%08x (expected 0x%08x)", found, PageExtensionLayout.MAGIC));
            }
            return Optional.empty();
        }

        @Override
        public void delete() throws IOException {
            close();
            file.delete();
        }

        @Override
        public String where() {
            return file.path().toString();
        }

        @Override
        public void close() {
            file.close();
            if (check != null) {
                try {
                    check.close();
                } catch (IOException e) {
                    // A read-only descriptor: nothing was buffered, nothing is lost.
                }
            }
        }
    }
}
