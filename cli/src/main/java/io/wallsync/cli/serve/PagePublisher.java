package io.wallsync.cli.serve;

import io.wallsync.adapters.page.DomainName;
import io.wallsync.adapters.page.PageFile;
import io.wallsync.adapters.page.PageState;
import io.wallsync.adapters.page.PageWriter;
import io.wallsync.core.page.ClockStatus;
import io.wallsync.core.page.PageExtensionLayout;
import io.wallsync.core.page.PageLeapIndicator;
import io.wallsync.core.page.PushReason;
import io.wallsync.core.port.HostClock;
import io.wallsync.core.port.MonotonicClock;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Dom0's side of the real mode: keeps one page per domain and writes the wallclock into it. The
 * wallclock is W = CLOCK_REALTIME - CLOCK_MONOTONIC (Xen's "wall time at system time 0" with
 * CLOCK_MONOTONIC as system time), plus the domain's offset; the extension carries the host's
 * sync state from adjtimex and a step generation that changes on every step of the domain's wall
 * time. Single-threaded: the daemon's push thread owns it.
 */
public final class PagePublisher implements AutoCloseable {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final Path dir;
    private final HostClock host;
    private final MonotonicClock monotonic;
    private final long writerPid;
    private final int heartbeatPeriodMs;
    private final PushObserver observer;
    private final Map<DomainName, Domain> domains = new LinkedHashMap<>();
    private HostClock.SyncState lastSync;

    private static final class Domain {
        final PageFile file;
        final PageWriter writer;
        long timeOffsetSeconds;
        long stepGeneration;
        PageState state;

        Domain(PageFile file, PageWriter writer, long timeOffsetSeconds, long stepGeneration) {
            this.file = file;
            this.writer = writer;
            this.timeOffsetSeconds = timeOffsetSeconds;
            this.stepGeneration = stepGeneration;
        }
    }

    /** What the daemon knows about one domain. */
    public record DomainInfo(DomainName name, long timeOffsetSeconds, long stepGeneration, Path page) {}

    public PagePublisher(
            Path dir,
            HostClock host,
            MonotonicClock monotonic,
            long writerPid,
            int heartbeatPeriodMs,
            PushObserver observer) {
        this.dir = dir;
        this.host = host;
        this.monotonic = monotonic;
        this.writerPid = writerPid;
        this.heartbeatPeriodMs = heartbeatPeriodMs;
        this.observer = observer;
    }

