/*
 * wallsync.h - read a wallsync page (the host wallclock published by `wallsync serve`).
 *
 * Header only, C99 + GCC/Clang __atomic builtins, Linux, little-endian. Two readers:
 *  - wallsync_now: wc + clock_gettime(CLOCK_MONOTONIC) (a vDSO call), every page layout;
 *  - wallsync_vmclock_now / wallsync_vmclock_read: the page v2 counter path, rdtsc + the vmclock
 *    seqlock and no clock call at all; where the counter path is not usable they fall back to
 *    wallsync_now and say so (WALLSYNC_PATH_MONOTONIC_*). Neither allocates; neither can hang.
 *
 * Page v2 (layout 2, 8192 bytes, WALLSYNC_PAGE_SIZE) = page v1 (layout 1, 4096 bytes,
 * WALLSYNC_PAGE_V1_SIZE, what an older daemon writes) + a Linux struct vmclock_abi at 4096. Map
 * WALLSYNC_PAGE_SIZE bytes either way: the functions here look at layout_version before they touch
 * byte 4096, so the second page of a layout-1 file (beyond its end) is never read.
 *
 * Bytes 0..4095, little-endian. Bytes 0..3135 are the Xen x86_64 struct shared_info, so a reader
 * written for Xen's wallclock works unchanged; the wallsync extension follows.
 *
 *  offset  size  field                   meaning
 *  3072    u32   wc_version              Xen seqlock: odd while the daemon writes wc_*
 *  3076    u32   wc_sec                  low 32 bits of wall seconds at CLOCK_MONOTONIC = 0
 *  3080    u32   wc_nsec                 nanoseconds
 *  3084    u32   wc_sec_hi               high 32 bits of wall seconds
 *  3136    u32   magic                   0x434e5957 ("WYNC")
 *  3140    u16   layout_version          2 (1: a 4096-byte page v1 of an older daemon)
 *  3142    u16   extension_size          96
 *  3144    u32   seq_count               extension seqlock (vmclock seq_count)
 *  3148    u8    clock_status            vmclock VMCLOCK_STATUS_*
 *  3149    u8    leap_indicator          vmclock VMCLOCK_LEAP_*
 *  3150    s16   tai_offset_sec
 *  3152    u64   disruption_marker       step generation: changes on every step
 *  3160    u64   flags                   vmclock VMCLOCK_FLAG_* (bits 0, 5, 6)
 *  3168    u64   time_esterror_nanosec
 *  3176    u64   time_maxerror_nanosec   host CLOCK_REALTIME against UTC (adjtimex maxerror)
 *  3184    s64   last_push_monotonic_ns
 *  3192    u32   last_push_reason        1 start, 2 step, 3 periodic, 4 offset change, 5 repair, 6 retry
 *  3196    s32   time_offset_sec         seconds, -2^31..2^31-1, already included in wc_*
 *  3200    s64   heartbeat_monotonic_ns  outside the seqlocks: one aligned 64-bit store
 *  3208    u32   heartbeat_period_ms
 *  3212    u32   writer_pid
 *  3216    u64[2] reserved               zero; the extension ends at 3136 + 96 = 3232
 *
 * wall time = (wc_sec_hi:wc_sec) s + wc_nsec ns + CLOCK_MONOTONIC.
 *
 * Bytes 4096..8191 of a page v2: an exact Linux struct vmclock_abi (include/uapi/linux/vmclock-abi.h,
 * Linux 6.13, vm_generation_counter from 6.15), 112 bytes, then zero. Page offsets:
 *
 *  4096    u32   magic                   0x4b4c4356 ("VCLK")
 *  4100    u32   size                    4096: bytes of the region from 4096
 *  4104    u16   version                 1
 *  4106    u8    counter_id              1 X86_TSC; 0xff INVALID (no counter path)
 *  4107    u8    time_type               0 UTC
 *  4108    u32   seq_count               vmclock seqlock: odd while the daemon writes 4112..4207
 *  4112    u64   disruption_marker       changes when the counter calibration is disrupted
 *  4120    u64   flags                   WALLSYNC_VMCLOCK_FLAG_* (Linux VMCLOCK_FLAG_*)
 *  4128    u8[2] pad                     zero
 *  4130    u8    clock_status            WALLSYNC_STATUS_* (Linux VMCLOCK_STATUS_*)
 *  4131    u8    leap_second_smearing_hint  0 STRICT
 *  4132    s16   tai_offset_sec          TAI - UTC, valid with FLAG_TAI_OFFSET_VALID
 *  4134    u8    leap_indicator          WALLSYNC_VMCLOCK_LEAP_*
 *  4135    u8    counter_period_shift    shift of the period and its rates, 0..63
 *  4136    u64   counter_value           TSC value at which time_sec.time_frac_sec was the time
 *  4144    u64   counter_period_frac_sec TSC period in units of 2^-(64 + shift) s
 *  4152    u64   counter_period_esterror_rate_frac_sec  error of the period, same units
 *  4160    u64   counter_period_maxerror_rate_frac_sec  bound on that error, same units
 *  4168    u64   time_sec                seconds of the domain's wall time at counter_value
 *  4176    u64   time_frac_sec           fraction of that second, units of 2^-64 s
 *  4184    u64   time_esterror_nanosec   estimated error of that time (tracking, see below)
 *  4192    u64   time_maxerror_nanosec   bound on that error (tracking, see below)
 *  4200    u64   vm_generation_counter   Linux 6.15; wallsync: 0, VM_GEN_COUNTER_PRESENT clear
 *
 * What wallsync publishes there (the arithmetic is Linux drivers/ptp/ptp_vmclock.c
 * vmclock_get_crosststamp and mul_u64_u64_shr_add_u64):
 *  - time = time_sec + time_frac_sec * 2^-64 s at TSC == counter_value, and at a later TSC value
 *      t = time + ((TSC - counter_value) * counter_period_frac_sec) >> counter_period_shift
 *    (a 128-bit product in units of 2^-64 s, the fraction's carry going into the seconds);
 *    tv_nsec = (fraction * 10^9) >> 64 (rounded down). This is the domain's wall time, its offset
 *    applied (the same time as wc + CLOCK_MONOTONIC), UTC when time_type is UTC.
 *  - delta = TSC - counter_value is taken as a *signed* 64-bit number here: a TSC read on another
 *    CPU a few ticks before counter_value gives a time just before the reference, not 2^64 ticks
 *    after it (Linux takes it unsigned; tests/c/vmclock_linux_reader.c does exactly that).
 *  - maxerror at a read = time_maxerror_nanosec + (|delta| * counter_period_maxerror_rate_frac_sec
 *    >> shift) in ns, rounded up, when TIME_MAXERROR_VALID and PERIOD_MAXERROR_VALID are both set
 *    (the rate is in the period's units: error per tick); else unknown (UINT64_MAX). esterror the
 *    same with the ESTERROR fields. These bound the *tracking* error against the host's
 *    CLOCK_REALTIME (+ the domain's offset); the host's own error against UTC stays in the
 *    extension's time_maxerror_nanosec at 3176: a reader that wants a bound against UTC adds both.
 *  - the counter path is used only when the vmclock magic, version and size are right, time_type
 *    is UTC, counter_id is X86_TSC (and this is an x86_64 build), clock_status is SYNCHRONIZED or
 *    FREERUNNING, counter_period_frac_sec is not 0 and the shift is at most 63; otherwise the
 *    readers use wc + CLOCK_MONOTONIC and report which condition failed.
 *  - disruption_marker (4112) changes when the counter calibration is disrupted (daemon restart, a
 *    calibration that does not continue the previous one); the extension's disruption_marker
 *    (3152, the step generation) changes on every step of the wall time (host step, offset
 *    change). A reader that extrapolates on its own from an earlier read must drop that
 *    extrapolation when either changes. The readers here recompute from the page at every call.
 *  - staleness: the daemon republishes counter_value/time at every heartbeat, so on the counter
 *    path the age of the reference, |delta| * period, *is* the heartbeat age: older than the limit
 *    (stale_after_ns; 0: three heartbeat periods, at least 1 s, as wallsync_now) is
 *    WALLSYNC_ERR_STALE. That needs no CLOCK_MONOTONIC read; a dead daemon fails reads as before.
 *  - reading: seq = seq_count (acquire), odd -> retry; TSC = lfence; rdtsc (Linux
 *    rdtsc_ordered()); the fields; acquire fence; seq_count again, changed -> retry. Retries are
 *    bounded in real time like every other reader here (WALLSYNC_ERR_WRITER_STUCK).
 *
 * The same layout as C structs is struct wallsync_page and struct wallsync_vmclock below (checked
 * against the macros at compile time). The Java descriptors are io.wallsync.core.xen.SharedInfoLayout,
 * io.wallsync.core.page.PageExtensionLayout and (vmclock) io.wallsync.core.vmclock.VmclockLayout; a
 * test (PageAbiConsistencyTest) compiles this header and compares offsetof() with them and with a
 * copy of the Linux struct (tests/c/upstream_abi.h).
 */
