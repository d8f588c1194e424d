package io.wallsync.daemon;

import io.wallsync.adapters.page.DomainName;
import io.wallsync.adapters.page.PageFile;
import io.wallsync.adapters.page.PageState;
import io.wallsync.adapters.page.PageWriter;
import io.wallsync.core.dom0.Dom0SyncAgent;
import io.wallsync.core.dom0.PushRecord;
import io.wallsync.core.dom0.SyncPolicy;
import io.wallsync.core.page.ClockStatus;
import io.wallsync.core.page.PageLeapIndicator;
import io.wallsync.core.page.PushReason;
import io.wallsync.core.page.TimeOffsetSeconds;
import io.wallsync.core.port.HostClock;
import io.wallsync.core.port.LeapIndicator;
import io.wallsync.core.port.MonotonicClock;
import io.wallsync.core.port.SyncState;
import io.wallsync.core.xen.Domain;
import io.wallsync.core.xen.DomainKind;
import io.wallsync.core.xen.Hypervisor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The real mode, wired from the core: a {@link Hypervisor} whose system time is CLOCK_MONOTONIC,
 * one domain per page file (the mapped file is the domain's shared_info), and a
 * {@link Dom0SyncAgent} (policy STEP_AND_PERIODIC) whose dom0 clock is the host's CLOCK_REALTIME.
 * The agent's settime hypercall makes the hypervisor republish wc_* in every page (Xen's seqlock
 * writer, {@code SharedInfo.publishWallclock}); this class then writes each page's wallsync
 * extension: the host's sync state and a step generation that changes on every step of the
 * domain's wall time. Single-threaded: the daemon's push thread owns it.
 */
public final class PagePublisher implements AutoCloseable {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final Path dir;
    private final HostClock host;
    private final MonotonicClock monotonic;
    private final long writerPid;
    private final int heartbeatPeriodMs;
    private final PushObserver observer;
    private final Hypervisor hypervisor;
    private final Dom0SyncAgent agent;
    private final Map<DomainName, Page> pages = new LinkedHashMap<>();
    private final List<PageFile> removed = new ArrayList<>();
    private PushRecord lastPush;
    private SyncState lastSync;

    private static final class Page {
        final Domain domain;
        final PageFile file;
        final PageWriter writer;
        long stepGeneration;
        PageState state;

        Page(Domain domain, PageFile file, PageWriter writer, long stepGeneration) {
            this.domain = domain;
            this.file = file;
            this.writer = writer;
            this.stepGeneration = stepGeneration;
        }
    }

    /** What the daemon knows about one domain; the offset is the one its page publishes. */
    public record DomainInfo(DomainName name, int domainId, long timeOffsetSeconds, long stepGeneration, Path page) {}

    /**
     * Creates the hypervisor and dom0 and makes the agent's first push (START), so that every page
     * added later receives the right wallclock at once.
     *
     * @param periodNs the agent's periodic push interval
     */
    public PagePublisher(
            Path dir,
            HostClock host,
            MonotonicClock monotonic,
            long periodNs,
            long writerPid,
            int heartbeatPeriodMs,
            PushObserver observer) {
        this.dir = dir;
        this.host = host;
        this.monotonic = monotonic;
        this.writerPid = writerPid;
        this.heartbeatPeriodMs = heartbeatPeriodMs;
        this.observer = observer;
        this.hypervisor = new Hypervisor(monotonic);
        hypervisor.createDomain(DomainKind.CONTROL, 0);
        PairedHostClock dom0Clock = new PairedHostClock(host, monotonic);
        this.agent = new Dom0SyncAgent(
                dom0Clock,
                monotonic,
                dom0Clock.platform(hypervisor),
                SyncPolicy.STEP_AND_PERIODIC,
                periodNs,
                push -> lastPush = push);
        // Registration on the gtod chain fires was_set = true at once: the START push.
        notifyAgent(true);
    }

