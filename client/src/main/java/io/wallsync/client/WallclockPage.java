package io.wallsync.client;

import static io.wallsync.core.page.PageExtensionLayout.LAYOUT_VERSION;
import static io.wallsync.core.page.PageExtensionLayout.MAGIC;
import static io.wallsync.core.page.PageExtensionLayout.V1_LAYOUT_VERSION;
import static io.wallsync.core.page.PageExtensionLayout.V1_PAGE_SIZE;

import io.wallsync.core.abi.SeqlockRetry;
import io.wallsync.core.page.ExtensionFields;
import io.wallsync.core.page.ExtensionReading;
import io.wallsync.core.page.PageExtension;
import io.wallsync.core.page.PageExtensionLayout;
import io.wallsync.core.port.CycleCounter;
import io.wallsync.core.port.MonotonicClock;
import io.wallsync.core.vmclock.Vmclock;
import io.wallsync.core.vmclock.VmclockLayout;
import io.wallsync.core.vmclock.VmclockReading;
import io.wallsync.core.xen.SharedInfo;
import io.wallsync.core.xen.WallclockReading;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Reads a wallsync page (see {@link io.wallsync.core.page.PageExtensionLayout}) mapped read-only,
 * on one of two paths ({@link #readPath()} says which and why):
 *
 * <ul>
 *   <li><b>counter</b> (page v2 with a calibrated counter, and a counter given to this reader): the
 *       vmclock structure at byte 4096 (Linux vmclock-abi.h) extrapolated from the CPU counter, no
 *       system call at all; {@link #readCounter()} gives the published error bound with the time;
 *   <li><b>monotonic</b> (otherwise): wall time = wc (Xen wc_sec_hi:wc_sec, wc_nsec) +
 *       CLOCK_MONOTONIC ({@link System#nanoTime()}, clock_gettime(CLOCK_MONOTONIC) on Linux).
 * </ul>
 *
 * <p>On the counter path the daemon's liveness is the age of the vmclock reference itself: the
 * daemon republishes counter_value at every heartbeat, so a reference older than {@link
 * #staleAfter()} means the daemon stopped, exactly as an old heartbeat does on the monotonic path.
 * A counter read that finds the structure unusable at that moment (INITIALIZING, UNRELIABLE, being
 * rewritten) falls back to the monotonic path for that read.
 *
 * <p>The seqlock readers are the core codecs' ({@link SharedInfo#readWallclock(SeqlockRetry)} for
 * wc_*, {@link PageExtension#read} for the extension): this class adds only the bounded wait in
 * real time, the heartbeat check and the step listeners.
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
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** Spins between two looks at the clock while waiting for an odd seqlock. */
    private static final int SPINS_PER_CLOCK_CHECK = 256;

    private final Path file;
    private final Arena arena;
    private final SharedInfo sharedInfo;
    private final PageExtension extension;
    private final MonotonicClock monotonic;
    /** The vmclock structure and the counter, both null on the monotonic path. */
    private final Vmclock vmclock;

    private final CycleCounter counter;
    private final ReadPath readPath;
    private final long staleAfterNs;
    private final long maxWriterWaitNs;
    private final List<StepListener> listeners = new CopyOnWriteArrayList<>();
    private final Object stepLock = new Object();
    private long lastGeneration;
    private long lastWallclockNs;
    /** "unix:dev" and "unix:ino" of the mapped file (null for {@link #wrap}): see {@link #replacedOnDisk()}. */
    private Object fileDevice;

    private Object fileInode;

    private long mappedSize;

    private WallclockPage(
            Path path,
            Arena arena,
            MemorySegment page,
            MonotonicClock monotonic,
            ReaderOptions options,
            CycleCounter counter,
            String noCounterWhy) {
        this.file = path;
        this.arena = arena;
        this.sharedInfo = new SharedInfo(page);
        this.extension = new PageExtension(page);
        this.monotonic = monotonic;
        String why = counterPathRefused(page, extension, counter, noCounterWhy);
        this.vmclock = why == null ? Vmclock.ofPage(page) : null;
        this.counter = why == null ? counter : null;
        this.readPath = new ReadPath(why == null, why == null ? "vmclock counter_id " + counterIdOf(page) : why);
        this.staleAfterNs = options.staleAfter() != null
                ? options.staleAfter().toNanos()
                : Math.max(1_000_000_000L, 3L * extension.heartbeatPeriodMs() * 1_000_000L);
        this.maxWriterWaitNs = options.maxWriterWait().toNanos();
    }

    /** Maps {@code path} read-only with default options and {@link System#nanoTime()}. */
    public static WallclockPage open(Path path) throws IOException {
        return open(path, ReaderOptions.defaults());
    }

    /**
     * Maps {@code path} read-only with {@link System#nanoTime()} and, where this host has one, the
     * TSC ({@link TscCounter}) for the counter path; {@link #readPath()} says why not otherwise.
     */
    public static WallclockPage open(Path path, ReaderOptions options) throws IOException {
        return open(path, options, System::nanoTime, HostCounter.COUNTER, HostCounter.WHY_NOT);
    }

    /**
     * This host's TSC, looked for once per JVM (an immutable lazy holder), or null with the reason:
     * the default counter of {@link #open(Path)}.
     */
    private static final class HostCounter {
        static final TscCounter COUNTER;
        static final String WHY_NOT;

        static {
            TscCounter counter = null;
            String why;
            try {
                TscCounter.Availability a = TscCounter.open();
                counter = a.optionalCounter().orElse(null);
                why = a instanceof TscCounter.Unavailable u ? u.reason() : null;
            } catch (IOException | RuntimeException e) {
                why = "the TSC helper cannot be loaded: " + e.getMessage();
            }
            COUNTER = counter;
            WHY_NOT = why;
        }
    }

    /**
     * Maps {@code path} read-only and checks the header.
     *
     * @param monotonic CLOCK_MONOTONIC in ns; tests pass their own
     * @throws PageFormatException if the file is not a wallsync page this reader understands
     */
    public static WallclockPage open(Path path, ReaderOptions options, MonotonicClock monotonic) throws IOException {
        return open(path, options, monotonic, null);
    }

    /**
     * Maps {@code path} read-only, checks the header and, when the page carries a calibrated
     * vmclock structure for this counter, reads on the counter path.
     *
     * @param counter the CPU counter the page's counter_id names (the TSC), or null for the
     *     monotonic path only
     * @throws PageFormatException if the file is not a wallsync page this reader understands
     */
    public static WallclockPage open(Path path, ReaderOptions options, MonotonicClock monotonic, CycleCounter counter)
            throws IOException {
        return open(path, options, monotonic, counter, null);
    }

    /** @param noCounterWhy why {@code counter} is null, for {@link #readPath()}; null when not known */
    private static WallclockPage open(
            Path path, ReaderOptions options, MonotonicClock monotonic, CycleCounter counter, String noCounterWhy)
            throws IOException {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(monotonic, "monotonic");
        requireRegularFile(path);
        Object device = Files.getAttribute(path, "unix:dev");
        Object inode = Files.getAttribute(path, "unix:ino");
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < V1_PAGE_SIZE) {
                throw new PageFormatException(path + " has " + size + " bytes; a wallsync page has " + V1_PAGE_SIZE
                        + " (layout 1) or " + PageExtensionLayout.PAGE_SIZE + " (layout 2)");
            }
            MemorySegment first = ch.map(FileChannel.MapMode.READ_ONLY, 0, V1_PAGE_SIZE, arena);
            int pageSize = checkHeader(path.toString(), first, size);
            MemorySegment seg =
                    pageSize == V1_PAGE_SIZE ? first : ch.map(FileChannel.MapMode.READ_ONLY, 0, pageSize, arena);
            WallclockPage reader = new WallclockPage(path, arena, seg, monotonic, options, counter, noCounterWhy);
            reader.fileDevice = device;
            reader.fileInode = inode;
            reader.mappedSize = pageSize;
            return start(reader);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Checks magic and layout version of a mapped first page.
     *
     * @param available bytes the file or segment holds
     * @return the page size the layout defines
     */
    private static int checkHeader(String what, MemorySegment first, long available) throws PageFormatException {
        PageExtension header = new PageExtension(first);
        int magic = header.magic();
        if (magic != MAGIC) {
            throw new PageFormatException(String.format(
                    "%s: magic is 0x%08x, expected 0x%08x (\"WYNC\"); not a wallsync page", what, magic, MAGIC));
        }
        int version = header.layoutVersion();
        int pageSize = PageExtensionLayout.pageSizeOf(version);
        if (pageSize < 0) {
            throw new PageFormatException(what + ": layout version " + version + ", this reader understands "
                    + V1_LAYOUT_VERSION + " and " + LAYOUT_VERSION);
        }
        if (available < pageSize) {
            throw new PageFormatException(
                    what + " has " + available + " bytes; layout " + version + " needs " + pageSize + " (truncated?)");
        }
        return pageSize;
    }

    /** Null when the counter path is open to this reader, else why not. */
    private static String counterPathRefused(
            MemorySegment page, PageExtension ext, CycleCounter counter, String noCounterWhy) {
        if (ext.layoutVersion() != LAYOUT_VERSION || page.byteSize() < PageExtensionLayout.PAGE_SIZE) {
            return "layout " + ext.layoutVersion() + " page has no vmclock structure";
        }
        Vmclock clock = Vmclock.ofPage(page);
        if (clock.magic() != VmclockLayout.MAGIC || clock.version() != VmclockLayout.VERSION) {
            return String.format(
                    "vmclock magic 0x%08x version %d (expected 0x%08x version %d)",
                    clock.magic(), clock.version(), VmclockLayout.MAGIC, VmclockLayout.VERSION);
        }
        if (clock.counterId() == VmclockLayout.COUNTER_INVALID) {
            return "the daemon publishes no counter (vmclock counter_id INVALID)";
        }
        if (counter == null) {
            return "this reader has no counter for vmclock counter_id " + clock.counterId()
                    + (noCounterWhy != null ? ": " + noCounterWhy : "");
        }
        if (clock.counterId() != VmclockLayout.COUNTER_X86_TSC) {
            return "vmclock counter_id " + clock.counterId() + " is not the x86 TSC this reader reads";
        }
        return null;
    }

    private static int counterIdOf(MemorySegment page) {
        return Vmclock.ofPage(page).counterId();
    }

    /** Which path {@link #wallTimeNs()} and {@link #instant()} take, and why. */
    public ReadPath readPath() {
        return readPath;
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
                    + V1_PAGE_SIZE + " bytes written by wallsync serve)");
        }
    }

    /**
     * Whether the file this reader mapped is no longer a whole page under its path: deleted,
     * replaced by another file (wallsync serve recreates a damaged page under a new inode), or
     * truncated below the size it had when mapped. A reader
     * that sees true should stop reading this mapping (a truncated shared mapping faults, which the
     * JVM reports as an {@link InternalError}) and {@link #open} the path again. One stat(2) of the
     * path; false for a {@link #wrap}ped segment.
     */
    public boolean replacedOnDisk() {
        if (file == null) {
            return false;
        }
        try {
            return !fileDevice.equals(Files.getAttribute(file, "unix:dev"))
                    || !fileInode.equals(Files.getAttribute(file, "unix:ino"))
                    || Files.size(file) < mappedSize;
        } catch (IOException e) {
            return true; // gone, or no longer readable under this path
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
        return wrap(page, options, monotonic, null);
    }

    /** {@link #wrap(MemorySegment, ReaderOptions, MonotonicClock)} with a counter for the counter path. */
    public static WallclockPage wrap(
            MemorySegment page, ReaderOptions options, MonotonicClock monotonic, CycleCounter counter)
            throws PageFormatException {
        if (page.byteSize() < V1_PAGE_SIZE) {
            throw new PageFormatException(
                    "segment has " + page.byteSize() + " bytes; a wallsync page has at least " + V1_PAGE_SIZE);
        }
        int pageSize;
        try {
            pageSize = checkHeader("segment", page, page.byteSize());
        } catch (IllegalArgumentException e) {
            throw new PageFormatException(e.getMessage());
        }
        return start(new WallclockPage(null, null, page.asSlice(0, pageSize), monotonic, options, counter, null));
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
        return file;
    }

    /** One read as a value: {@link Reading.Valid}, {@link Reading.Stale} or {@link Reading.WriterStuck}. */
    public Reading read() {
        // One attempt first: the common case allocates neither a wait policy nor a reading.
        if (sharedInfo.readWallclock(SeqlockRetry.ONCE) instanceof WallclockReading.Value v) {
            return reading(v);
        }
        BoundedWait wait = new BoundedWait(maxWriterWaitNs);
        return switch (sharedInfo.readWallclock(wait)) {
            case WallclockReading.Value v -> reading(v);
            case WallclockReading.Failed f -> new Reading.WriterStuck("wc_version", f.lastVersion(), wait.waited());
        };
    }

    private Reading reading(WallclockReading.Value v) {
        long nowNs = monotonic.nanos();
        long wallNs = wallNs(v, nowNs);
        long ageNs = nowNs - extension.heartbeatMonotonicNs();
        return ageNs > staleAfterNs
                ? new Reading.Stale(Duration.ofNanos(ageNs), Duration.ofNanos(staleAfterNs), wallNs, nowNs)
                : new Reading.Valid(wallNs, nowNs, v.version());
    }

    /**
     * The wait of a reader that finds a seqlock odd or changing: spin briefly, then yield, and give
     * up once {@code maxWaitNs} of real time (not the injected clock: a frozen or broken clock must
     * not make a reader wait forever) have passed since the first {@value #SPINS_PER_CLOCK_CHECK}
     * spins.
     */
    private static final class BoundedWait implements SeqlockRetry {
        private final long maxWaitNs;
        private long startNs;
        private long waitedNs;

        BoundedWait(long maxWaitNs) {
            this.maxWaitNs = maxWaitNs;
        }

        @Override
        public boolean again(int failedAttempts, int version) {
            if (failedAttempts < SPINS_PER_CLOCK_CHECK || failedAttempts % SPINS_PER_CLOCK_CHECK != 0) {
                Thread.onSpinWait();
                return true;
            }
            if (failedAttempts == SPINS_PER_CLOCK_CHECK) {
                startNs = System.nanoTime();
                return true;
            }
            waitedNs = System.nanoTime() - startNs;
            if (waitedNs > maxWaitNs) {
                return false;
            }
            Thread.yield();
            return true;
        }

        Duration waited() {
            return Duration.ofNanos(waitedNs);
        }
    }

    /** Wall time in nanoseconds since the epoch; the fast path of {@link #instant()}. */
    public long wallTimeNs() {
        if (vmclock != null) {
            // Counter path: no system call; the reference's age is the daemon's heartbeat.
            long ns = vmclock.epochNanos(counter, staleAfterNs);
            if (ns != Vmclock.NO_TIME) {
                return ns;
            }
        }
        // The common case without any Reading: small enough for the JIT to inline whole, so a
        // read allocates nothing. Anything else (odd version, stale heartbeat) goes through read().
        if (sharedInfo.readWallclock(SeqlockRetry.ONCE) instanceof WallclockReading.Value v) {
            long nowNs = monotonic.nanos();
            if (nowNs - extension.heartbeatMonotonicNs() <= staleAfterNs) {
                return wallNs(v, nowNs);
            }
        }
        Reading r = read();
        if (r instanceof Reading.Valid v) {
            return v.wallTimeNs();
        }
        throw new WallclockUnavailableException(r);
    }

    private static long wallNs(WallclockReading.Value v, long nowNs) {
        return v.seconds() * NANOS_PER_SECOND + Integer.toUnsignedLong(v.nanos()) + nowNs;
    }

    /**
     * One read on the counter path with its published bounds, or empty when this reader is on the
     * monotonic path or the structure is not usable now (INITIALIZING, UNRELIABLE, stale reference).
     *
     * @throws WallclockUnavailableException if seq_count stays odd past the bounded wait
     */
    public java.util.Optional<CounterReading> readCounter() {
        if (vmclock == null) {
            return java.util.Optional.empty();
        }
        BoundedWait wait = new BoundedWait(maxWriterWaitNs);
        return switch (vmclock.read(counter, wait)) {
            case VmclockReading.Value v
            when v.fields().counterUsable() -> {
                long ns = v.fields().epochNanosAt(v.counter(), staleAfterNs);
                if (ns == Vmclock.NO_TIME) {
                    yield java.util.Optional.empty(); // the reference is stale: the daemon stopped
                }
                long hostMax = status().maxErrorNs().orElse(-1);
                yield java.util.Optional.of(
                        new CounterReading(ns, v.counter(), v.maxErrorNs(), v.estErrorNs(), hostMax, v.fields()));
            }
            case VmclockReading.Value v -> java.util.Optional.empty();
            case VmclockReading.Failed f ->
                throw new WallclockUnavailableException(
                        new Reading.WriterStuck("vmclock seq_count", f.lastSeqCount(), wait.waited()));
        };
    }

    /** The vmclock fields as published now (one seqlock read), empty on a page without them. */
    public java.util.Optional<io.wallsync.core.vmclock.VmclockFields> vmclockFields() {
        if (extension.layoutVersion() != LAYOUT_VERSION) {
            return java.util.Optional.empty();
        }
        MemorySegment page = extension.segment();
        if (page.byteSize() < PageExtensionLayout.PAGE_SIZE) {
            return java.util.Optional.empty();
        }
        Vmclock clock = Vmclock.ofPage(page);
        BoundedWait wait = new BoundedWait(maxWriterWaitNs);
        return switch (clock.read(() -> 0, wait)) {
            case VmclockReading.Value v -> java.util.Optional.of(v.fields());
            case VmclockReading.Failed f ->
                throw new WallclockUnavailableException(
                        new Reading.WriterStuck("vmclock seq_count", f.lastSeqCount(), wait.waited()));
        };
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
        BoundedWait wait = new BoundedWait(maxWriterWaitNs);
        return switch (extension.read(wait)) {
            case ExtensionReading.Value(ExtensionFields f, int seq) ->
                new PageStatus(
                        f.status(),
                        f.leap(),
                        f.taiOffset(),
                        f.disruptionMarker(),
                        f.estErrorNs(),
                        f.maxErrorNs(),
                        f.lastPushMonotonicNs(),
                        f.reason(),
                        f.timeOffsetSec(),
                        Duration.ofNanos(monotonic.nanos() - extension.heartbeatMonotonicNs()),
                        Duration.ofMillis(extension.heartbeatPeriodMs()),
                        extension.writerPid());
            case ExtensionReading.Failed failed ->
                throw new WallclockUnavailableException(
                        new Reading.WriterStuck("seq_count", failed.lastSeqCount(), wait.waited()));
        };
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