#ifndef WALLSYNC_H
#define WALLSYNC_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "wallsync.h reads the little-endian page with native loads: little-endian targets only"
#endif

/* A page v2 (layout 2) file; map this many bytes. A page v1 (layout 1) file has the first 4096. */
#define WALLSYNC_PAGE_SIZE 8192
#define WALLSYNC_PAGE_V1_SIZE 4096
#define WALLSYNC_WC_VERSION_OFFSET 3072
#define WALLSYNC_WC_SEC_OFFSET 3076
#define WALLSYNC_WC_NSEC_OFFSET 3080
#define WALLSYNC_WC_SEC_HI_OFFSET 3084
#define WALLSYNC_MAGIC_OFFSET 3136
#define WALLSYNC_LAYOUT_VERSION_OFFSET 3140
#define WALLSYNC_EXTENSION_SIZE_OFFSET 3142
#define WALLSYNC_SEQ_COUNT_OFFSET 3144
#define WALLSYNC_CLOCK_STATUS_OFFSET 3148
#define WALLSYNC_LEAP_INDICATOR_OFFSET 3149
#define WALLSYNC_TAI_OFFSET_SEC_OFFSET 3150
#define WALLSYNC_DISRUPTION_MARKER_OFFSET 3152
#define WALLSYNC_FLAGS_OFFSET 3160
#define WALLSYNC_TIME_ESTERROR_NANOSEC_OFFSET 3168
#define WALLSYNC_TIME_MAXERROR_NANOSEC_OFFSET 3176
#define WALLSYNC_LAST_PUSH_MONOTONIC_NS_OFFSET 3184
#define WALLSYNC_LAST_PUSH_REASON_OFFSET 3192
#define WALLSYNC_TIME_OFFSET_SEC_OFFSET 3196
#define WALLSYNC_HEARTBEAT_MONOTONIC_NS_OFFSET 3200
#define WALLSYNC_HEARTBEAT_PERIOD_MS_OFFSET 3208
#define WALLSYNC_WRITER_PID_OFFSET 3212
#define WALLSYNC_RESERVED_OFFSET 3216
#define WALLSYNC_EXTENSION_SIZE 96

/* struct vmclock_abi in a page v2: it starts at WALLSYNC_VMCLOCK_START; offsets are page offsets. */
#define WALLSYNC_VMCLOCK_START 4096
#define WALLSYNC_VMCLOCK_MAGIC_OFFSET 4096
#define WALLSYNC_VMCLOCK_SIZE_OFFSET 4100
#define WALLSYNC_VMCLOCK_VERSION_OFFSET 4104
#define WALLSYNC_VMCLOCK_COUNTER_ID_OFFSET 4106
#define WALLSYNC_VMCLOCK_TIME_TYPE_OFFSET 4107
#define WALLSYNC_VMCLOCK_SEQ_COUNT_OFFSET 4108
#define WALLSYNC_VMCLOCK_DISRUPTION_MARKER_OFFSET 4112
#define WALLSYNC_VMCLOCK_FLAGS_OFFSET 4120
#define WALLSYNC_VMCLOCK_PAD_OFFSET 4128
#define WALLSYNC_VMCLOCK_CLOCK_STATUS_OFFSET 4130
#define WALLSYNC_VMCLOCK_LEAP_SECOND_SMEARING_HINT_OFFSET 4131
#define WALLSYNC_VMCLOCK_TAI_OFFSET_SEC_OFFSET 4132
#define WALLSYNC_VMCLOCK_LEAP_INDICATOR_OFFSET 4134
#define WALLSYNC_VMCLOCK_COUNTER_PERIOD_SHIFT_OFFSET 4135
#define WALLSYNC_VMCLOCK_COUNTER_VALUE_OFFSET 4136
#define WALLSYNC_VMCLOCK_COUNTER_PERIOD_FRAC_SEC_OFFSET 4144
#define WALLSYNC_VMCLOCK_COUNTER_PERIOD_ESTERROR_RATE_FRAC_SEC_OFFSET 4152
#define WALLSYNC_VMCLOCK_COUNTER_PERIOD_MAXERROR_RATE_FRAC_SEC_OFFSET 4160
#define WALLSYNC_VMCLOCK_TIME_SEC_OFFSET 4168
#define WALLSYNC_VMCLOCK_TIME_FRAC_SEC_OFFSET 4176
#define WALLSYNC_VMCLOCK_TIME_ESTERROR_NANOSEC_OFFSET 4184
#define WALLSYNC_VMCLOCK_TIME_MAXERROR_NANOSEC_OFFSET 4192
#define WALLSYNC_VMCLOCK_VM_GENERATION_COUNTER_OFFSET 4200
/* sizeof(struct vmclock_abi) up to vm_generation_counter; the value of its size field is 4096. */
#define WALLSYNC_VMCLOCK_ABI_SIZE 112
#define WALLSYNC_VMCLOCK_REGION_SIZE 4096

/*
 * The page as a C struct (natural alignment gives the offsets above: no padding anywhere).
 * Bytes 0..3071 (vcpu_info, event channels) and 3088..3135 (arch_shared_info) are Xen's and kept
 * opaque; readers use the seqlocked functions below, not plain loads of these members.
 */
struct wallsync_extension {
    uint32_t magic;
    uint16_t layout_version;
    uint16_t extension_size;
    uint32_t seq_count;
    uint8_t clock_status;
    uint8_t leap_indicator;
    int16_t tai_offset_sec;
    uint64_t disruption_marker;
    uint64_t flags;
    uint64_t time_esterror_nanosec;
    uint64_t time_maxerror_nanosec;
    int64_t last_push_monotonic_ns;
    uint32_t last_push_reason;
    int32_t time_offset_sec;
    int64_t heartbeat_monotonic_ns;
    uint32_t heartbeat_period_ms;
    uint32_t writer_pid;
    uint64_t reserved[2];
};

/* Linux struct vmclock_abi (include/uapi/linux/vmclock-abi.h), field for field. */
struct wallsync_vmclock {
    uint32_t magic;
    uint32_t size;
    uint16_t version;
    uint8_t counter_id;
    uint8_t time_type;
    uint32_t seq_count;
    uint64_t disruption_marker;
    uint64_t flags;
    uint8_t pad[2];
    uint8_t clock_status;
    uint8_t leap_second_smearing_hint;
    int16_t tai_offset_sec;
    uint8_t leap_indicator;
    uint8_t counter_period_shift;
    uint64_t counter_value;
    uint64_t counter_period_frac_sec;
    uint64_t counter_period_esterror_rate_frac_sec;
    uint64_t counter_period_maxerror_rate_frac_sec;
    uint64_t time_sec;
    uint64_t time_frac_sec;
    uint64_t time_esterror_nanosec;
    uint64_t time_maxerror_nanosec;
    uint64_t vm_generation_counter;
};

