package io.wallsync.core.xen;

/** What kind of domain a {@link Domain} is. */
public enum DomainKind {
    /** The control domain, dom0: the only privileged domain, the one that may call platform_op. */
    CONTROL,
    /** A paravirtualised guest: reads the wallclock from shared_info. */
    PV,
    /** A fully virtualised guest: sees the wallclock through the emulated CMOS RTC. */
    HVM
}