    /**
     * Creates (or repairs and reuses) the domain's page, makes it the domain's shared_info (the
     * hypervisor writes the current wallclock plus the offset into it at once) and writes its
     * extension: reason START for a new page, REPAIR when a killed writer had left a seqlock odd.
     *
     * @return false if the domain already exists
     */
    public boolean addDomain(DomainSpec spec) throws IOException {
        if (pages.containsKey(spec.name())) {
            return false;
        }
        PageFile file = PageFile.openForWriting(dir, spec.name());
        try {
            PageWriter writer = new PageWriter(file.segment());
            // A reused page keeps counting generations: readers holding the old value see a change.
            long generation = file.reused() ? writer.extension().disruptionMarker() + 1 : 1;
            boolean repaired = writer.initialise(writerPid, heartbeatPeriodMs);
            Domain domain = hypervisor.createDomain(DomainKind.PV, spec.timeOffsetSeconds(), file.segment());
            Page page = new Page(domain, file, writer, generation);
            SyncState sync = syncState();
            publishExtension(spec.name(), page, repaired ? PushReason.REPAIR : PushReason.START, sync);
            page.writer.heartbeat(monotonic.nanos());
            file.publish();
            pages.put(spec.name(), page);
            return true;
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /**
     * Removes the domain's page file. The core hypervisor has no domain destruction, so the
     * domain stays there with its (now unlinked) mapping until the daemon exits; a reader that
     * still maps it sees the heartbeat stop.
     *
     * @return false if there was no such domain
     */
    public boolean removeDomain(DomainName name) throws IOException {
        Page page = pages.remove(name);
        if (page == null) {
            return false;
        }
        java.nio.file.Files.deleteIfExists(page.file.path());
        removed.add(page.file);
        return true;
    }

    /** The domain's offset as its page publishes it (time_offset_sec read back through the codec). */
    public OptionalLong timeOffsetSeconds(DomainName name) {
        Page page = pages.get(name);
        return page == null ? OptionalLong.empty() : OptionalLong.of(publishedOffset(page));
    }

    private static long publishedOffset(Page page) {
        // The push thread is the page's only writer: a plain read of its own last store.
        return page.writer.extension().timeOffsetSec();
    }

    /**
     * Sets a domain's time offset (Xen's domain_set_time_offset: the hypervisor republishes that
     * domain's wallclock at once) and starts a new generation in its page: its wall time jumped.
     *
     * @return false if there is no such domain
     */
    public boolean setTimeOffset(DomainName name, long timeOffsetSeconds) {
        TimeOffsetSeconds.of(timeOffsetSeconds);
        Page page = pages.get(name);
        if (page == null) {
            return false;
        }
        hypervisor.setTimeOffset(page.domain.id(), timeOffsetSeconds);
        page.stepGeneration++;
        publishExtension(name, page, PushReason.OFFSET_CHANGE, syncState());
        return true;
    }

    /** clock_was_set: the agent pushes at once (STEP) and every page starts a new generation. */
    public void clockWasSet() {
        notifyAgent(true);
    }

    /** A clock tick: the agent pushes if its period has passed (PERIODIC) or a retry is due. */
    public void tick() {
        notifyAgent(false);
    }

    private void notifyAgent(boolean wasSet) {
        lastPush = null;
        agent.onClockUpdate(wasSet);
        PushRecord push = lastPush;
        if (push == null) {
            return; // a tick with nothing due
        }
        if (!push.succeeded()) {
            observer.pushFailed(push);
            return;
        }
        PushReason reason = switch (push.reason()) {
            case START -> PushReason.START;
            case STEP -> PushReason.STEP;
            case PERIODIC -> PushReason.PERIODIC;
            case RETRY -> PushReason.RETRY;
        };
        SyncState sync = syncState();
        for (Map.Entry<DomainName, Page> e : pages.entrySet()) {
            if (reason == PushReason.STEP) {
                e.getValue().stepGeneration++;
            }
            publishExtension(e.getKey(), e.getValue(), reason, sync);
        }
        if (pages.isEmpty()) {
            observer.pushed(null, reason, hypervisor.wallclock().toEpochNanos(), 0, sync);
        }
    }

    private SyncState syncState() {
        SyncState sync = host.syncState();
        lastSync = sync;
        return sync;
    }

    private void publishExtension(DomainName name, Page page, PushReason reason, SyncState sync) {
        PageState state = stateOf(sync, page, monotonic.nanos(), reason);
        page.writer.publishState(state);
        page.state = state;
        long domainWallclockNs =
                hypervisor.wallclock().toEpochNanos() + page.domain.timeOffsetSeconds() * NANOS_PER_SECOND;
        observer.pushed(name, reason, domainWallclockNs, page.stepGeneration, sync);
    }

    private static PageState stateOf(SyncState sync, Page page, long pushMonotonicNs, PushReason reason) {
        return new PageState(
                sync.synchronised() ? ClockStatus.SYNCHRONIZED : ClockStatus.FREERUNNING,
                leapOf(sync.leap()),
                Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, sync.taiOffsetSeconds())),
                sync.taiOffsetSeconds() != 0,
                page.stepGeneration,
                Math.multiplyExact(sync.estErrorUs(), 1000L),
                Math.multiplyExact(sync.maxErrorUs(), 1000L),
                pushMonotonicNs,
                reason,
                TimeOffsetSeconds.of(page.domain.timeOffsetSeconds()).seconds());
    }

    /** The core's pending leap second in vmclock's leap_indicator vocabulary. */
    static PageLeapIndicator leapOf(LeapIndicator leap) {
        return switch (leap) {
            case NONE -> PageLeapIndicator.NONE;
            case INSERT -> PageLeapIndicator.PRE_POS;
            case DELETE -> PageLeapIndicator.PRE_NEG;
        };
    }

    /**
     * Writes every page's heartbeat and, if the host's sync state changed since the last push,
     * republishes the extensions (same generation: the wall time did not move).
     */
    public void heartbeat() {
        SyncState before = lastSync;
        SyncState sync = syncState();
        boolean changed = !sync.equals(before);
        long now = monotonic.nanos();
        for (Page page : pages.values()) {
            if (changed && page.state != null) {
                PageState refreshed = stateOf(sync, page, page.state.lastPushMonotonicNs(), page.state.reason());
                page.writer.publishState(refreshed);
                page.state = refreshed;
            }
            page.writer.heartbeat(now);
        }
        observer.heartbeat(sync);
    }

    public List<DomainInfo> domains() {
        List<DomainInfo> out = new ArrayList<>();
        pages.forEach((name, p) ->
                out.add(new DomainInfo(name, p.domain.id(), publishedOffset(p), p.stepGeneration, p.file.path())));
        return out;
    }

    /** The hypervisor's wallclock W in ns since the epoch (before any domain's offset). */
    public long wallclockNs() {
        return hypervisor.wallclock().toEpochNanos();
    }

    /** The agent's counters, for logs and tests. */
    public Dom0SyncAgent agent() {
        return agent;
    }

    /** Unmaps every page; the files stay (a restarted daemon repairs and reuses them). */
    @Override
    public void close() {
        for (Page page : pages.values()) {
            page.file.close();
        }
        for (PageFile f : removed) {
            f.close();
        }
        pages.clear();
        removed.clear();
    }
}