struct wallsync_page {
    uint8_t xen_vcpu_info_and_evtchn[WALLSYNC_WC_VERSION_OFFSET];
    uint32_t wc_version;
    uint32_t wc_sec;
    uint32_t wc_nsec;
    uint32_t wc_sec_hi;
    uint8_t xen_arch_shared_info[48];
    struct wallsync_extension ext;
    uint8_t unused[WALLSYNC_PAGE_V1_SIZE - WALLSYNC_MAGIC_OFFSET - WALLSYNC_EXTENSION_SIZE];
    /* Layout 2 only: a layout-1 page file ends here. */
    struct wallsync_vmclock vmclock;
    uint8_t vmclock_unused[WALLSYNC_PAGE_SIZE - WALLSYNC_VMCLOCK_START - WALLSYNC_VMCLOCK_ABI_SIZE];
};

/* C99 compile-time checks (a negative array size fails the build): struct and macros agree. */
#define WALLSYNC_ASSERT_AT_(member, offset) \
    typedef char wallsync_layout_check_##offset##_[offsetof(struct wallsync_page, member) == (offset) ? 1 : -1]
WALLSYNC_ASSERT_AT_(wc_version, WALLSYNC_WC_VERSION_OFFSET);
WALLSYNC_ASSERT_AT_(wc_sec, WALLSYNC_WC_SEC_OFFSET);
WALLSYNC_ASSERT_AT_(wc_nsec, WALLSYNC_WC_NSEC_OFFSET);
WALLSYNC_ASSERT_AT_(wc_sec_hi, WALLSYNC_WC_SEC_HI_OFFSET);
WALLSYNC_ASSERT_AT_(ext.magic, WALLSYNC_MAGIC_OFFSET);
WALLSYNC_ASSERT_AT_(ext.layout_version, WALLSYNC_LAYOUT_VERSION_OFFSET);
WALLSYNC_ASSERT_AT_(ext.extension_size, WALLSYNC_EXTENSION_SIZE_OFFSET);
WALLSYNC_ASSERT_AT_(ext.seq_count, WALLSYNC_SEQ_COUNT_OFFSET);
WALLSYNC_ASSERT_AT_(ext.clock_status, WALLSYNC_CLOCK_STATUS_OFFSET);
WALLSYNC_ASSERT_AT_(ext.leap_indicator, WALLSYNC_LEAP_INDICATOR_OFFSET);
WALLSYNC_ASSERT_AT_(ext.tai_offset_sec, WALLSYNC_TAI_OFFSET_SEC_OFFSET);
WALLSYNC_ASSERT_AT_(ext.disruption_marker, WALLSYNC_DISRUPTION_MARKER_OFFSET);
WALLSYNC_ASSERT_AT_(ext.flags, WALLSYNC_FLAGS_OFFSET);
WALLSYNC_ASSERT_AT_(ext.time_esterror_nanosec, WALLSYNC_TIME_ESTERROR_NANOSEC_OFFSET);
WALLSYNC_ASSERT_AT_(ext.time_maxerror_nanosec, WALLSYNC_TIME_MAXERROR_NANOSEC_OFFSET);
WALLSYNC_ASSERT_AT_(ext.last_push_monotonic_ns, WALLSYNC_LAST_PUSH_MONOTONIC_NS_OFFSET);
WALLSYNC_ASSERT_AT_(ext.last_push_reason, WALLSYNC_LAST_PUSH_REASON_OFFSET);
WALLSYNC_ASSERT_AT_(ext.time_offset_sec, WALLSYNC_TIME_OFFSET_SEC_OFFSET);
WALLSYNC_ASSERT_AT_(ext.heartbeat_monotonic_ns, WALLSYNC_HEARTBEAT_MONOTONIC_NS_OFFSET);
WALLSYNC_ASSERT_AT_(ext.heartbeat_period_ms, WALLSYNC_HEARTBEAT_PERIOD_MS_OFFSET);
WALLSYNC_ASSERT_AT_(ext.writer_pid, WALLSYNC_WRITER_PID_OFFSET);
WALLSYNC_ASSERT_AT_(ext.reserved, WALLSYNC_RESERVED_OFFSET);
WALLSYNC_ASSERT_AT_(vmclock, WALLSYNC_VMCLOCK_START);
WALLSYNC_ASSERT_AT_(vmclock.magic, WALLSYNC_VMCLOCK_MAGIC_OFFSET);
WALLSYNC_ASSERT_AT_(vmclock.size, WALLSYNC_VMCLOCK_SIZE_OFFSET);
WALLSYNC_ASSERT_AT_(vmclock.version, WALLSYNC_VMCLOCK_VERSION_OFFSET);
WALLSYNC_ASSERT_AT_(vmclock.counter_id, WALLSYNC_VMCLOCK_COUNTER_ID_OFFSET);
WALLSYNC_ASSERT_AT_(vmclock.time_type, WALLSYNC_VMCLOCK_TIME_TYPE_OFFSET);
WALLSYNC_ASSERT_AT_(vmclock.seq_count, WALLSYNC_VMCLOCK_SEQ_COUNT_OFFSET);
WALLSYNC_ASSERT_AT_(vmclock.disruption_marker, WALLSYNC_VMCLOCK_DISRUPTION_MARKER_OFFSET);
WALLSYNC_ASSERT_AT_(vmclock.flags, WALLSYNC_VMCLOCK_FLAGS_OFFSET);
WALLSYNC_ASSERT_AT_(vmclock.pad, WALLSYNC_VMCLOCK_PAD_OFFSET);
WALLSYNC_ASSERT_AT_(vmclock.clock_status, WALLSYNC_VMCLOCK_CLOCK_STATUS_OFFSET);
WALLSYNC_ASSERT_AT_(vmclock.leap_second_smearing_hint, WALLSYNC_VMCLOCK_LEAP_SECOND_SMEARING_HINT_OFFSET);
WALLSYNC_ASSERT_AT_(vmclock.tai_offset_sec, WALLSYNC_VMCLOCK_TAI_OFFSET_SEC_OFFSET);
WALLSYNC_ASSERT_AT_(vmclock.leap_indicator, WALLSYNC_VMCLOCK_LEAP_INDICATOR_OFFSET);
WALLSYNC_ASSERT_AT_(vmclock.counter_period_shift, WALLSYNC_VMCLOCK_COUNTER_PERIOD_SHIFT_OFFSET);
WALLSYNC_ASSERT_AT_(vmclock.counter_value, WALLSYNC_VMCLOCK_COUNTER_VALUE_OFFSET);
WALLSYNC_ASSERT_AT_(vmclock.counter_period_frac_sec, WALLSYNC_VMCLOCK_COUNTER_PERIOD_FRAC_SEC_OFFSET);
WALLSYNC_ASSERT_AT_(vmclock.counter_period_esterror_rate_frac_sec,
                    WALLSYNC_VMCLOCK_COUNTER_PERIOD_ESTERROR_RATE_FRAC_SEC_OFFSET);
WALLSYNC_ASSERT_AT_(vmclock.counter_period_maxerror_rate_frac_sec,
                    WALLSYNC_VMCLOCK_COUNTER_PERIOD_MAXERROR_RATE_FRAC_SEC_OFFSET);
