/*
 * The upstream structures wallsync's page embeds, copied from their headers (x86_64), so that a
 * test can ask the C compiler for their offsets (PageAbiConsistencyTest):
 *
 *  - struct vcpu_time_info, struct vcpu_info, struct shared_info: xen/include/public/xen.h
 *    (__XEN_INTERFACE_VERSION__ > 0x040600, so vcpu_time_info has flags; !defined(__i386__), so
 *    shared_info has wc_sec_hi);
 *  - struct arch_vcpu_info, struct arch_shared_info: xen/include/public/arch-x86/xen.h (x86_64:
 *    unsigned long and xen_pfn_t are 64-bit, xen_ulong_t is unsigned long);
 *  - struct pvclock_vcpu_time_info: Linux arch/x86/include/asm/pvclock-abi.h.
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

#endif
