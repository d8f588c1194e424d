package io.wallsync.core.xen;

import io.wallsync.core.clocksource.PvclockScale;
import io.wallsync.core.port.CycleCounter;
import io.wallsync.core.port.MonotonicClock;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The Xen hypervisor's timekeeping: its own system time (nanoseconds since it booted, read from an
 * injected clock that may drift from true time), the wallclock W ("at system time 0 the date was
 * W"), and domains, each with a shared_info page and a time_offset.
 *
 * <p>Behaviour follows Xen 4.23-dev (xen-project/xen c447b7308b; older releases not checked for the
 * paths below): {@code do_platform_op} (xen/arch/x86/platform_hypercall.c), {@code do_settime} and
 * {@code update_domain_wallclock_time} (xen/common/time.c), {@code update_vcpu_system_time}
 * (xen/arch/x86/time.c). Not thread-safe: the caller serialises calls (Xen's
 * {@code xenpf_lock}/{@code wc_lock}); guests may read the pages concurrently.
 *
 * <p>A domain's life follows the x86 toolstack's order: {@link #createDomain} is
 * {@code XEN_DOMCTL_createdomain} and leaves shared_info all zero (wc_version 0; x86's
 * {@code arch_domain_create} does not publish the wallclock, only Arm's does);
 * {@link #initialiseVcpu0} is the domain build that sets vcpu 0's context and publishes the
 * wallclock ({@code arch_set_info_guest}, or {@code dom0_construct} (PV) or {@code pvh_setup_cpus} (PVH)
 * for dom0); {@link #buildDomain} does both, as a toolstack's domain build does. An HVM domU's
 * wallclock is published only when the guest itself latches its shared_info size
 * ({@link #hvmLatchSharedInfoSize}), by a settime, or by a time_offset change.
 */
public final class Hypervisor {
    /** DOMID_FIRST_RESERVED (xen/include/public/xen.h): ids from 0x7FF0 up are special. */
    public static final int DOMID_FIRST_RESERVED = 0x7FF0;

    /** The id of the control domain. */
    public static final int DOM0 = 0;

    private final MonotonicClock systemTimeNs;
    private final CycleCounter counter;
    private final PvclockScale scale;
    private final TreeMap<Integer, Domain> domains = new TreeMap<>();
    private Wallclock wallclock;
    private long settimeCount;
    private long platformOpCount;
    private long failedPlatformOpCount;

    /**
     * A hypervisor whose wallclock starts at the epoch (as if the CMOS RTC read 1970) and whose
     * vcpu_time_info uses the system time itself as a 1 GHz counter.
     */
    public Hypervisor(MonotonicClock systemTimeNs) {
        this(systemTimeNs, Wallclock.EPOCH);
    }

    /**
     * A hypervisor whose wallclock starts at {@code bootWallclock}: what Xen's
     * {@code init_xen_time} reads from the CMOS RTC at boot (possibly wrong by hours), as W.
     */
    public Hypervisor(MonotonicClock systemTimeNs, Wallclock bootWallclock) {
        this(systemTimeNs, bootWallclock, systemTimeNs::nanos, PvclockScale.forFrequencyHz(1_000_000_000L));
    }

    /**
     * A hypervisor with a hardware counter for vcpu_time_info.
     *
     * @param systemTimeNs Xen system time (ns since boot); may drift from true time
     * @param bootWallclock the initial W
     * @param counter the counter (TSC) guests read
     * @param scale the counter's tick-to-ns scale published in vcpu_time_info
     */
    public Hypervisor(MonotonicClock systemTimeNs, Wallclock bootWallclock, CycleCounter counter, PvclockScale scale) {
        this.systemTimeNs = Objects.requireNonNull(systemTimeNs, "systemTimeNs");
        this.wallclock = Objects.requireNonNull(bootWallclock, "bootWallclock");
        this.counter = Objects.requireNonNull(counter, "counter");
        this.scale = Objects.requireNonNull(scale, "scale"); // |shift| <= 63 always fits the s8 field
    }

    /** Xen system time now: Xen's {@code NOW()}. */
    public long systemTimeNs() {
        return systemTimeNs.nanos();
    }

    /** W: the wall time at system time 0. */
    public Wallclock wallclock() {
        return wallclock;
    }

    /** The hypervisor's idea of the date now: W + system time (before any domain's offset). */
    public Wallclock wallTimeNow() {
        return wallclock.plusNanos(systemTimeNs());
    }

    /** How many settime32/settime64 calls succeeded. */
    public long settimeCount() {
        return settimeCount;
    }

    /** How many platform_op calls were made. */
    public long platformOpCount() {
        return platformOpCount;
    }

    /** How many platform_op calls failed with an errno. */
    public long failedPlatformOpCount() {
        return failedPlatformOpCount;
    }

    /**
     * Creates a domain with a fresh heap page ({@code XEN_DOMCTL_createdomain}): its shared_info
     * stays all zero until {@link #initialiseVcpu0}. {@link DomainKind#CONTROL} becomes domain 0;
     * other kinds get the next id above every existing one (at least 1).
     */
    public Domain createDomain(DomainKind kind, long timeOffsetSeconds) {
        return createDomain(kind, timeOffsetSeconds, SharedInfo.allocate().segment());
    }

    /** As {@link #createDomain(DomainKind, long)}, with a caller-supplied shared_info page. */
    public Domain createDomain(DomainKind kind, long timeOffsetSeconds, MemorySegment sharedInfo) {
        Objects.requireNonNull(kind, "kind");
        int id = kind == DomainKind.CONTROL ? DOM0 : (domains.isEmpty() ? 1 : Math.max(1, domains.lastKey() + 1));
        return createDomain(id, kind, timeOffsetSeconds, sharedInfo);
    }

    /**
     * Creates domain {@code domainId}. Domain 0 must be the control domain and the control domain
     * must be domain 0, so dom0 is the only privileged domain. Like x86 Xen, nothing is written to
     * the new domain's shared_info (wc_version and wc_* stay 0) until vcpu 0 is initialised
     * ({@link #initialiseVcpu0}); a settime meanwhile does reach it ({@code do_settime} updates
     * {@code for_each_domain}).
     *
     * @throws IllegalArgumentException for an id in use, out of 0..0x7FEF, or a kind/id mismatch
     */
    public Domain createDomain(int domainId, DomainKind kind, long timeOffsetSeconds, MemorySegment sharedInfo) {
        Objects.requireNonNull(kind, "kind");
        if (domainId < 0 || domainId >= DOMID_FIRST_RESERVED) {
            throw new IllegalArgumentException(
                    "domain id " + domainId + " out of range: expected 0.." + (DOMID_FIRST_RESERVED - 1));
        }
        if ((domainId == DOM0) != (kind == DomainKind.CONTROL)) {
            throw new IllegalArgumentException("domain " + domainId + " of kind " + kind
                    + ": domain 0 must be CONTROL and only domain 0 may be CONTROL");
        }
        if (domains.containsKey(domainId)) {
            throw new IllegalArgumentException("domain " + domainId + " already exists");
        }
        Domain domain = new Domain(domainId, kind, new SharedInfo(sharedInfo), timeOffsetSeconds);
        domains.put(domainId, domain);
        return domain;
    }

    /** {@link #createDomain(DomainKind, long)} then {@link #initialiseVcpu0}: a built domain. */
    public Domain buildDomain(DomainKind kind, long timeOffsetSeconds) {
        return initialiseVcpu0(createDomain(kind, timeOffsetSeconds));
    }

    /** {@link #createDomain(DomainKind, long, MemorySegment)} then {@link #initialiseVcpu0}. */
    public Domain buildDomain(DomainKind kind, long timeOffsetSeconds, MemorySegment sharedInfo) {
        return initialiseVcpu0(createDomain(kind, timeOffsetSeconds, sharedInfo));
    }

    /** {@link #createDomain(int, DomainKind, long, MemorySegment)} then {@link #initialiseVcpu0}. */
    public Domain buildDomain(int domainId, DomainKind kind, long timeOffsetSeconds, MemorySegment sharedInfo) {
        return initialiseVcpu0(createDomain(domainId, kind, timeOffsetSeconds, sharedInfo));
    }

    /**
     * Initialises vcpu 0 of domain {@code domainId}, as the domain build does
     * ({@code XEN_DOMCTL_setvcpucontext} from the toolstack, or Xen's own dom0 build):
     *
     * <ul>
     *   <li>PV domU: {@code arch_set_info_guest} (xen/arch/x86/domain.c) ends with
     *       {@code if ( v->vcpu_id == 0 ) update_domain_wallclock_time(d);}: W.sec + time_offset
     *       and W.nsec are published, wc_version + 2;
     *   <li>dom0 ({@link DomainKind#CONTROL}): {@code dom0_construct} (xen/arch/x86/pv/dom0_build.c)
     *       and {@code pvh_setup_cpus} (xen/arch/x86/hvm/dom0_build.c) call
     *       {@code update_domain_wallclock_time(d)}: published;
     *   <li>HVM domU: {@code arch_set_info_guest} takes its HVM branch ({@code hvm_set_info_guest(v);
     *       goto out;}), which skips the call: not published (see {@link #hvmLatchSharedInfoSize}).
     * </ul>
     *
     * vcpu 0's vcpu_time_info is published too, standing for its first schedule
     * ({@code context_switch} -> {@code update_vcpu_system_time(next)}), which follows. A second
     * call does nothing: {@code if ( v->is_initialised ) goto out;} skips the wallclock.
     *
     * @throws IllegalArgumentException if there is no domain {@code domainId}
     */
    public void initialiseVcpu0(int domainId) {
        initialiseVcpu0(domain(domainId));
    }

    private Domain initialiseVcpu0(Domain d) {
        if (d.vcpu0Initialised()) {
            return d;
        }
        d.markVcpu0Initialised();
        if (d.kind() != DomainKind.HVM) {
            updateDomainWallclockTime(d);
        }
        updateVcpuTime(d);
        return d;
    }

    /**
     * An HVM guest's own PV-driver set-up: setting {@code HVM_PARAM_CALLBACK_IRQ} or initialising
     * its hypercall page ({@code hvm_set_param}, {@code hvm_init_hypercall_page} ->
     * {@code hvm_latch_shinfo_size} in xen/arch/x86/hvm/hvm.c), which publishes the wallclock
     * ("Make sure that the timebase in the shared info structure is correct").
     *
     * @throws IllegalArgumentException if there is no such domain or it is not HVM
     */
    public void hvmLatchSharedInfoSize(int domainId) {
        Domain d = domain(domainId);
        if (d.kind() != DomainKind.HVM) {
            throw new IllegalArgumentException(
                    "domain " + domainId + " is " + d.kind() + ": hvm_latch_shinfo_size is for HVM domains only");
        }
        updateDomainWallclockTime(d);
    }

    /**
     * Destroys domain {@code domainId} (Xen's {@code domain_kill}): the hypervisor stops writing its
     * shared_info, and the id may be used again. Domain 0 cannot be destroyed.
     *
     * @throws IllegalArgumentException for domain 0 or an id that does not exist
     */
    public void destroyDomain(int domainId) {
        if (domainId == DOM0) {
            throw new IllegalArgumentException("domain 0 (the control domain) cannot be destroyed");
        }
        if (domains.remove(domainId) == null) {
            throw new IllegalArgumentException("no domain " + domainId + ": existing domains are " + domains.keySet());
        }
    }

    /** The domain with this id, if it exists. */
    public Optional<Domain> findDomain(int domainId) {
        return Optional.ofNullable(domains.get(domainId));
    }

    /**
     * The domain with this id.
     *
     * @throws IllegalArgumentException if there is none
     */
    public Domain domain(int domainId) {
        Domain d = domains.get(domainId);
        if (d == null) {
            throw new IllegalArgumentException("no domain " + domainId + ": existing domains are " + domains.keySet());
        }
        return d;
    }

    /** All domains, by id. */
    public List<Domain> domains() {
        return Collections.unmodifiableList(new ArrayList<>(domains.values()));
    }

    /**
     * Sets a domain's time_offset and republishes its wallclock (Xen's
     * {@code domain_set_time_offset}).
     */
    public void setTimeOffset(int domainId, long timeOffsetSeconds) {
        Domain d = domain(domainId);
        d.timeOffsetSeconds(timeOffsetSeconds);
        updateDomainWallclockTime(d);
    }

    /**
     * Publishes vcpu 0's vcpu_time_info of a domain: (counter now, system time now, scale,
     * TSC_STABLE), as Xen's {@code update_vcpu_system_time} does on every vcpu schedule and
     * calibration.
     */
    public void updateVcpuTime(int domainId) {
        updateVcpuTime(domain(domainId));
    }

    private void updateVcpuTime(Domain d) {
        d.sharedInfo()
                .vcpuTimeInfo(0)
                .publish(counter.read(), systemTimeNs.nanos(), scale, VcpuTimeInfoLayout.FLAG_TSC_STABLE);
    }

    /** {@link #platformOp(int, MemorySegment)} over a byte array. */
    public PlatformOpResult platformOp(int callerDomainId, byte[] op) {
        return platformOp(callerDomainId, MemorySegment.ofArray(Objects.requireNonNull(op, "op")));
    }

    /**
     * The {@code __HYPERVISOR_platform_op} hypercall made by domain {@code callerDomainId}, with
     * the checks in Xen's order (xen/arch/x86/platform_hypercall.c, {@code do_platform_op}):
     *
     * <ol>
     *   <li>-EFAULT: fewer than 136 bytes ({@code copy_from_guest} of the whole struct);
     *   <li>-EACCES: interface_version != 0x03000001;
     *   <li>-EPERM: caller is not the control domain ({@code xsm_platform_op(XSM_PRIV, cmd)});
     *   <li>-ENOSYS: cmd is neither settime32 nor settime64 (the {@code default:} case);
     *   <li>-EINVAL: settime64 with mbz != 0 ({@code case XENPF_settime64: if (
     *       likely(!op->u.settime64.mbz)) do_settime(...); else ret = -EINVAL;}). That is the only
     *       check: nsecs is not range-checked by Xen (4.23-dev, and every release since settime64
     *       came in 4.6), so nsecs &gt;= 10^9 is accepted with rc 0 and {@code do_settime} carries
     *       the excess nanoseconds into the seconds.
     * </ol>
     *
     * Then {@code do_settime}: W = secs*10^9 + nsecs - system_time and every domain's shared_info
     * is republished.
     *
     * @throws IllegalArgumentException if no domain {@code callerDomainId} exists (a caller bug:
     *     in Xen the caller is always a running domain)
     */
    public PlatformOpResult platformOp(int callerDomainId, MemorySegment op) {
        Domain caller = domain(callerDomainId);
        platformOpCount++;
        PlatformOpResult result = execute(caller, PlatformOp.decode(op));
        if (result instanceof PlatformOpResult.Failed) {
            failedPlatformOpCount++;
        }
        return result;
    }

    private PlatformOpResult execute(Domain caller, PlatformOp.Decoding decoding) {
        return switch (decoding) {
            case PlatformOp.Decoding.Rejected(XenErrno errno, String why) -> new PlatformOpResult.Failed(errno, why);
            case PlatformOp.Decoding.Decoded(PlatformOpCommand command) -> {
                if (!caller.privileged()) {
                    yield new PlatformOpResult.Failed(
                            XenErrno.EPERM,
                            "domain " + caller.id() + " (" + caller.kind()
                                    + ") is not privileged: only the control domain 0 may call platform_op");
                }
                yield switch (command) {
                    case PlatformOpCommand.Settime32 s -> settime(s.secs(), s.nsecs(), s.systemTimeNs());
                    case PlatformOpCommand.Settime64 s -> {
                        if (s.mbz() != 0) {
                            yield new PlatformOpResult.Failed(
                                    XenErrno.EINVAL,
                                    "settime64 mbz = " + Integer.toUnsignedString(s.mbz()) + ": expected 0");
                        }
                        yield settime(s.secs(), s.nsecs(), s.systemTimeNs());
                    }
                    case PlatformOpCommand.Unknown u ->
                        new PlatformOpResult.Failed(
                                XenErrno.ENOSYS,
                                "platform_op cmd " + Integer.toUnsignedString(u.cmd())
                                        + " not implemented: expected XENPF_settime32 (17) or XENPF_settime64 (62)");
                };
            }
        };
    }

    /**
     * Xen's {@code do_settime(secs, nsecs, system_time_base)} (xen/common/time.c): in u64
     * arithmetic, x = secs*10^9 + nsecs - system_time; W.sec = x / 10^9, W.nsec = x % 10^9
     * ({@code do_div}); then {@code update_domain_wallclock_time} for every domain. The unsigned
     * wrap-around is Xen's: a system_time beyond the wall time wraps like the C code.
     */
    private PlatformOpResult settime(long secs, int nsecs, long systemTimeBaseNs) {
        long x = secs * Wallclock.NANOS_PER_SECOND + Integer.toUnsignedLong(nsecs) - systemTimeBaseNs;
        wallclock = new Wallclock(Long.divideUnsigned(x, Wallclock.NANOS_PER_SECOND), (int)
                Long.remainderUnsigned(x, Wallclock.NANOS_PER_SECOND));
        for (Domain d : domains.values()) {
            updateDomainWallclockTime(d);
        }
        settimeCount++;
        return new PlatformOpResult.Done();
    }

    /** Xen's {@code update_domain_wallclock_time}: sec = W.sec + d->time_offset.seconds. */
    private void updateDomainWallclockTime(Domain d) {
        d.sharedInfo().publishWallclock(wallclock.seconds() + d.timeOffsetSeconds(), wallclock.nanos());
    }
}