WALLSYNC_ASSERT_AT_(vmclock.time_sec, WALLSYNC_VMCLOCK_TIME_SEC_OFFSET);
WALLSYNC_ASSERT_AT_(vmclock.time_frac_sec, WALLSYNC_VMCLOCK_TIME_FRAC_SEC_OFFSET);
WALLSYNC_ASSERT_AT_(vmclock.time_esterror_nanosec, WALLSYNC_VMCLOCK_TIME_ESTERROR_NANOSEC_OFFSET);
WALLSYNC_ASSERT_AT_(vmclock.time_maxerror_nanosec, WALLSYNC_VMCLOCK_TIME_MAXERROR_NANOSEC_OFFSET);
WALLSYNC_ASSERT_AT_(vmclock.vm_generation_counter, WALLSYNC_VMCLOCK_VM_GENERATION_COUNTER_OFFSET);
typedef char wallsync_layout_check_size_[sizeof(struct wallsync_page) == WALLSYNC_PAGE_SIZE ? 1 : -1];
typedef char wallsync_layout_check_ext_size_[sizeof(struct wallsync_extension) == WALLSYNC_EXTENSION_SIZE ? 1 : -1];
typedef char wallsync_layout_check_vmclock_size_[sizeof(struct wallsync_vmclock) == WALLSYNC_VMCLOCK_ABI_SIZE ? 1 : -1];
#undef WALLSYNC_ASSERT_AT_

#define WALLSYNC_MAGIC 0x434e5957u
/* What the daemon writes now: page v2. Readers also accept layout 1 (no vmclock part). */
#define WALLSYNC_LAYOUT_VERSION 2
#define WALLSYNC_LAYOUT_VERSION_V1 1

#define WALLSYNC_FLAG_TAI_OFFSET_VALID (1ull << 0)
#define WALLSYNC_FLAG_TIME_ESTERROR_VALID (1ull << 5)
#define WALLSYNC_FLAG_TIME_MAXERROR_VALID (1ull << 6)

#define WALLSYNC_STATUS_UNKNOWN 0
#define WALLSYNC_STATUS_INITIALIZING 1
#define WALLSYNC_STATUS_SYNCHRONIZED 2
#define WALLSYNC_STATUS_FREERUNNING 3
#define WALLSYNC_STATUS_UNRELIABLE 4

/* struct vmclock_abi constants, Linux's values under WALLSYNC_ names (no clash with its header). */
#define WALLSYNC_VMCLOCK_MAGIC 0x4b4c4356u /* "VCLK" */
#define WALLSYNC_VMCLOCK_VERSION 1
#define WALLSYNC_VMCLOCK_COUNTER_ARM_VCNT 0
#define WALLSYNC_VMCLOCK_COUNTER_X86_TSC 1
#define WALLSYNC_VMCLOCK_COUNTER_INVALID 0xff
#define WALLSYNC_VMCLOCK_TIME_UTC 0
#define WALLSYNC_VMCLOCK_TIME_TAI 1
#define WALLSYNC_VMCLOCK_TIME_MONOTONIC 2
#define WALLSYNC_VMCLOCK_FLAG_TAI_OFFSET_VALID (1ull << 0)
#define WALLSYNC_VMCLOCK_FLAG_DISRUPTION_SOON (1ull << 1)
#define WALLSYNC_VMCLOCK_FLAG_DISRUPTION_IMMINENT (1ull << 2)
#define WALLSYNC_VMCLOCK_FLAG_PERIOD_ESTERROR_VALID (1ull << 3)
#define WALLSYNC_VMCLOCK_FLAG_PERIOD_MAXERROR_VALID (1ull << 4)
#define WALLSYNC_VMCLOCK_FLAG_TIME_ESTERROR_VALID (1ull << 5)
#define WALLSYNC_VMCLOCK_FLAG_TIME_MAXERROR_VALID (1ull << 6)
#define WALLSYNC_VMCLOCK_FLAG_TIME_MONOTONIC (1ull << 7)
#define WALLSYNC_VMCLOCK_FLAG_VM_GEN_COUNTER_PRESENT (1ull << 8)
#define WALLSYNC_VMCLOCK_FLAG_NOTIFICATION_PRESENT (1ull << 9)
#define WALLSYNC_VMCLOCK_SMEARING_STRICT 0
#define WALLSYNC_VMCLOCK_LEAP_NONE 0
#define WALLSYNC_VMCLOCK_LEAP_PRE_POS 1
#define WALLSYNC_VMCLOCK_LEAP_PRE_NEG 2
#define WALLSYNC_VMCLOCK_LEAP_POS 3
#define WALLSYNC_VMCLOCK_LEAP_POST_POS 4
#define WALLSYNC_VMCLOCK_LEAP_POST_NEG 5
/* clock_status uses the WALLSYNC_STATUS_* values above (the same numbers as VMCLOCK_STATUS_*). */

/* Which way wallsync_vmclock_read got the time; every value but COUNTER is wc + CLOCK_MONOTONIC. */
#define WALLSYNC_PATH_COUNTER 1            /* TSC + vmclock fields, no clock call */
#define WALLSYNC_PATH_MONOTONIC_V1_PAGE 2  /* layout 1: the page has no vmclock part */
#define WALLSYNC_PATH_MONOTONIC_NO_VMCLOCK 3 /* vmclock magic/version/size/time_type/shift not usable */
#define WALLSYNC_PATH_MONOTONIC_NO_COUNTER 4 /* counter_id is not X86_TSC, or this is not an x86_64 build */
#define WALLSYNC_PATH_MONOTONIC_STATUS 5   /* clock_status is not SYNCHRONIZED or FREERUNNING */
#define WALLSYNC_PATH_MONOTONIC_NO_PERIOD 6 /* counter_period_frac_sec is 0 (not calibrated) */

/* Results. Negative values are failures; the time is not valid then. */
#define WALLSYNC_OK 0
#define WALLSYNC_ERR_NOT_A_PAGE (-1)    /* bad magic or layout version */
#define WALLSYNC_ERR_WRITER_STUCK (-2)  /* a seqlock stayed odd (or kept changing) past max_wait_ns */
#define WALLSYNC_ERR_STALE (-3)         /* daemon heartbeat older than the limit */
#define WALLSYNC_ERR_CLOCK (-4)         /* clock_gettime(CLOCK_MONOTONIC) failed */
#define WALLSYNC_ERR_NO_VMCLOCK (-5)    /* wallsync_vmclock_snapshot on a layout-1 page: no vmclock part */
#define WALLSYNC_ERR_SLOW_PATH (-6)     /* wallsync_vmclock_time: no fast answer now; call wallsync_vmclock_read */

/*
 * Default bound on waiting for a writer: a write takes tens of ns, but a writer preempted between
 * its two version stores can hold the seqlock odd for a scheduler time slice or more on a loaded
 * host. 100 ms is far beyond that and far below a hang. Waiting is timed with CLOCK_MONOTONIC,
 * looked at once every 1024 spins.
 */
#define WALLSYNC_DEFAULT_MAX_WAIT_NS 100000000ull

#if defined(__x86_64__) || defined(__i386__)
#define WALLSYNC_CPU_RELAX() __builtin_ia32_pause()
#elif defined(__aarch64__)
#define WALLSYNC_CPU_RELAX() __asm__ __volatile__("yield" ::: "memory")
#else
#define WALLSYNC_CPU_RELAX() ((void)0)
#endif

/* The readers are a few dozen instructions: keep them inlined in the caller's loop (GCC and Clang). */
#define WALLSYNC_HOT_ static inline __attribute__((always_inline))

WALLSYNC_HOT_ uint32_t wallsync_u32_(const volatile void *page, unsigned off) {
    return __atomic_load_n((const uint32_t *)((const char *)page + off), __ATOMIC_RELAXED);
}

WALLSYNC_HOT_ uint64_t wallsync_u64_(const volatile void *page, unsigned off) {
    return __atomic_load_n((const uint64_t *)((const char *)page + off), __ATOMIC_RELAXED);
}