    /**
     * Creates (or repairs and reuses) the domain's page and pushes to it: reason START for a new
     * page, REPAIR when a killed writer had left a seqlock odd.
     *
     * @return false if the domain already exists
     */
    public boolean addDomain(DomainSpec spec) throws IOException {
        if (domains.containsKey(spec.name())) {
            return false;
        }
        PageFile file = PageFile.openForWriting(dir, spec.name());
        try {
            PageWriter writer = new PageWriter(file.segment());
            // A reused page keeps counting generations: readers holding the old value see a change.
            long generation = file.reused()
                    ? file.segment()
                                    .get(
                                            ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN),
                                            PageExtensionLayout.DISRUPTION_MARKER_OFFSET)
                            + 1
                    : 1;
            boolean repaired = writer.initialise(writerPid, heartbeatPeriodMs);
            Domain d = new Domain(file, writer, spec.timeOffsetSeconds(), generation);
            HostClock.SyncState sync = host.syncState();
            lastSync = sync;
            WallclockSample sample = WallclockSample.take(host, monotonic);
            push(spec.name(), d, repaired ? PushReason.REPAIR : PushReason.START, sample, sync);
            d.writer.heartbeat(monotonic.nanos());
            file.publish();
            domains.put(spec.name(), d);
            return true;
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** Removes the domain and its page file; false if there was no such domain. */
    public boolean removeDomain(DomainName name) throws IOException {
        Domain d = domains.remove(name);
        if (d == null) {
            return false;
        }
        d.file.delete();
        return true;
    }

    public OptionalLong timeOffsetSeconds(DomainName name) {
        Domain d = domains.get(name);
        return d == null ? OptionalLong.empty() : OptionalLong.of(d.timeOffsetSeconds);
    }

    /**
     * Sets a domain's offset and pushes its page at once (reason OFFSET_CHANGE, a new generation,
     * since that domain's wall time jumps). False if there is no such domain.
     */
    public boolean setTimeOffset(DomainName name, long timeOffsetSeconds) {
        DomainSpec.checkOffset(timeOffsetSeconds);
        Domain d = domains.get(name);
        if (d == null) {
            return false;
        }
        d.timeOffsetSeconds = timeOffsetSeconds;
        d.stepGeneration++;
        HostClock.SyncState sync = host.syncState();
        lastSync = sync;
        push(name, d, PushReason.OFFSET_CHANGE, WallclockSample.take(host, monotonic), sync);
        return true;
    }

    /**
     * Pushes every page. A STEP starts a new generation in every page: every domain's wall time
     * moved with the host's.
     */
    public void pushAll(PushReason reason) {
        HostClock.SyncState sync = host.syncState();
        lastSync = sync;
        WallclockSample sample = WallclockSample.take(host, monotonic);
        for (Map.Entry<DomainName, Domain> e : domains.entrySet()) {
            if (reason == PushReason.STEP) {
                e.getValue().stepGeneration++;
            }
            push(e.getKey(), e.getValue(), reason, sample, sync);
        }
    }

    private void push(DomainName name, Domain d, PushReason reason, WallclockSample sample, HostClock.SyncState sync) {
        long domainWallclockNs = sample.wallclockNs() + d.timeOffsetSeconds * NANOS_PER_SECOND;
        long seconds = Math.floorDiv(domainWallclockNs, NANOS_PER_SECOND);
        int nanos = (int) Math.floorMod(domainWallclockNs, NANOS_PER_SECOND);
        // wc_* first, then the extension: a reader that sees the new generation sees the new wc.
        d.writer.publishWallclock(seconds, nanos);
        PageState state = stateOf(sync, d, sample.monotonicNs(), reason);
        d.writer.publishState(state);
        d.state = state;
        observer.pushed(name, reason, domainWallclockNs, d.stepGeneration, sync);
    }

    private static PageState stateOf(HostClock.SyncState sync, Domain d, long pushMonotonicNs, PushReason reason) {
        return new PageState(
                sync.synchronised() ? ClockStatus.SYNCHRONIZED : ClockStatus.FREERUNNING,
                leapOf(sync.leap()),
                clampTai(sync.taiOffsetSeconds()),
                sync.taiOffsetSeconds() != 0,
                d.stepGeneration,
                Math.multiplyExact(sync.estErrorUs(), 1000L),
                Math.multiplyExact(sync.maxErrorUs(), 1000L),
                pushMonotonicNs,
                reason,
                (int) d.timeOffsetSeconds);
    }

    private static int clampTai(int tai) {
        return Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, tai));
    }

    /** adjtimex leap state in vmclock's leap_indicator vocabulary. */
    static PageLeapIndicator leapOf(HostClock.LeapIndicator leap) {
        return switch (leap) {
            case NONE -> PageLeapIndicator.NONE;
            case INSERT_PENDING -> PageLeapIndicator.PRE_POS;
            case DELETE_PENDING -> PageLeapIndicator.PRE_NEG;
            case INSERT_IN_PROGRESS -> PageLeapIndicator.POS;
            case INSERTED -> PageLeapIndicator.POST_POS;
            case DELETED -> PageLeapIndicator.POST_NEG;
        };
    }

    /**
     * Writes every page's heartbeat and, if the host's sync state changed since the last push,
     * republishes the extension (same generation: the wall time did not move).
     */
    public void heartbeat() {
        HostClock.SyncState sync = host.syncState();
        boolean changed = !sync.equals(lastSync);
        lastSync = sync;
        long now = monotonic.nanos();
        for (Domain d : domains.values()) {
            if (changed && d.state != null) {
                PageState refreshed = stateOf(sync, d, d.state.lastPushMonotonicNs(), d.state.reason());
                d.writer.publishState(refreshed);
                d.state = refreshed;
            }
            d.writer.heartbeat(now);
        }
        observer.heartbeat(sync);
    }

    public List<DomainInfo> domains() {
        List<DomainInfo> out = new ArrayList<>();
        domains.forEach(
                (name, d) -> out.add(new DomainInfo(name, d.timeOffsetSeconds, d.stepGeneration, d.file.path())));
        return out;
    }

    public HostClock.SyncState lastSync() {
        return lastSync;
    }

    /** Unmaps every page; the files stay (a restarted daemon repairs and reuses them). */
    @Override
    public void close() {
        for (Domain d : domains.values()) {
            d.file.close();
        }
        domains.clear();
    }
}
