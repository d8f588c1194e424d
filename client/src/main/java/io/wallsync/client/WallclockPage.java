package io.wallsync.client;

import static io.wallsync.core.page.PageExtensionLayout.*;

import io.wallsync.core.page.ClockStatus;
import io.wallsync.core.page.PageLeapIndicator;
import io.wallsync.core.page.PushReason;
import io.wallsync.core.port.MonotonicClock;
import io.wallsync.core.xen.SharedInfoLayout;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Reads a wallsync page (see {@link io.wallsync.core.page.PageExtensionLayout}) mapped read-only:
 * wall time = wc (Xen wc_sec_hi:wc_sec, wc_nsec) + CLOCK_MONOTONIC, with no system call beyond the
 * monotonic clock ({@link System#nanoTime()}, which is clock_gettime(CLOCK_MONOTONIC) on Linux).
 *
 * <p>Reads never hang and never return a torn or silently stale time: a seqlock that stays odd
 * longer than {@link ReaderOptions#maxWriterWait()} gives {@link Reading.WriterStuck}; a daemon
 * heartbeat older than {@link ReaderOptions#staleAfter()} gives {@link Reading.Stale}. The
 * {@link InstantSource} methods throw {@link WallclockUnavailableException} in those cases;
 * {@link #read()} returns them as values.
 *
 * <p>Thread-safe: reads touch only the shared mapping. Step listeners are called from the thread
 * that calls {@link #pollSteps()} (or the {@link #watchSteps} thread).
 */
public final class WallclockPage implements InstantSource, AutoCloseable {
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = U32.varHandle();
    private static final VarHandle LONG = U64.varHandle();
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** Spins between two looks at the clock while waiting for an odd seqlock. */
    private static final int SPINS_PER_CLOCK_CHECK = 256;

    private final Path path;
    private final Arena arena;
    private final MemorySegment page;
    private final MonotonicClock monotonic;
    private final long staleAfterNs;
    private final long maxWriterWaitNs;
    private final List<StepListener> listeners = new CopyOnWriteArrayList<>();
    private final Object stepLock = new Object();
    private long lastGeneration;
    private long lastWallclockNs;

    private WallclockPage(Path path, Arena arena, MemorySegment page, MonotonicClock monotonic, ReaderOptions options) {
        this.path = path;
        this.arena = arena;
        this.page = page;
        this.monotonic = monotonic;
        int periodMs = (int) INT.getAcquire(page, (long) HEARTBEAT_PERIOD_MS_OFFSET);
        this.staleAfterNs = options.staleAfter() != null
                ? options.staleAfter().toNanos()
                : Math.max(1_000_000_000L, 3L * Integer.toUnsignedLong(periodMs) * 1_000_000L);
        this.maxWriterWaitNs = options.maxWriterWait().toNanos();
    }

    /** Maps {@code path} read-only with default options and {@link System#nanoTime()}. */
    public static WallclockPage open(Path path) throws IOException {
        return open(path, ReaderOptions.defaults());
    }

    public static WallclockPage open(Path path, ReaderOptions options) throws IOException {
        return open(path, options, System::nanoTime);
    }

    /**
     * Maps {@code path} read-only and checks the header.
     *
     * @param monotonic CLOCK_MONOTONIC in ns; tests pass their own
     * @throws PageFormatException if the file is not a wallsync page this reader understands
     */
    public static WallclockPage open(Path path, ReaderOptions options, MonotonicClock monotonic) throws IOException {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(monotonic, "monotonic");
        requireRegularFile(path);
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < PAGE_SIZE) {
                throw new PageFormatException(path + " has " + size + " bytes; a wallsync page has " + PAGE_SIZE);
            }
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, PAGE_SIZE, arena);
            int magic = (int) INT.getAcquire(seg, (long) MAGIC_OFFSET);
            if (magic != MAGIC) {
                throw new PageFormatException(String.format(
                        "%s: magic is 0x%08x, expected 0x%08x (\"WYNC\"); not a wallsync page", path, magic, MAGIC));
            }
            int version = Short.toUnsignedInt(seg.get(U16, LAYOUT_VERSION_OFFSET));
            if (version != LAYOUT_VERSION) {
                throw new PageFormatException(
                        path + ": layout version " + version + ", this reader understands " + LAYOUT_VERSION);
            }
            return start(new WallclockPage(path, arena, seg, monotonic, options));
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Refuses anything but a regular file before opening it: open(2) of a FIFO for reading blocks
     * until a writer appears, and a directory or a device is no page. (Symbolic links are followed.)
     *
     * @throws PageFormatException naming the kind of file found
     */
    static void requireRegularFile(Path path) throws IOException {
        // st_mode's file type bits (S_IFMT, include/uapi/linux/stat.h).
        int mode = (int) Files.getAttribute(path, "unix:mode");
        String kind = switch (mode & 0170000) {
            case 0100000 -> null; // S_IFREG
            case 0040000 -> "a directory";
            case 0010000 -> "a FIFO (named pipe)";
            case 0020000 -> "a character device";
            case 0060000 -> "a block device";
            case 0140000 -> "a socket";
            default -> String.format("a file of type 0%o", mode & 0170000);
        };
        if (kind != null) {
            throw new PageFormatException(path + " is " + kind + ", not a wallsync page (a regular file of at least "
                    + PAGE_SIZE + " bytes written by wallsync serve)");
        }
    }

    /**
     * A reader over a page the caller already mapped (or shares in memory, as the jcstress tests
     * do). The caller keeps the segment alive; {@link #close()} does not unmap it.
     *
     * @throws PageFormatException if the segment does not hold a wallsync page this reader understands
     */
    public static WallclockPage wrap(MemorySegment page, ReaderOptions options, MonotonicClock monotonic)
            throws PageFormatException {
        if (page.byteSize() < PAGE_SIZE) {
            throw new PageFormatException(
                    "segment has " + page.byteSize() + " bytes; a wallsync page has " + PAGE_SIZE);
        }
        int magic = (int) INT.getAcquire(page, (long) MAGIC_OFFSET);
        if (magic != MAGIC) {
            throw new PageFormatException(
                    String.format("magic is 0x%08x, expected 0x%08x (\"WYNC\"); not a wallsync page", magic, MAGIC));
        }
        return start(new WallclockPage(null, null, page, monotonic, options));
    }

    private static WallclockPage start(WallclockPage reader) {
        reader.lastGeneration = reader.status().stepGeneration();
        reader.lastWallclockNs = reader.wallclockNs();
        return reader;
    }

    /** How old the heartbeat may be before a read is {@link Reading.Stale}. */
    public Duration staleAfter() {
        return Duration.ofNanos(staleAfterNs);
    }

    /** The mapped file, or null for a {@link #wrap wrapped} segment. */
    public Path path() {
        return path;
    }

    /** One read as a value: {@link Reading.Valid}, {@link Reading.Stale} or {@link Reading.WriterStuck}. */
    public Reading read() {
        long startNs = 0;
        int spins = 0;
        int version;
        while (true) {
            version = (int) INT.getAcquire(page, (long) SharedInfoLayout.WC_VERSION_OFFSET);
            if ((version & 1) == 0) {
                // Xen reader (and pvclock_read_wallclock): fields after the acquire of an even version...
                int secLo = page.get(U32, SharedInfoLayout.WC_SEC_OFFSET);
                int nsec = page.get(U32, SharedInfoLayout.WC_NSEC_OFFSET);
                int secHi = page.get(U32, SharedInfoLayout.WC_SEC_HI_OFFSET);
                // ...and the re-read of the version after them: loadLoadFence forbids the field loads
                // above from being satisfied after the version load below (StampedLock.validate).
                VarHandle.loadLoadFence();
                if ((int) INT.get(page, (long) SharedInfoLayout.WC_VERSION_OFFSET) == version) {
                    long nowNs = monotonic.nanos();
                    long wcSeconds = ((long) secHi << 32) | Integer.toUnsignedLong(secLo);
                    long wallNs = wcSeconds * NANOS_PER_SECOND + Integer.toUnsignedLong(nsec) + nowNs;
                    long heartbeatNs = (long) LONG.getAcquire(page, (long) HEARTBEAT_MONOTONIC_NS_OFFSET);
                    long ageNs = nowNs - heartbeatNs;
                    if (ageNs > staleAfterNs) {
                        return new Reading.Stale(
                                Duration.ofNanos(ageNs), Duration.ofNanos(staleAfterNs), wallNs, nowNs);
                    }
                    return new Reading.Valid(wallNs, nowNs, version);
                }
            }
            Reading stuck = spinOrGiveUp(++spins, startNs, "wc_version", version);
            if (stuck != null) {
                return stuck;
            }
            if (spins == SPINS_PER_CLOCK_CHECK) {
                startNs = System.nanoTime();
            }
        }
    }

    private Reading spinOrGiveUp(int spins, long startNs, String lock, int version) {
        if (spins < SPINS_PER_CLOCK_CHECK || spins % SPINS_PER_CLOCK_CHECK != 0) {
            Thread.onSpinWait();
            return null;
        }
        if (spins == SPINS_PER_CLOCK_CHECK) {
            return null; // the caller starts the clock now
        }
        // Real elapsed time, not the injected clock: a frozen or broken clock must not make a
        // reader wait forever.
        long waitedNs = System.nanoTime() - startNs;
        if (waitedNs > maxWriterWaitNs) {
            return new Reading.WriterStuck(lock, version, Duration.ofNanos(waitedNs));
        }
        Thread.yield();
        return null;
    }

    /** Wall time in nanoseconds since the epoch; the fast path of {@link #instant()}. */
    public long wallTimeNs() {
        Reading r = read();
        if (r instanceof Reading.Valid v) {
            return v.wallTimeNs();
        }
        throw new WallclockUnavailableException(r);
    }

    @Override
    public Instant instant() {
        long ns = wallTimeNs();
        return Instant.ofEpochSecond(Math.floorDiv(ns, NANOS_PER_SECOND), Math.floorMod(ns, NANOS_PER_SECOND));
    }

    @Override
    public long millis() {
        return Math.floorDiv(wallTimeNs(), 1_000_000L);
    }

    /** This page as a {@link Clock} in UTC. */
    public Clock clock() {
        return withZone(ZoneOffset.UTC);
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return InstantSource.super.withZone(zone);
    }

    /**
     * The wallclock W itself: wall time at CLOCK_MONOTONIC = 0 in ns since the epoch (this domain's
     * offset included), read with the wc seqlock. Not subject to the heartbeat check.
     *
     * @throws WallclockUnavailableException if wc_version stays odd past the bounded wait
     */
    public long wallclockNs() {
        Reading r = read();
        return switch (r) {
            case Reading.Valid v -> v.wallTimeNs() - v.monotonicNs();
            case Reading.Stale s -> s.unvouchedWallTimeNs() - s.monotonicNs();
            case Reading.WriterStuck w -> throw new WallclockUnavailableException(w);
        };
    }

    /**
     * A consistent snapshot of the extension.
     *
     * @throws WallclockUnavailableException if seq_count stays odd past the bounded wait
     */
    public PageStatus status() {
        long startNs = 0;
        int spins = 0;
        while (true) {
            int seq = (int) INT.getAcquire(page, (long) SEQ_COUNT_OFFSET);
            if ((seq & 1) == 0) {
                int clockStatus = Byte.toUnsignedInt(page.get(ValueLayout.JAVA_BYTE, CLOCK_STATUS_OFFSET));
                int leap = Byte.toUnsignedInt(page.get(ValueLayout.JAVA_BYTE, LEAP_INDICATOR_OFFSET));
                short tai = page.get(U16, TAI_OFFSET_SEC_OFFSET);
                long generation = page.get(U64, DISRUPTION_MARKER_OFFSET);
                long flags = page.get(U64, FLAGS_OFFSET);
                long estErr = page.get(U64, TIME_ESTERROR_NANOSEC_OFFSET);
                long maxErr = page.get(U64, TIME_MAXERROR_NANOSEC_OFFSET);
                long lastPush = page.get(U64, LAST_PUSH_MONOTONIC_NS_OFFSET);
                int reason = page.get(U32, LAST_PUSH_REASON_OFFSET);
                int offset = page.get(U32, TIME_OFFSET_SEC_OFFSET);
                // Field loads must not move after the seq_count re-read below.
                VarHandle.loadLoadFence();
                if ((int) INT.get(page, (long) SEQ_COUNT_OFFSET) == seq) {
                    long heartbeat = (long) LONG.getAcquire(page, (long) HEARTBEAT_MONOTONIC_NS_OFFSET);
                    int periodMs = (int) INT.getAcquire(page, (long) HEARTBEAT_PERIOD_MS_OFFSET);
                    int pid = (int) INT.getAcquire(page, (long) WRITER_PID_OFFSET);
                    return new PageStatus(
                            ClockStatus.ofCode(clockStatus),
                            PageLeapIndicator.ofCode(leap),
                            (flags & FLAG_TAI_OFFSET_VALID) != 0 ? OptionalInt.of(tai) : OptionalInt.empty(),
                            generation,
                            (flags & FLAG_TIME_ESTERROR_VALID) != 0 ? OptionalLong.of(estErr) : OptionalLong.empty(),
                            (flags & FLAG_TIME_MAXERROR_VALID) != 0 ? OptionalLong.of(maxErr) : OptionalLong.empty(),
                            lastPush,
                            PushReason.ofCode(reason),
                            offset,
                            Duration.ofNanos(monotonic.nanos() - heartbeat),
                            Duration.ofMillis(Integer.toUnsignedLong(periodMs)),
                            Integer.toUnsignedLong(pid));
                }
            }
            Reading stuck = spinOrGiveUp(++spins, startNs, "seq_count", seq);
            if (stuck != null) {
                throw new WallclockUnavailableException(stuck);
            }
            if (spins == SPINS_PER_CLOCK_CHECK) {
                startNs = System.nanoTime();
            }
        }
    }

    /** Registers a listener for step generation changes; the returned handle removes it. */
    public AutoCloseable onStep(StepListener listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /**
     * Looks at the step generation once; if it changed since the last look, calls every listener
     * with the change and returns the event.
     */
    public java.util.Optional<StepEvent> pollSteps() {
        StepEvent event;
        synchronized (stepLock) {
            PageStatus status = status();
            if (status.stepGeneration() == lastGeneration) {
                return java.util.Optional.empty();
            }
            // The daemon writes wc before the generation, so this wc belongs to the new generation.
            long wallclockNs = wallclockNs();
            event = new StepEvent(
                    lastGeneration, status.stepGeneration(), wallclockNs - lastWallclockNs, status.lastPushReason());
            lastGeneration = status.stepGeneration();
            lastWallclockNs = wallclockNs;
        }
        for (StepListener l : listeners) {
            l.onStep(event);
        }
        return java.util.Optional.of(event);
    }

    /**
     * Starts a virtual thread that calls {@link #pollSteps()} every {@code interval} until the
     * returned handle is closed.
     */
    public AutoCloseable watchSteps(Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval " + interval + " must be positive");
        }
        Thread t = Thread.ofVirtual().name("wallsync-step-watch").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    pollSteps();
                    Thread.sleep(interval);
                } catch (InterruptedException e) {
                    return;
                } catch (WallclockUnavailableException e) {
                    // A stuck writer: keep watching; the next poll may see a repaired page.
                    try {
                        Thread.sleep(interval);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        });
        return () -> {
            t.interrupt();
            t.join();
        };
    }

    /** Unmaps the page. Reads after close fail with IllegalStateException. */
    @Override
    public void close() {
        if (arena != null && arena.scope().isAlive()) {
            arena.close();
        }
    }
}