static inline int64_t wallsync_monotonic_ns_(void) {
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) return -1;
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Called after each failed try; nonzero once the wait exceeded max_wait_ns (0: the default). */
static inline int wallsync_waited_too_long_(uint32_t tries, int64_t *start_ns, uint64_t max_wait_ns) {
    WALLSYNC_CPU_RELAX();
    if ((tries & 1023u) != 1023u) return 0;
    int64_t now = wallsync_monotonic_ns_();
    if (now < 0) return 1;
    if (*start_ns == 0) {
        *start_ns = now;
        return 0;
    }
    return (uint64_t)(now - *start_ns) > (max_wait_ns ? max_wait_ns : WALLSYNC_DEFAULT_MAX_WAIT_NS);
}

/* The page's layout_version (1 or 2 on a good page; call wallsync_check first). */
WALLSYNC_HOT_ uint16_t wallsync_layout_version(const void *page) {
    return __atomic_load_n((const uint16_t *)((const char *)page + WALLSYNC_LAYOUT_VERSION_OFFSET), __ATOMIC_RELAXED);
}

/* 0 when `page` carries the wallsync magic and a layout version this header knows (1 or 2). */
WALLSYNC_HOT_ int wallsync_check(const void *page) {
    if (wallsync_u32_(page, WALLSYNC_MAGIC_OFFSET) != WALLSYNC_MAGIC) return WALLSYNC_ERR_NOT_A_PAGE;
    uint16_t v = wallsync_layout_version(page);
    return v == WALLSYNC_LAYOUT_VERSION || v == WALLSYNC_LAYOUT_VERSION_V1 ? WALLSYNC_OK : WALLSYNC_ERR_NOT_A_PAGE;
}

/*
 * wallsync_check, and the file is long enough for its layout (file_bytes from fstat): a layout-2
 * page needs WALLSYNC_PAGE_SIZE bytes, a layout-1 page WALLSYNC_PAGE_V1_SIZE. The daemon always
 * writes whole files (temporary name + rename); call this on a file of unknown origin, since
 * reading the vmclock part of a layout-2 page that was cut short would fault (SIGBUS).
 */
static inline int wallsync_check_size(const void *page, uint64_t file_bytes) {
    if (file_bytes < WALLSYNC_PAGE_V1_SIZE) return WALLSYNC_ERR_NOT_A_PAGE;
    int rc = wallsync_check(page);
    if (rc != WALLSYNC_OK) return rc;
    uint64_t need = wallsync_layout_version(page) == WALLSYNC_LAYOUT_VERSION_V1 ? WALLSYNC_PAGE_V1_SIZE : WALLSYNC_PAGE_SIZE;
    return file_bytes >= need ? WALLSYNC_OK : WALLSYNC_ERR_NOT_A_PAGE;
}

/* The staleness limit: stale_after_ns, or 0 for three heartbeat periods, at least one second. */
WALLSYNC_HOT_ uint64_t wallsync_stale_limit_ns_(const void *page, uint64_t stale_after_ns) {
    if (stale_after_ns != 0) return stale_after_ns;
    uint64_t period_ms = wallsync_u32_(page, WALLSYNC_HEARTBEAT_PERIOD_MS_OFFSET);
    uint64_t limit = period_ms * 3000000ull;
    return limit < 1000000000ull ? 1000000000ull : limit;
}

/*
 * Reads the wallclock W (wall time at CLOCK_MONOTONIC = 0) with Xen's seqlock protocol:
 * version (acquire, retry while odd), fields, acquire fence, version again (retry if changed).
 * W is returned in nanoseconds since the epoch.
 */
static inline int wallsync_wallclock_ns(const void *page, int64_t *wallclock_ns, uint64_t max_wait_ns) {
    int64_t start_ns = 0;
    for (uint32_t i = 0;; i++) {
        uint32_t v = __atomic_load_n((const uint32_t *)((const char *)page + WALLSYNC_WC_VERSION_OFFSET),
                                     __ATOMIC_ACQUIRE);
        if ((v & 1u) == 0) {
            uint32_t lo = wallsync_u32_(page, WALLSYNC_WC_SEC_OFFSET);
            uint32_t ns = wallsync_u32_(page, WALLSYNC_WC_NSEC_OFFSET);
            uint32_t hi = wallsync_u32_(page, WALLSYNC_WC_SEC_HI_OFFSET);
            /* The field loads above must complete before the version is read again. */
            __atomic_thread_fence(__ATOMIC_ACQUIRE);
            if (wallsync_u32_(page, WALLSYNC_WC_VERSION_OFFSET) == v) {
                int64_t sec = (int64_t)(((uint64_t)hi << 32) | lo);
                *wallclock_ns = sec * 1000000000LL + (int64_t)ns;
                return WALLSYNC_OK;
            }
        }
        if (wallsync_waited_too_long_(i, &start_ns, max_wait_ns)) return WALLSYNC_ERR_WRITER_STUCK;
    }
}

/*
 * The monotonic reader: wall time now = wc + CLOCK_MONOTONIC, from a page of either layout. Fails with WALLSYNC_ERR_STALE when the daemon's
 * heartbeat is older than stale_after_ns (0: three heartbeat periods, at least one second), with
 * WALLSYNC_ERR_WRITER_STUCK when the version stays odd longer than max_wait_ns (0: 100 ms).
 */
static inline int wallsync_now(const void *page, struct timespec *out, uint64_t stale_after_ns, uint64_t max_wait_ns) {
    int64_t wc;
    int rc = wallsync_wallclock_ns(page, &wc, max_wait_ns);
    if (rc != WALLSYNC_OK) return rc;
    struct timespec mono;
    if (clock_gettime(CLOCK_MONOTONIC, &mono) != 0) return WALLSYNC_ERR_CLOCK;
    int64_t mono_ns = (int64_t)mono.tv_sec * 1000000000LL + mono.tv_nsec;
    int64_t heartbeat =
        (int64_t)__atomic_load_n((const uint64_t *)((const char *)page + WALLSYNC_HEARTBEAT_MONOTONIC_NS_OFFSET),
                                 __ATOMIC_ACQUIRE);
    if (mono_ns - heartbeat > (int64_t)wallsync_stale_limit_ns_(page, stale_after_ns)) return WALLSYNC_ERR_STALE;
    int64_t wall = wc + mono_ns;
    int64_t sec = wall / 1000000000LL;
    int64_t nsec = wall % 1000000000LL;
    if (nsec < 0) {
        nsec += 1000000000LL;
        sec -= 1;
    }
    out->tv_sec = (time_t)sec;
    out->tv_nsec = (long)nsec;
    return WALLSYNC_OK;
}

/* The extension, read under its seq_count. */
struct wallsync_status {
    uint8_t clock_status;
    uint8_t leap_indicator;
    int16_t tai_offset_sec;
    uint64_t step_generation;
    uint64_t flags;
    uint64_t esterror_ns;
    uint64_t maxerror_ns;
    int64_t last_push_monotonic_ns;
    uint32_t last_push_reason;
    int32_t time_offset_sec;
};

