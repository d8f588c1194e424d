/*
 * The upstream structures wallsync's page embeds, copied from their headers (x86_64), so that a
 * test can ask the C compiler for their offsets (PageAbiConsistencyTest):
 *
 *  - struct vcpu_time_info, struct vcpu_info, struct shared_info: xen/include/public/xen.h
 *    (__XEN_INTERFACE_VERSION__ > 0x040600, so vcpu_time_info has flags; !defined(__i386__), so
 *    shared_info has wc_sec_hi);
 *  - struct arch_vcpu_info, struct arch_shared_info: xen/include/public/arch-x86/xen.h (x86_64:
 *    unsigned long and xen_pfn_t are 64-bit, xen_ulong_t is unsigned long);
 *  - struct pvclock_vcpu_time_info: Linux arch/x86/include/asm/pvclock-abi.h;
 *  - struct vmclock_abi and its constants: Linux include/uapi/linux/vmclock-abi.h (6.13, with
 *    vm_generation_counter from 6.15 and VMCLOCK_FLAG_NOTIFICATION_PRESENT from 6.16); __le32 etc.
 *    are spelled uint32_t (x86 is little-endian). tests/c/vmclock_linux_reader.c reads pages with it.
 *
 * Types are spelled with <stdint.h> names; layout and order are the upstream ones.
 */
#ifndef UPSTREAM_ABI_H
#define UPSTREAM_ABI_H

#include <stdint.h>

typedef unsigned long xen_ulong_t;
typedef unsigned long xen_pfn_t;
#define XEN_LEGACY_MAX_VCPUS 32

struct vcpu_time_info {
    uint32_t version;
    uint32_t pad0;
    uint64_t tsc_timestamp;
    uint64_t system_time;
    uint32_t tsc_to_system_mul;
    int8_t tsc_shift;
    uint8_t flags;
    uint8_t pad1[2];
}; /* 32 bytes */

struct arch_vcpu_info {
    unsigned long cr2;
    unsigned long pad; /* sizeof(vcpu_info_t) == 64 */
};

struct vcpu_info {
    uint8_t evtchn_upcall_pending;
    uint8_t evtchn_upcall_mask;
    xen_ulong_t evtchn_pending_sel;
    struct arch_vcpu_info arch;
    struct vcpu_time_info time;
}; /* 64 bytes (x86) */

struct arch_shared_info {
    unsigned long max_pfn;
    xen_pfn_t pfn_to_mfn_frame_list_list;
    unsigned long nmi_reason;
    unsigned long p2m_cr3;
    unsigned long p2m_vaddr;
    unsigned long p2m_generation;
};

struct shared_info {
    struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
    xen_ulong_t evtchn_pending[sizeof(xen_ulong_t) * 8];
    xen_ulong_t evtchn_mask[sizeof(xen_ulong_t) * 8];
    uint32_t wc_version;
    uint32_t wc_sec;
    uint32_t wc_nsec;
    uint32_t wc_sec_hi;
    struct arch_shared_info arch;
};

struct pvclock_vcpu_time_info {
    uint32_t version;
    uint32_t pad0;
    uint64_t tsc_timestamp;
    uint64_t system_time;
    uint32_t tsc_to_system_mul;
    int8_t tsc_shift;
    uint8_t flags;
    uint8_t pad[2];
} __attribute__((__packed__)); /* 32 bytes */

struct vmclock_abi {
    /* CONSTANT FIELDS */
    uint32_t magic;
#define VMCLOCK_MAGIC 0x4b4c4356 /* "VCLK" */
    uint32_t size;    /* Size of region containing this structure */
    uint16_t version; /* 1 */
    uint8_t counter_id;
#define VMCLOCK_COUNTER_ARM_VCNT 0
#define VMCLOCK_COUNTER_X86_TSC 1
#define VMCLOCK_COUNTER_INVALID 0xff
    uint8_t time_type;
#define VMCLOCK_TIME_UTC 0
#define VMCLOCK_TIME_TAI 1
#define VMCLOCK_TIME_MONOTONIC 2

    /* NON-CONSTANT FIELDS PROTECTED BY SEQCOUNT LOCK */
    uint32_t seq_count; /* Low bit means an update is in progress */
    uint64_t disruption_marker;
    uint64_t flags;
#define VMCLOCK_FLAG_TAI_OFFSET_VALID (1 << 0)
#define VMCLOCK_FLAG_DISRUPTION_SOON (1 << 1)
#define VMCLOCK_FLAG_DISRUPTION_IMMINENT (1 << 2)
#define VMCLOCK_FLAG_PERIOD_ESTERROR_VALID (1 << 3)
#define VMCLOCK_FLAG_PERIOD_MAXERROR_VALID (1 << 4)
#define VMCLOCK_FLAG_TIME_ESTERROR_VALID (1 << 5)
#define VMCLOCK_FLAG_TIME_MAXERROR_VALID (1 << 6)
#define VMCLOCK_FLAG_TIME_MONOTONIC (1 << 7)
#define VMCLOCK_FLAG_VM_GEN_COUNTER_PRESENT (1 << 8)
#define VMCLOCK_FLAG_NOTIFICATION_PRESENT (1 << 9)
    uint8_t pad[2];
    uint8_t clock_status;
#define VMCLOCK_STATUS_UNKNOWN 0
#define VMCLOCK_STATUS_INITIALIZING 1
#define VMCLOCK_STATUS_SYNCHRONIZED 2
#define VMCLOCK_STATUS_FREERUNNING 3
#define VMCLOCK_STATUS_UNRELIABLE 4
    uint8_t leap_second_smearing_hint;
#define VMCLOCK_SMEARING_STRICT 0
    uint16_t tai_offset_sec; /* Actually two's complement signed */
    uint8_t leap_indicator;
    uint8_t counter_period_shift; /* Bit shift for counter_period_frac_sec and its error rate */
    uint64_t counter_value;
    /* The unit of these fields is 1/2^(64 + counter_period_shift) of a second. */
    uint64_t counter_period_frac_sec;
    uint64_t counter_period_esterror_rate_frac_sec;
    uint64_t counter_period_maxerror_rate_frac_sec;
    uint64_t time_sec;      /* Seconds since time_type epoch */
    uint64_t time_frac_sec; /* Units of 1/2^64 of a second */
    uint64_t time_esterror_nanosec;
    uint64_t time_maxerror_nanosec;
    uint64_t vm_generation_counter;
};

#endif
