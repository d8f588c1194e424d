package io.wallsync.core.xen;

/**
 * A domain of the {@link Hypervisor}: its id, kind, shared_info page and time_offset. Created by
 * {@link Hypervisor#createDomain} and built by {@link Hypervisor#initialiseVcpu0}; the hypervisor owns its mutable state (the time offset), callers
 * read it.
 */
public final class Domain {
    private final int id;
    private final DomainKind kind;
    private final SharedInfo sharedInfo;
    private long timeOffsetSeconds;
    private boolean vcpu0Initialised;

    Domain(int id, DomainKind kind, SharedInfo sharedInfo, long timeOffsetSeconds) {
        this.id = id;
        this.kind = kind;
        this.sharedInfo = sharedInfo;
        this.timeOffsetSeconds = timeOffsetSeconds;
    }

    /** The domain id (domid_t); 0 is the control domain. */
    public int id() {
        return id;
    }

    public DomainKind kind() {
        return kind;
    }

    /** Whether this domain may call privileged hypercalls: only the control domain. */
    public boolean privileged() {
        return kind == DomainKind.CONTROL;
    }

    /** The domain's shared_info page. */
    public SharedInfo sharedInfo() {
        return sharedInfo;
    }

    /**
     * Xen's {@code d->time_offset.seconds}: added to W.sec when this domain's wallclock is
     * published (an HVM guest that writes its RTC changes it).
     */
    public long timeOffsetSeconds() {
        return timeOffsetSeconds;
    }

    void timeOffsetSeconds(long seconds) {
        this.timeOffsetSeconds = seconds;
    }

    /**
     * Whether vcpu 0 has been initialised (Xen's {@code v->is_initialised}): set by
     * {@link Hypervisor#initialiseVcpu0}.
     */
    public boolean vcpu0Initialised() {
        return vcpu0Initialised;
    }

    void markVcpu0Initialised() {
        this.vcpu0Initialised = true;
    }

    @Override
    public String toString() {
        return "Domain[id=" + id + ", kind=" + kind + ", timeOffsetSeconds=" + timeOffsetSeconds + ", vcpu0Initialised="
                + vcpu0Initialised + "]";
    }
}
