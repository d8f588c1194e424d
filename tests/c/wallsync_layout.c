/*
 * Prints the layout the C compiler gives the page's structures, one line per field:
 *   STRUCT FIELD OFFSET SIZE
 * from the upstream headers (upstream_abi.h) and from include/wallsync.h (struct wallsync_page and
 * the WALLSYNC_*_OFFSET macros). PageAbiConsistencyTest compares every line with the Java
 * descriptors; nothing here is computed by hand.
 */
#include <stddef.h>
#include <stdio.h>

#include "upstream_abi.h"
#include "wallsync.h"

#define FIELD(s, f) printf("%s %s %zu %zu\n", #s, #f, offsetof(struct s, f), sizeof(((struct s *)0)->f))
#define PAGE(f, name) printf("wallsync_page %s %zu %zu\n", name, offsetof(struct wallsync_page, f), \
                             sizeof(((struct wallsync_page *)0)->f))
/* 1 when the member's type is signed: -1 stored in it does not compare greater than 0. */
#define SIGN(f, name) (p.f = 0, p.f -= 1, printf("signed %s %d 0\n", name, p.f > 0 ? 0 : 1))

int main(void) {
    FIELD(shared_info, vcpu_info);
    FIELD(shared_info, evtchn_pending);
    FIELD(shared_info, evtchn_mask);
    FIELD(shared_info, wc_version);
    FIELD(shared_info, wc_sec);
    FIELD(shared_info, wc_nsec);
    FIELD(shared_info, wc_sec_hi);
    FIELD(shared_info, arch);
    printf("shared_info sizeof 0 %zu\n", sizeof(struct shared_info));
    FIELD(vcpu_info, time);
    printf("vcpu_info sizeof 0 %zu\n", sizeof(struct vcpu_info));
    FIELD(vcpu_time_info, version);
    FIELD(vcpu_time_info, pad0);
    FIELD(vcpu_time_info, tsc_timestamp);
    FIELD(vcpu_time_info, system_time);
    FIELD(vcpu_time_info, tsc_to_system_mul);
    FIELD(vcpu_time_info, tsc_shift);
    FIELD(vcpu_time_info, flags);
    FIELD(vcpu_time_info, pad1);
    printf("vcpu_time_info sizeof 0 %zu\n", sizeof(struct vcpu_time_info));
    FIELD(pvclock_vcpu_time_info, version);
    FIELD(pvclock_vcpu_time_info, pad0);
    FIELD(pvclock_vcpu_time_info, tsc_timestamp);
    FIELD(pvclock_vcpu_time_info, system_time);
    FIELD(pvclock_vcpu_time_info, tsc_to_system_mul);
    FIELD(pvclock_vcpu_time_info, tsc_shift);
    FIELD(pvclock_vcpu_time_info, flags);
    FIELD(pvclock_vcpu_time_info, pad);
    printf("pvclock_vcpu_time_info sizeof 0 %zu\n", sizeof(struct pvclock_vcpu_time_info));

    PAGE(wc_version, "wc_version");
    PAGE(wc_sec, "wc_sec");
    PAGE(wc_nsec, "wc_nsec");
    PAGE(wc_sec_hi, "wc_sec_hi");
    PAGE(xen_arch_shared_info, "arch_shared_info");
    PAGE(ext.magic, "magic");
    PAGE(ext.layout_version, "layout_version");
    PAGE(ext.extension_size, "extension_size");
    PAGE(ext.seq_count, "seq_count");
    PAGE(ext.clock_status, "clock_status");
    PAGE(ext.leap_indicator, "leap_indicator");
    PAGE(ext.tai_offset_sec, "tai_offset_sec");
    PAGE(ext.disruption_marker, "disruption_marker");
    PAGE(ext.flags, "flags");
    PAGE(ext.time_esterror_nanosec, "time_esterror_nanosec");
    PAGE(ext.time_maxerror_nanosec, "time_maxerror_nanosec");
    PAGE(ext.last_push_monotonic_ns, "last_push_monotonic_ns");
    PAGE(ext.last_push_reason, "last_push_reason");
    PAGE(ext.time_offset_sec, "time_offset_sec");
    PAGE(ext.heartbeat_monotonic_ns, "heartbeat_monotonic_ns");
    PAGE(ext.heartbeat_period_ms, "heartbeat_period_ms");
    PAGE(ext.writer_pid, "writer_pid");
    PAGE(ext.reserved, "reserved");
    printf("wallsync_page sizeof 0 %zu\n", sizeof(struct wallsync_page));
    /* Signedness of every scalar member of the extension. */
    struct wallsync_page p = {0};
    SIGN(ext.magic, "magic");
    SIGN(ext.layout_version, "layout_version");
    SIGN(ext.extension_size, "extension_size");
    SIGN(ext.seq_count, "seq_count");
    SIGN(ext.clock_status, "clock_status");
    SIGN(ext.leap_indicator, "leap_indicator");
    SIGN(ext.tai_offset_sec, "tai_offset_sec");
    SIGN(ext.disruption_marker, "disruption_marker");
    SIGN(ext.flags, "flags");
    SIGN(ext.time_esterror_nanosec, "time_esterror_nanosec");
    SIGN(ext.time_maxerror_nanosec, "time_maxerror_nanosec");
    SIGN(ext.last_push_monotonic_ns, "last_push_monotonic_ns");
    SIGN(ext.last_push_reason, "last_push_reason");
    SIGN(ext.time_offset_sec, "time_offset_sec");
    SIGN(ext.heartbeat_monotonic_ns, "heartbeat_monotonic_ns");
    SIGN(ext.heartbeat_period_ms, "heartbeat_period_ms");
    SIGN(ext.writer_pid, "writer_pid");
    return 0;
}