static inline int wallsync_status(const void *page, struct wallsync_status *st, uint64_t max_wait_ns) {
    const char *p = (const char *)page;
    int64_t start_ns = 0;
    for (uint32_t i = 0;; i++) {
        uint32_t seq = __atomic_load_n((const uint32_t *)(p + WALLSYNC_SEQ_COUNT_OFFSET), __ATOMIC_ACQUIRE);
        if ((seq & 1u) == 0) {
            st->clock_status = __atomic_load_n((const uint8_t *)(p + WALLSYNC_CLOCK_STATUS_OFFSET), __ATOMIC_RELAXED);
            st->leap_indicator =
                __atomic_load_n((const uint8_t *)(p + WALLSYNC_LEAP_INDICATOR_OFFSET), __ATOMIC_RELAXED);
            st->tai_offset_sec =
                (int16_t)__atomic_load_n((const uint16_t *)(p + WALLSYNC_TAI_OFFSET_SEC_OFFSET), __ATOMIC_RELAXED);
            st->step_generation = wallsync_u64_(page, WALLSYNC_DISRUPTION_MARKER_OFFSET);
            st->flags = wallsync_u64_(page, WALLSYNC_FLAGS_OFFSET);
            st->esterror_ns = wallsync_u64_(page, WALLSYNC_TIME_ESTERROR_NANOSEC_OFFSET);
            st->maxerror_ns = wallsync_u64_(page, WALLSYNC_TIME_MAXERROR_NANOSEC_OFFSET);
            st->last_push_monotonic_ns = (int64_t)wallsync_u64_(page, WALLSYNC_LAST_PUSH_MONOTONIC_NS_OFFSET);
            st->last_push_reason = wallsync_u32_(page, WALLSYNC_LAST_PUSH_REASON_OFFSET);
            st->time_offset_sec = (int32_t)wallsync_u32_(page, WALLSYNC_TIME_OFFSET_SEC_OFFSET);
            __atomic_thread_fence(__ATOMIC_ACQUIRE);
            if (wallsync_u32_(page, WALLSYNC_SEQ_COUNT_OFFSET) == seq) return WALLSYNC_OK;
        }
        if (wallsync_waited_too_long_(i, &start_ns, max_wait_ns)) return WALLSYNC_ERR_WRITER_STUCK;
    }
}

/* ---- page v2: the vmclock counter path ------------------------------------------------------ */

#if defined(__x86_64__) && defined(__SIZEOF_INT128__)
#define WALLSYNC_HAVE_COUNTER_PATH 1
/*
 * The TSC as Linux rdtsc_ordered() reads it (arch/x86/include/asm/msr.h: "lfence; rdtsc"): the
 * lfence keeps rdtsc from running before the seq_count load that precedes it; the "memory" clobber
 * keeps the compiler from moving the field loads above it.
 */
