package io.wallsync.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * One daemon per page directory: an exclusive lock ({@code fcntl} F_SETLK through
 * {@link FileChannel#tryLock()}) on {@code DIR/.lock}, held for the daemon's life, with the
 * holder's pid written into the file so a refused second daemon can name it. The kernel drops the
 * lock when the holder dies, however it dies, so a stale file never blocks a restart.
 */
public final class DirectoryLock implements AutoCloseable {
    public static final String FILE_NAME = ".lock";

    private final Path path;
    private final FileChannel channel;
    private final FileLock lock;
    /** "unix:dev" and "unix:ino" of the locked file, looked up right after locking. */
    private final Object device;

    private final Object inode;

    private DirectoryLock(Path path, FileChannel channel, FileLock lock) throws IOException {
        this.path = path;
        this.channel = channel;
        this.lock = lock;
        this.device = Files.getAttribute(path, "unix:dev", LinkOption.NOFOLLOW_LINKS);
        this.inode = Files.getAttribute(path, "unix:ino", LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Whether {@code DIR/.lock} still names the file this lock is on. If someone deleted or
     * replaced it, the lock still holds on the old inode but guards nothing: a second daemon would
     * create a new file and lock that.
     */
    public boolean stillNamed() {
        try {
            return device.equals(Files.getAttribute(path, "unix:dev", LinkOption.NOFOLLOW_LINKS))
                    && inode.equals(Files.getAttribute(path, "unix:ino", LinkOption.NOFOLLOW_LINKS));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Takes the lock of {@code dir} (which must exist) for this process.
     *
     * @throws LockedException if another daemon (or another sink in this process) holds it
     */
    public static DirectoryLock acquire(Path dir) throws IOException {
        Path path = dir.resolve(FILE_NAME);
        FileChannel channel = FileChannel.open(
                path,
                Set.of(
                        StandardOpenOption.CREATE,
                        StandardOpenOption.READ,
                        StandardOpenOption.WRITE,
                        LinkOption.NOFOLLOW_LINKS),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
        try {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by this very process (another sink on the same directory)
            }
            if (lock == null) {
                throw new LockedException(dir, holder(channel));
            }
            long pid = ProcessHandle.current().pid();
            channel.truncate(0);
            ByteBuffer text = ByteBuffer.wrap((pid + "\n").getBytes(StandardCharsets.US_ASCII));
            while (text.hasRemaining()) {
                channel.write(text, text.position());
            }
            channel.force(false);
            return new DirectoryLock(path, channel, lock);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The pid written by the holder, or "unknown" if the file holds no pid. */
    private static String holder(FileChannel channel) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(32);
        int n = channel.read(buf, 0);
        String text = n <= 0 ? "" : new String(buf.array(), 0, n, StandardCharsets.US_ASCII).strip();
        return text.matches("[0-9]{1,10}") ? text : "unknown";
    }

    public Path path() {
        return path;
    }

    /** Releases the lock; the file stays (the next daemon overwrites the pid). A second close does nothing. */
    @Override
    public void close() throws IOException {
        if (!channel.isOpen()) {
            return;
        }
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }

    /** Another daemon holds the directory. */
    public static final class LockedException extends IOException {
        private static final long serialVersionUID = 1L;

        private final String holderPid;

        LockedException(Path dir, String holderPid) {
            super("page directory " + dir + " is in use by another wallsync serve (pid " + holderPid + ", lock "
                    + dir.resolve(FILE_NAME) + "): stop it first, or use another --dir");
            this.holderPid = holderPid;
        }

        /** The holder's pid as written in the lock file, or "unknown". */
        public String holderPid() {
            return holderPid;
        }
    }
}
