package io.wallsync.daemon;

import io.wallsync.adapters.page.DomainName;
import io.wallsync.adapters.page.PageState;
import io.wallsync.adapters.page.PageWriter;
import io.wallsync.core.dom0.Dom0SyncAgent;
import io.wallsync.core.dom0.PushRecord;
import io.wallsync.core.dom0.SyncPolicy;
import io.wallsync.core.dom0.XenPlatform;
import io.wallsync.core.page.ClockStatus;
import io.wallsync.core.page.PageExtension;
import io.wallsync.core.page.PageExtensionLayout;
import io.wallsync.core.page.PageLeapIndicator;
import io.wallsync.core.page.PushReason;
import io.wallsync.core.page.TimeOffsetSeconds;
import io.wallsync.core.port.HostClock;
import io.wallsync.core.port.HostSample;
import io.wallsync.core.port.MonotonicClock;
import io.wallsync.core.port.SyncState;
import io.wallsync.core.vmclock.Vmclock;
import io.wallsync.core.vmclock.VmclockCalibrator;
import io.wallsync.core.vmclock.VmclockLayout;
import io.wallsync.core.xen.Domain;
import io.wallsync.core.xen.DomainKind;
import io.wallsync.core.xen.Hypervisor;
import io.wallsync.core.xen.WallclockReading;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    private final PageSink sink;
    private final HostClock host;
    private final MonotonicClock monotonic;
    private final long writerPid;
    private final int heartbeatPeriodMs;
    private final PushObserver observer;
    private final Hypervisor hypervisor;
    private final Dom0SyncAgent agent;
    private final VmclockFeed vmclock;
    private final Map<DomainName, Page> pages = new LinkedHashMap<>();
    private SyncState lastSync;
    private PageLeapIndicator lastLeap = PageLeapIndicator.NONE;

    private static final class Page {
        Domain domain;
        PageSink.Page file;
        PageWriter writer;
        long stepGeneration;
        PageState state;
        /** The last damage that could not be repaired (logged once, retried at every heartbeat). */
        String unrepaired;

        Page(Domain domain, PageSink.Page file, PageWriter writer, long stepGeneration) {
            this.domain = domain;
            this.file = file;
            this.writer = writer;
            this.stepGeneration = stepGeneration;
        }
    }

    /** What the daemon knows about one domain; the offset is the one its page publishes. */
    public record DomainInfo(DomainName name, int domainId, long timeOffsetSeconds, long stepGeneration, String page) {}

    /**
     * The real mode ({@code serve}): a hypervisor whose system time is the host's CLOCK_MONOTONIC,
     * so each push pairs realtime with the monotonic instant of the same {@link HostSample}
     * ({@link XenPlatform#onHostMonotonic}). Makes the agent's first push (START), so that every
     * page added later receives the right wallclock at once.
     *
     * @param monotonic the host's CLOCK_MONOTONIC: the hypervisor's system time and dom0's monotonic clock
     * @param periodNs the agent's periodic push interval
     */
    public PagePublisher(
            PageSink sink,
            HostClock host,
            MonotonicClock monotonic,
            long periodNs,
            long writerPid,
            int heartbeatPeriodMs,
            VmclockOptions vmclock,
            PushObserver observer) {
        this(
                sink,
                host,
                monotonic,
                new Hypervisor(monotonic),
                true,
                periodNs,
                writerPid,
                heartbeatPeriodMs,
                vmclock,
                observer);
    }

    /**
     * The same system on a given hypervisor whose system time is its own clocksource (the
     * simulator: Xen's oscillator drifts from dom0's), read right after each sample of dom0's clock.
     *
     * @param hypervisor a hypervisor without domains yet; dom0 is created here
     * @param dom0Monotonic dom0's CLOCK_MONOTONIC
     */
    public static PagePublisher onHypervisor(
            PageSink sink,
            HostClock host,
            MonotonicClock dom0Monotonic,
            Hypervisor hypervisor,
            long periodNs,
            long writerPid,
            int heartbeatPeriodMs,
            VmclockOptions vmclock,
            PushObserver observer) {
        return new PagePublisher(
                sink,
                host,
                dom0Monotonic,
                hypervisor,
                false,
                periodNs,
                writerPid,
                heartbeatPeriodMs,
                vmclock,
                observer);
    }

    private PagePublisher(
            PageSink sink,
            HostClock host,
            MonotonicClock dom0Monotonic,
            Hypervisor hypervisor,
            boolean systemTimeIsHostMonotonic,
            long periodNs,
            long writerPid,
            int heartbeatPeriodMs,
            VmclockOptions vmclock,
            PushObserver observer) {
        this.sink = sink;
        this.host = host;
        // Page timestamps (heartbeat, last push) are on the readers' clock: the hypervisor's system time.
        this.monotonic = hypervisor::systemTimeNs;
        this.writerPid = writerPid;
        this.heartbeatPeriodMs = heartbeatPeriodMs;
        this.observer = observer;
        this.hypervisor = hypervisor;
        // A start time in ns never repeats on one host: the first marker differs from every earlier run's.
        this.vmclock = new VmclockFeed(vmclock, host, host.realtimeNs());
        this.vmclock.recalibrate();
        hypervisor.buildDomain(DomainKind.CONTROL, 0);
        this.agent = new Dom0SyncAgent(
                host,
                dom0Monotonic,
                systemTimeIsHostMonotonic
                        ? XenPlatform.onHostMonotonic(hypervisor, Hypervisor.DOM0)
                        : XenPlatform.of(hypervisor, Hypervisor.DOM0),
                SyncPolicy.STEP_AND_PERIODIC,
                periodNs);
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
        PageSink.Page file = sink.open(spec.name());
        try {
            PageWriter writer = new PageWriter(file.segment());
            // A reused page keeps counting generations: readers holding the old value see a change.
            long generation = file.reused() ? writer.extension().disruptionMarker() + 1 : 1;
            boolean repaired = writer.initialise(writerPid, heartbeatPeriodMs, vmclock.counterId());
            Domain domain = hypervisor.buildDomain(DomainKind.PV, spec.timeOffsetSeconds(), file.segment());
            Page page = new Page(domain, file, writer, generation);
            SyncState sync = syncState();
            publishExtension(spec.name(), page, repaired ? PushReason.REPAIR : PushReason.START, sync);
            publishVmclock(page, sync);
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
     * Destroys the domain in the hypervisor and removes its page (file unlinked, mapping
     * released); a reader that still maps it sees the heartbeat stop.
     *
     * @return false if there was no such domain
     */
    public boolean removeDomain(DomainName name) throws IOException {
        Page page = pages.remove(name);
        if (page == null) {
            return false;
        }
        hypervisor.destroyDomain(page.domain.id());
        page.file.delete();
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
        SyncState sync = syncState();
        publishExtension(name, page, PushReason.OFFSET_CHANGE, sync);
        publishVmclock(page, sync);
        return true;
    }

    /** clock_was_set: the agent pushes at once (STEP) and every page starts a new generation. */
    public void clockWasSet() {
        checkPages();
        notifyAgent(true);
        recalibrate();
    }

    /**
     * Looks at the kernel's discipline (what {@code serve} does every {@code --rate-poll}); when
     * the rate, sync or leap state changed, recalibrates and republishes every vmclock page at once.
     *
     * @return true when the pages were republished
     */
    public boolean pollDiscipline() {
        if (!vmclock.disciplineChanged()) {
            return false;
        }
        recalibrate();
        return true;
    }

    /** A fresh counter pairing, published in every page's vmclock structure. */
    private void recalibrate() {
        vmclock.recalibrate();
        observer.calibrated(vmclock.result());
        SyncState sync = syncState();
        for (Page page : pages.values()) {
            if (page.unrepaired == null) {
                publishVmclock(page, sync);
            }
        }
    }

    private void publishVmclock(Page page, SyncState sync) {
        page.writer.publishVmclock(vmclock.fieldsFor(page.domain.timeOffsetSeconds(), sync));
    }

    /**
     * One beat of the push loop: repairs pages damaged by someone else, gives the agent its clock
     * tick, republishes every vmclock structure from a fresh counter pairing, then writes every
     * page's heartbeat. What {@code serve} does every --heartbeat.
     */
    public void beat() {
        checkPages();
        tick();
        recalibrate();
        heartbeat(vmclock.leap()); // the leap state recalibrate() has just read
    }

    /** A clock tick: the agent pushes if its period has passed (PERIODIC) or a retry is due. */
    public void tick() {
        notifyAgent(false);
    }

    private void notifyAgent(boolean wasSet) {
        Optional<PushRecord> pushed = agent.update(wasSet);
        if (pushed.isEmpty()) {
            return; // a tick with nothing due
        }
        PushRecord push = pushed.get();
        if (!push.succeeded()) {
            observer.pushFailed(push);
            return;
        }
        PushReason reason = push.reason();
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

    private PageState stateOf(SyncState sync, Page page, long pushMonotonicNs, PushReason reason) {
        return new PageState(
                sync.synchronised() ? ClockStatus.SYNCHRONIZED : ClockStatus.FREERUNNING,
                vmclock.leap(),
                Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, sync.taiOffsetSeconds())),
                sync.taiOffsetSeconds() != 0,
                page.stepGeneration,
                Math.multiplyExact(sync.estErrorUs(), 1000L),
                Math.multiplyExact(sync.maxErrorUs(), 1000L),
                pushMonotonicNs,
                reason,
                TimeOffsetSeconds.of(page.domain.timeOffsetSeconds()).seconds());
    }

    /**
     * Writes every page's heartbeat and, if the host's sync state changed since the last push,
     * republishes the extensions (same generation: the wall time did not move).
     */
    public void heartbeat() {
        heartbeat(vmclock.observeLeap());
    }

    private void heartbeat(PageLeapIndicator leap) {
        SyncState before = lastSync;
        SyncState sync = syncState();
        boolean changed = !sync.equals(before) || leap != lastLeap;
        lastLeap = leap;
        long now = monotonic.nanos();
        for (Map.Entry<DomainName, Page> e : pages.entrySet()) {
            Page page = e.getValue();
            if (page.unrepaired != null) {
                continue;
            }
            try {
                if (changed && page.state != null) {
                    PageState refreshed = stateOf(sync, page, page.state.lastPushMonotonicNs(), page.state.reason());
                    page.writer.publishState(refreshed);
                    page.state = refreshed;
                }
                page.writer.heartbeat(now);
            } catch (InternalError fault) {
                // SIGBUS: the file was truncated between checkPages() and this store.
                repair(e.getKey(), page, "fault on access (truncated?): " + fault.getMessage());
            }
        }
        observer.heartbeat(sync);
    }

    /**
     * Looks at every page for damage done by someone else (deleted, replaced, truncated, magic or
     * header overwritten: {@link PageSink.Page#damage()} without touching the mapping; then the
     * header, wc_* and step generation through the mapping, which is safe once the size is right)
     * and recreates a damaged page at once.
     */
    public void checkPages() {
        if (!sink.sharedWithOthers()) {
            return;
        }
        try {
            sink.keepExclusive().ifPresent(observer::directoryRelocked);
        } catch (IOException e) {
            // Another daemon holds the directory now: two writers must not share the pages.
            throw new UncheckedIOException(e.getMessage(), e);
        }
        for (Map.Entry<DomainName, Page> e : pages.entrySet()) {
            Page page = e.getValue();
            String damage;
            try {
                damage = page.file.damage().orElseGet(() -> contentDamage(page));
            } catch (IOException io) {
                damage = "cannot be checked: " + io.getMessage();
            }
            if (damage != null) {
                repair(e.getKey(), page, damage);
            }
        }
    }

    /** What no writer but this one would have put in a page of the right size, or null. */
    private String contentDamage(Page page) {
        PageExtension ext = page.writer.extension();
        if (ext.layoutVersion() != PageExtensionLayout.LAYOUT_VERSION
                || ext.extensionSize() != PageExtensionLayout.EXTENSION_SIZE
                || ext.writerPid() != (writerPid & 0xFFFF_FFFFL)
                || ext.heartbeatPeriodMs() != heartbeatPeriodMs) {
            return "overwritten: header (layout, size, writer pid or heartbeat period) changed";
        }
        Vmclock clock = page.writer.vmclock();
        if (clock.magic() != VmclockLayout.MAGIC
                || clock.size() != VmclockLayout.REGION_SIZE
                || clock.version() != VmclockLayout.VERSION
                || clock.counterId() != vmclock.counterId()) {
            return "overwritten: vmclock header (magic, size, version or counter_id) changed";
        }
        if (page.state != null && ext.disruptionMarker() != page.stepGeneration) {
            return "overwritten: step generation changed";
        }
        long expectedSeconds = hypervisor.wallclock().seconds() + page.domain.timeOffsetSeconds();
        return switch (page.domain.sharedInfo().readWallclock(0)) {
            case WallclockReading.Value v
            when v.seconds() == expectedSeconds
                    && v.nanos() == hypervisor.wallclock().nanos() -> null;
            case WallclockReading.Value v -> "overwritten: wc_sec/wc_nsec changed";
            case WallclockReading.Failed f -> "overwritten: " + f.why();
        };
    }

    /**
     * Recreates a damaged page: a new file (temporary + atomic rename), a new shared_info for the
     * domain (same id and offset; the hypervisor writes its wallclock at once), a new step
     * generation (the page's wall time may have been anything), extension reason REPAIR.
     *
     * @return true if the page was recreated; false (logged once per distinct damage) if not, to
     *     be retried at the next heartbeat
     */
    private boolean repair(DomainName name, Page page, String damage) {
        PageSink.Page fresh = null;
        try {
            fresh = sink.create(name);
            PageWriter writer = new PageWriter(fresh.segment());
            writer.initialise(writerPid, heartbeatPeriodMs, vmclock.counterId());
            int id = page.domain.id();
            long offset = page.domain.timeOffsetSeconds();
            hypervisor.destroyDomain(id);
            Domain domain = hypervisor.buildDomain(id, DomainKind.PV, offset, fresh.segment());
            PageSink.Page old = page.file;
            page.domain = domain;
            page.file = fresh;
            page.writer = writer;
            page.stepGeneration++;
            SyncState sync = syncState();
            publishExtension(name, page, PushReason.REPAIR, sync);
            publishVmclock(page, sync);
            writer.heartbeat(monotonic.nanos());
            fresh.publish();
            old.close();
            page.unrepaired = null;
            observer.pageRepaired(name, damage, fresh.where());
            return true;
        } catch (IOException | RuntimeException e) {
            if (fresh != null) {
                fresh.close();
            }
            String why = damage + "; recreating it failed: " + e.getMessage();
            if (!why.equals(page.unrepaired)) {
                observer.pageRepairFailed(name, why);
            }
            page.unrepaired = why;
            return false;
        }
    }

    /**
     * The hypervisor's domain behind a domain of this daemon (the simulator boots its guests on it).
     *
     * @throws IllegalArgumentException if there is no such domain
     */
    public Domain domainOf(DomainSpec spec) {
        return page(spec).domain;
    }

    /** The page of a domain of this daemon, as a reader would map it. */
    public MemorySegment pageOf(DomainSpec spec) {
        return page(spec).file.segment();
    }

    private Page page(DomainSpec spec) {
        Page page = pages.get(spec.name());
        if (page == null) {
            throw new IllegalArgumentException("no domain " + spec.name() + ": existing domains are " + pages.keySet());
        }
        return page;
    }

    /** False while some damaged page could not be recreated (its readers see it go stale). */
    public boolean allPagesWritten() {
        return pages.values().stream().allMatch(p -> p.unrepaired == null);
    }

    public List<DomainInfo> domains() {
        List<DomainInfo> out = new ArrayList<>();
        pages.forEach((name, p) ->
                out.add(new DomainInfo(name, p.domain.id(), publishedOffset(p), p.stepGeneration, p.file.where())));
        return out;
    }

    /** The hypervisor's wallclock W in ns since the epoch (before any domain's offset). */
    public long wallclockNs() {
        return hypervisor.wallclock().toEpochNanos();
    }

    /** The last vmclock calibration (INITIALIZING, or the published counter relation). */
    public VmclockCalibrator.Result vmclockCalibration() {
        return vmclock.result();
    }

    /** How many counter disruptions the calibration saw. */
    public long vmclockDisruptions() {
        return vmclock.disruptions();
    }

    /** The agent's counters, for logs and tests. */
    public Dom0SyncAgent agent() {
        return agent;
    }

    /** Unmaps every page; the files stay (a restarted daemon repairs and reuses them). The sink stays open. */
    @Override
    public void close() {
        for (Page page : pages.values()) {
            page.file.close();
        }
        pages.clear();
    }
}