static inline uint64_t wallsync_rdtsc_ordered(void) {
    uint32_t lo, hi;
    __asm__ __volatile__("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
    return ((uint64_t)hi << 32) | lo;
}
/*
 * RDTSCP: what Linux's rdtsc_ordered() picks where the CPU has it (/proc/cpuinfo flag rdtscp), as
 * ordered against earlier loads as "lfence; rdtsc"; an illegal instruction where it is missing.
 */
static inline uint64_t wallsync_rdtscp(void) {
    uint32_t lo, hi, aux;
    __asm__ __volatile__("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux) : : "memory");
    return ((uint64_t)hi << 32) | lo;
}
/*
 * Plain RDTSC (Linux rdtsc()): cheaper, but the CPU may execute it before earlier loads, so a time
 * read after acquiring a lock may come from just before it (by up to a cache miss). The value is
 * still right for the TSC it read: a TSC read before counter_value gives a negative delta, which
 * the signed arithmetic here handles. Opt in only where that causality does not matter.
 */
static inline uint64_t wallsync_rdtsc_unordered(void) {
    uint32_t lo, hi;
    __asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
    return ((uint64_t)hi << 32) | lo;
}
/*
 * How the counter path reads the TSC. Define WALLSYNC_READ_COUNTER() before including this header
 * to choose wallsync_rdtscp() or wallsync_rdtsc_unordered() instead (tests use it to feed chosen
 * counter values); the default works on every x86_64 CPU.
 */
#ifndef WALLSYNC_READ_COUNTER
#define WALLSYNC_READ_COUNTER() wallsync_rdtsc_ordered()
#endif
#else
#define WALLSYNC_HAVE_COUNTER_PATH 0
#endif

/* One wall-time reading of wallsync_vmclock_read. */
struct wallsync_reading {
    struct timespec time;       /* the domain's wall time (UTC: time_type UTC) */
    uint64_t maxerror_ns;       /* tracking bound vs host CLOCK_REALTIME + offset; UINT64_MAX unknown */
    uint64_t esterror_ns;       /* tracking estimate, same units; UINT64_MAX unknown */
    int path;                   /* WALLSYNC_PATH_*: COUNTER, or why wc + CLOCK_MONOTONIC was used */
    uint64_t counter;           /* counter path: the TSC value the time is for */
    uint64_t age_ns;            /* counter path: |TSC - counter_value| as time (the heartbeat age) */
    uint64_t disruption_marker; /* counter path: vmclock disruption_marker of the fields used */
};

static inline const char *wallsync_path_name(int path) {
    switch (path) {
    case WALLSYNC_PATH_COUNTER: return "counter (TSC + vmclock)";
    case WALLSYNC_PATH_MONOTONIC_V1_PAGE: return "monotonic (layout-1 page: no vmclock)";
    case WALLSYNC_PATH_MONOTONIC_NO_VMCLOCK: return "monotonic (vmclock magic/version/size/time_type/shift not usable)";
    case WALLSYNC_PATH_MONOTONIC_NO_COUNTER: return "monotonic (counter_id is not X86_TSC, or not an x86_64 build)";
    case WALLSYNC_PATH_MONOTONIC_STATUS: return "monotonic (clock_status not SYNCHRONIZED or FREERUNNING)";
    case WALLSYNC_PATH_MONOTONIC_NO_PERIOD: return "monotonic (counter_period_frac_sec is 0)";
    default: return "none";
    }
}

/*
 * Copies the vmclock structure of a layout-2 page under its seq_count, with the protocol of Linux
 * drivers/ptp/ptp_vmclock.c vmclock_get_crosststamp: seq = seq_count (acquire; odd: the daemon is
 * writing, retry); with `counter` non-NULL the TSC (after the seq_count load, before the fields,
 * so both belong to one version); the fields; acquire fence; seq_count again, changed: retry.
 * all_fields 0 leaves out the fields the counter path does not use (pad, smearing hint, TAI
 * offset, leap indicator, vm_generation_counter: left as they were in *v). The caller has checked
 * that the page is layout 2.
 */
WALLSYNC_HOT_ int wallsync_vmclock_snapshot_(const void *page, struct wallsync_vmclock *v, uint64_t *counter,
                                             int all_fields, uint64_t max_wait_ns) {
    const struct wallsync_vmclock *c = (const struct wallsync_vmclock *)((const char *)page + WALLSYNC_VMCLOCK_START);
    int64_t start_ns = 0;
    for (uint32_t i = 0;; i++) {
        uint32_t seq = __atomic_load_n(&c->seq_count, __ATOMIC_ACQUIRE);
        if ((seq & 1u) == 0) {
#if WALLSYNC_HAVE_COUNTER_PATH
            if (counter) *counter = WALLSYNC_READ_COUNTER();
#else
            (void)counter;
#endif
#define WALLSYNC_LOAD_(f) v->f = __atomic_load_n(&c->f, __ATOMIC_RELAXED)
            WALLSYNC_LOAD_(magic);
            WALLSYNC_LOAD_(size);
            WALLSYNC_LOAD_(version);
            WALLSYNC_LOAD_(counter_id);
            WALLSYNC_LOAD_(time_type);
            WALLSYNC_LOAD_(disruption_marker);
            WALLSYNC_LOAD_(flags);
            WALLSYNC_LOAD_(clock_status);
            WALLSYNC_LOAD_(counter_period_shift);
            WALLSYNC_LOAD_(counter_value);
            WALLSYNC_LOAD_(counter_period_frac_sec);
            WALLSYNC_LOAD_(counter_period_esterror_rate_frac_sec);
            WALLSYNC_LOAD_(counter_period_maxerror_rate_frac_sec);
            WALLSYNC_LOAD_(time_sec);
            WALLSYNC_LOAD_(time_frac_sec);
            WALLSYNC_LOAD_(time_esterror_nanosec);
            WALLSYNC_LOAD_(time_maxerror_nanosec);
            if (all_fields) { /* fields the counter path does not use */
                WALLSYNC_LOAD_(pad[0]);
                WALLSYNC_LOAD_(pad[1]);
                WALLSYNC_LOAD_(leap_second_smearing_hint);
                WALLSYNC_LOAD_(tai_offset_sec);
                WALLSYNC_LOAD_(leap_indicator);
                WALLSYNC_LOAD_(vm_generation_counter);
            }
#undef WALLSYNC_LOAD_
            /* The field loads above must complete before seq_count is read again. */
            __atomic_thread_fence(__ATOMIC_ACQUIRE);
            if (__atomic_load_n(&c->seq_count, __ATOMIC_RELAXED) == seq) {
                v->seq_count = seq;
                return WALLSYNC_OK;
            }
        }
        if (wallsync_waited_too_long_(i, &start_ns, max_wait_ns)) return WALLSYNC_ERR_WRITER_STUCK;
    }
}

/* The vmclock structure of a page v2, read under its seq_count (all fields, for tools and tests). */
static inline int wallsync_vmclock_snapshot(const void *page, struct wallsync_vmclock *v, uint64_t max_wait_ns) {
    int rc = wallsync_check(page);
    if (rc != WALLSYNC_OK) return rc;
    if (wallsync_layout_version(page) != WALLSYNC_LAYOUT_VERSION) return WALLSYNC_ERR_NO_VMCLOCK;
    return wallsync_vmclock_snapshot_(page, v, NULL, 1, max_wait_ns);
}

/* WALLSYNC_PATH_COUNTER when the counter path can use the snapshot v, else why it cannot. */
WALLSYNC_HOT_ int wallsync_vmclock_path(const struct wallsync_vmclock *v) {
    if (v->magic != WALLSYNC_VMCLOCK_MAGIC || v->version != WALLSYNC_VMCLOCK_VERSION ||
        v->size < WALLSYNC_VMCLOCK_TIME_MAXERROR_NANOSEC_OFFSET + 8 - WALLSYNC_VMCLOCK_START ||
        v->size > WALLSYNC_VMCLOCK_REGION_SIZE || v->time_type != WALLSYNC_VMCLOCK_TIME_UTC ||
        v->counter_period_shift > 63)
        return WALLSYNC_PATH_MONOTONIC_NO_VMCLOCK;
    if (!WALLSYNC_HAVE_COUNTER_PATH || v->counter_id != WALLSYNC_VMCLOCK_COUNTER_X86_TSC)
        return WALLSYNC_PATH_MONOTONIC_NO_COUNTER;
    if (v->clock_status != WALLSYNC_STATUS_SYNCHRONIZED && v->clock_status != WALLSYNC_STATUS_FREERUNNING)
        return WALLSYNC_PATH_MONOTONIC_STATUS;
    if (v->counter_period_frac_sec == 0) return WALLSYNC_PATH_MONOTONIC_NO_PERIOD;
    return WALLSYNC_PATH_COUNTER;
}

#ifdef __SIZEOF_INT128__
/* 128-bit integers for the period multiply (a GCC/Clang extension; __extension__ keeps -pedantic quiet). */
__extension__ typedef __int128 wallsync_i128_;
__extension__ typedef unsigned __int128 wallsync_u128_;

/* x in units of 2^-64 s as nanoseconds, rounded up; UINT64_MAX when that does not fit. */
WALLSYNC_HOT_ uint64_t wallsync_frac_to_ns_ceil_(wallsync_u128_ x) {
    uint64_t sec = (uint64_t)(x >> 64), frac = (uint64_t)x;
    if (sec > UINT64_MAX / 1000000000ull - 1) return UINT64_MAX;
    return sec * 1000000000ull + (uint64_t)(((wallsync_u128_)frac * 1000000000u + UINT64_MAX) >> 64);
}

/* time_err_ns + the rate's growth over |delta| ticks, in ns rounded up; UINT64_MAX (unknown) on overflow. */
WALLSYNC_HOT_ uint64_t wallsync_vmclock_bound_(uint64_t time_err_ns, uint64_t abs_delta, uint64_t rate, uint8_t shift) {
    uint64_t growth = wallsync_frac_to_ns_ceil_(((wallsync_u128_)abs_delta * rate) >> shift);
    if (growth == UINT64_MAX || time_err_ns >= UINT64_MAX - growth) return UINT64_MAX;
    return time_err_ns + growth;
}

/*
 * The counter-path arithmetic alone, for a snapshot v that wallsync_vmclock_path accepted and a
 * counter value: the time, both bounds and the age into r (path COUNTER). No page, no clock.
 *   delta  = (int64_t)(counter - counter_value)                      signed, see the top comment
 *   scaled = (delta * counter_period_frac_sec) >> counter_period_shift  128-bit, |.| < 2^127,
 *            rounded towards minus infinity (for a negative delta: minus the rounded-up magnitude)
 *   total  = scaled + time_frac_sec;  tv_sec = time_sec + (total >> 64);
 *   tv_nsec = ((total mod 2^64) * 10^9) >> 64
 */
WALLSYNC_HOT_ void wallsync_vmclock_time_at(const struct wallsync_vmclock *v, uint64_t counter,
                                            struct wallsync_reading *r) {
    int64_t delta = (int64_t)(counter - v->counter_value);
    uint64_t abs_delta = delta < 0 ? 0 - (uint64_t)delta : (uint64_t)delta;
    uint8_t shift = v->counter_period_shift;
    /* |scaled|: one unsigned 64 x 64 -> 128 multiply; < 2^127 since |delta| <= 2^63. */
    wallsync_u128_ product = (wallsync_u128_)abs_delta * v->counter_period_frac_sec;
    wallsync_u128_ age; /* |scaled| in 2^-64 s */
    uint64_t frac, sec = v->time_sec;
    if (__builtin_expect(delta >= 0, 1)) {
        age = product >> shift;
        wallsync_u128_ total = age + v->time_frac_sec;
        sec += (uint64_t)(total >> 64);
        frac = (uint64_t)total;
    } else {
        /* floor(-product / 2^shift) = -ceil(product / 2^shift) */
        age = (product + (((wallsync_u128_)1 << shift) - 1)) >> shift;
        wallsync_i128_ total = (wallsync_i128_)v->time_frac_sec - (wallsync_i128_)age;
        sec += (uint64_t)(int64_t)(total >> 64);
        frac = (uint64_t)total;
    }
    r->time.tv_sec = (time_t)sec;
    r->time.tv_nsec = (long)(((wallsync_u128_)frac * 1000000000u) >> 64);
    r->age_ns = wallsync_frac_to_ns_ceil_(age);
    const uint64_t max_valid = WALLSYNC_VMCLOCK_FLAG_TIME_MAXERROR_VALID | WALLSYNC_VMCLOCK_FLAG_PERIOD_MAXERROR_VALID;
    const uint64_t est_valid = WALLSYNC_VMCLOCK_FLAG_TIME_ESTERROR_VALID | WALLSYNC_VMCLOCK_FLAG_PERIOD_ESTERROR_VALID;
    r->maxerror_ns = (v->flags & max_valid) == max_valid
                         ? wallsync_vmclock_bound_(v->time_maxerror_nanosec, abs_delta,
                                                   v->counter_period_maxerror_rate_frac_sec, shift)
                         : UINT64_MAX;
    r->esterror_ns = (v->flags & est_valid) == est_valid
                         ? wallsync_vmclock_bound_(v->time_esterror_nanosec, abs_delta,
                                                   v->counter_period_esterror_rate_frac_sec, shift)
                         : UINT64_MAX;
    r->counter = counter;
    r->disruption_marker = v->disruption_marker;
    r->path = WALLSYNC_PATH_COUNTER;
}
#endif

/*
 * The page v2 reader: wall time now with its error bound. On the counter path (see the top
 * comment) it reads the TSC and the vmclock fields and makes no clock call: WALLSYNC_ERR_STALE
 * when the vmclock reference is older than stale_after_ns (0: three heartbeat periods, at least
 * 1 s), WALLSYNC_ERR_WRITER_STUCK when seq_count stays odd longer than max_wait_ns (0: 100 ms).
 * Otherwise (layout-1 page, counter not usable) it is wallsync_now with bounds UINT64_MAX, and
 * r->path names the reason. r->path is 0 when the page itself is bad (WALLSYNC_ERR_NOT_A_PAGE).
 */
WALLSYNC_HOT_ int wallsync_vmclock_read(const void *page, struct wallsync_reading *r, uint64_t stale_after_ns,
                                        uint64_t max_wait_ns) {
    r->path = 0;
    int rc = wallsync_check(page);
    if (rc != WALLSYNC_OK) return rc;
    int path = WALLSYNC_PATH_MONOTONIC_V1_PAGE;
    if (wallsync_layout_version(page) == WALLSYNC_LAYOUT_VERSION) {
        struct wallsync_vmclock v;
        uint64_t counter = 0;
        rc = wallsync_vmclock_snapshot_(page, &v, &counter, 0, max_wait_ns);
        if (rc != WALLSYNC_OK) return rc;
        path = wallsync_vmclock_path(&v);
#if WALLSYNC_HAVE_COUNTER_PATH
        if (path == WALLSYNC_PATH_COUNTER) {
            wallsync_vmclock_time_at(&v, counter, r);
            return r->age_ns > wallsync_stale_limit_ns_(page, stale_after_ns) ? WALLSYNC_ERR_STALE : WALLSYNC_OK;
        }
#endif
    }
    r->path = path;
    r->maxerror_ns = UINT64_MAX;
    r->esterror_ns = UINT64_MAX;
    r->counter = 0;
    r->age_ns = 0;
    r->disruption_marker = 0;
    return wallsync_now(page, &r->time, stale_after_ns, max_wait_ns);
}

/*
 * wallsync_vmclock_read for callers that want the time, the bound and the path only. maxerror_ns
 * and path may be NULL. *path is written whenever the page is a wallsync page, also on failure.
 */
WALLSYNC_HOT_ int wallsync_vmclock_now(const void *page, struct timespec *out, uint64_t *maxerror_ns, int *path,
                                       uint64_t stale_after_ns, uint64_t max_wait_ns) {
    struct wallsync_reading r;
    int rc = wallsync_vmclock_read(page, &r, stale_after_ns, max_wait_ns);
    if (path) *path = r.path;
    if (rc == WALLSYNC_OK) {
        *out = r.time;
        if (maxerror_ns) *maxerror_ns = r.maxerror_ns;
    }
    return rc;
}

#if WALLSYNC_HAVE_COUNTER_PATH && defined(__SIZEOF_INT128__)
/*
 * The counter path's fast answer: the time alone, for callers that read the clock far more often
 * than they look at bounds (the preload library of `wallsync run`, hot loops). One seq_count
 * acquire, one ordered TSC read, the six fields the arithmetic needs, one fence, one 64 x 64 -> 128
 * multiply; no bound, no status copy, no clock call. Returns WALLSYNC_OK, or WALLSYNC_ERR_SLOW_PATH
 * whenever it has no answer right now (seq_count odd or changed: the daemon is republishing,
 * clock_status not SYNCHRONIZED or FREERUNNING, no period, counter_id not the TSC, the reference
 * older than max_age_ns: the daemon stopped republishing): then call wallsync_vmclock_read (or
 * wallsync_now), which waits, falls back and reports why.
 *
 * Precondition: page maps a whole layout-2 page (8192 bytes) whose counter path
 * wallsync_vmclock_read accepted once (r.path == WALLSYNC_PATH_COUNTER); a layout-1 mapping of
 * 4096 bytes must never be passed here (the vmclock part lies beyond it). max_age_ns is
 * wallsync_stale_limit_ns_(page, 0) for the default limit. Same time as wallsync_vmclock_read at
 * the same counter value, to the nanosecond (wallsync_test.c checks it).
 */
WALLSYNC_HOT_ int wallsync_vmclock_time(const void *page, struct timespec *out, uint64_t max_age_ns) {
    const struct wallsync_vmclock *c = (const struct wallsync_vmclock *)((const char *)page + WALLSYNC_VMCLOCK_START);
    uint32_t seq = __atomic_load_n(&c->seq_count, __ATOMIC_ACQUIRE);
    /* Ordered after the acquire above: the TSC belongs to the fields of this version. */
    uint64_t counter = WALLSYNC_READ_COUNTER();
    uint8_t status = __atomic_load_n(&c->clock_status, __ATOMIC_RELAXED);
    uint8_t id = __atomic_load_n(&c->counter_id, __ATOMIC_RELAXED);
    uint8_t shift = __atomic_load_n(&c->counter_period_shift, __ATOMIC_RELAXED);
    uint64_t value = __atomic_load_n(&c->counter_value, __ATOMIC_RELAXED);
    uint64_t period = __atomic_load_n(&c->counter_period_frac_sec, __ATOMIC_RELAXED);
    uint64_t sec = __atomic_load_n(&c->time_sec, __ATOMIC_RELAXED);
    uint64_t frac0 = __atomic_load_n(&c->time_frac_sec, __ATOMIC_RELAXED);
    /* The field loads above must complete before seq_count is read again. */
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    if (__builtin_expect((seq & 1u) || __atomic_load_n(&c->seq_count, __ATOMIC_RELAXED) != seq, 0) ||
        (status != WALLSYNC_STATUS_SYNCHRONIZED && status != WALLSYNC_STATUS_FREERUNNING) || period == 0 ||
        shift > 63 || id != WALLSYNC_VMCLOCK_COUNTER_X86_TSC)
        return WALLSYNC_ERR_SLOW_PATH;
    int64_t delta = (int64_t)(counter - value);
    if (__builtin_expect(delta < 0, 0)) {
        /* A TSC a few ticks behind counter_value (another CPU): the time a few ticks before the
         * reference, as wallsync_vmclock_time_at computes it (floor of the negative product). */
        wallsync_u128_ product = (wallsync_u128_)(0 - (uint64_t)delta) * period;
        wallsync_i128_ total = (wallsync_i128_)frac0 - (wallsync_i128_)((product + (((wallsync_u128_)1 << shift) - 1)) >> shift);
        out->tv_sec = (time_t)(sec + (uint64_t)(int64_t)(total >> 64));
        out->tv_nsec = (long)(((wallsync_u128_)(uint64_t)total * 1000000000u) >> 64);
        return WALLSYNC_OK;
    }
    wallsync_u128_ scaled = ((wallsync_u128_)(uint64_t)delta * period) >> shift; /* 2^-64 s */
    /* The reference's age is the daemon's heartbeat: older than max_age_ns, no fast answer. */
    uint64_t age_sec = (uint64_t)(scaled >> 64);
    if (age_sec >= max_age_ns / 1000000000ull &&
        age_sec * 1000000000ull + (uint64_t)(((wallsync_u128_)(uint64_t)scaled * 1000000000u) >> 64) > max_age_ns)
        return WALLSYNC_ERR_SLOW_PATH;
    wallsync_u128_ total = scaled + frac0;
    out->tv_sec = (time_t)(sec + (uint64_t)(total >> 64));
    out->tv_nsec = (long)(((wallsync_u128_)(uint64_t)total * 1000000000u) >> 64);
    return WALLSYNC_OK;
}
#endif

#endif /* WALLSYNC_H */
