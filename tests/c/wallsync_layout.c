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
    FIELD(vmclock_abi, magic);
    FIELD(vmclock_abi, size);
    FIELD(vmclock_abi, version);
    FIELD(vmclock_abi, counter_id);
    FIELD(vmclock_abi, time_type);
    FIELD(vmclock_abi, seq_count);
    FIELD(vmclock_abi, disruption_marker);
    FIELD(vmclock_abi, flags);
    FIELD(vmclock_abi, pad);
    FIELD(vmclock_abi, clock_status);
    FIELD(vmclock_abi, leap_second_smearing_hint);
    FIELD(vmclock_abi, tai_offset_sec);
    FIELD(vmclock_abi, leap_indicator);
    FIELD(vmclock_abi, counter_period_shift);
    FIELD(vmclock_abi, counter_value);
    FIELD(vmclock_abi, counter_period_frac_sec);
    FIELD(vmclock_abi, counter_period_esterror_rate_frac_sec);
    FIELD(vmclock_abi, counter_period_maxerror_rate_frac_sec);
    FIELD(vmclock_abi, time_sec);
    FIELD(vmclock_abi, time_frac_sec);
    FIELD(vmclock_abi, time_esterror_nanosec);
    FIELD(vmclock_abi, time_maxerror_nanosec);
    FIELD(vmclock_abi, vm_generation_counter);
    printf("vmclock_abi sizeof 0 %zu\n", sizeof(struct vmclock_abi));

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
    /* The vmclock part of the page, named vmclock_<field> (magic, seq_count, ... exist twice). */
    PAGE(vmclock.magic, "vmclock_magic");
    PAGE(vmclock.size, "vmclock_size");
    PAGE(vmclock.version, "vmclock_version");
    PAGE(vmclock.counter_id, "vmclock_counter_id");
    PAGE(vmclock.time_type, "vmclock_time_type");
    PAGE(vmclock.seq_count, "vmclock_seq_count");
    PAGE(vmclock.disruption_marker, "vmclock_disruption_marker");
    PAGE(vmclock.flags, "vmclock_flags");
    PAGE(vmclock.pad, "vmclock_pad");
    PAGE(vmclock.clock_status, "vmclock_clock_status");
    PAGE(vmclock.leap_second_smearing_hint, "vmclock_leap_second_smearing_hint");
    PAGE(vmclock.tai_offset_sec, "vmclock_tai_offset_sec");
    PAGE(vmclock.leap_indicator, "vmclock_leap_indicator");
    PAGE(vmclock.counter_period_shift, "vmclock_counter_period_shift");
    PAGE(vmclock.counter_value, "vmclock_counter_value");
    PAGE(vmclock.counter_period_frac_sec, "vmclock_counter_period_frac_sec");
    PAGE(vmclock.counter_period_esterror_rate_frac_sec, "vmclock_counter_period_esterror_rate_frac_sec");
    PAGE(vmclock.counter_period_maxerror_rate_frac_sec, "vmclock_counter_period_maxerror_rate_frac_sec");
    PAGE(vmclock.time_sec, "vmclock_time_sec");
    PAGE(vmclock.time_frac_sec, "vmclock_time_frac_sec");
    PAGE(vmclock.time_esterror_nanosec, "vmclock_time_esterror_nanosec");
    PAGE(vmclock.time_maxerror_nanosec, "vmclock_time_maxerror_nanosec");
    PAGE(vmclock.vm_generation_counter, "vmclock_vm_generation_counter");
    printf("wallsync_page sizeof 0 %zu\n", sizeof(struct wallsync_page));
    printf("wallsync_vmclock sizeof 0 %zu\n", sizeof(struct wallsync_vmclock));
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
    SIGN(vmclock.magic, "vmclock_magic");
    SIGN(vmclock.size, "vmclock_size");
    SIGN(vmclock.version, "vmclock_version");
    SIGN(vmclock.counter_id, "vmclock_counter_id");
    SIGN(vmclock.time_type, "vmclock_time_type");
    SIGN(vmclock.seq_count, "vmclock_seq_count");
    SIGN(vmclock.disruption_marker, "vmclock_disruption_marker");
    SIGN(vmclock.flags, "vmclock_flags");
    SIGN(vmclock.clock_status, "vmclock_clock_status");
    SIGN(vmclock.leap_second_smearing_hint, "vmclock_leap_second_smearing_hint");
    SIGN(vmclock.tai_offset_sec, "vmclock_tai_offset_sec");
    SIGN(vmclock.leap_indicator, "vmclock_leap_indicator");
    SIGN(vmclock.counter_period_shift, "vmclock_counter_period_shift");
    SIGN(vmclock.counter_value, "vmclock_counter_value");
    SIGN(vmclock.counter_period_frac_sec, "vmclock_counter_period_frac_sec");
    SIGN(vmclock.counter_period_esterror_rate_frac_sec, "vmclock_counter_period_esterror_rate_frac_sec");
    SIGN(vmclock.counter_period_maxerror_rate_frac_sec, "vmclock_counter_period_maxerror_rate_frac_sec");
    SIGN(vmclock.time_sec, "vmclock_time_sec");
    SIGN(vmclock.time_frac_sec, "vmclock_time_frac_sec");
    SIGN(vmclock.time_esterror_nanosec, "vmclock_time_esterror_nanosec");
    SIGN(vmclock.time_maxerror_nanosec, "vmclock_time_maxerror_nanosec");
    SIGN(vmclock.vm_generation_counter, "vmclock_vm_generation_counter");
    return 0;
}
