package io.wallsync.core.page;

import io.wallsync.core.abi.AbiField;
import io.wallsync.core.xen.SharedInfoLayout;
import java.util.List;

/**
 * Descriptor of the wallsync page: one 8192-byte file per domain (page v2, layout version 2). Bytes
 * 0..3135 are exactly the Xen x86_64 {@code struct shared_info} ({@link SharedInfoLayout}),
 * followed by a versioned wallsync extension; bytes 4096..8191 hold a Linux {@code struct
 * vmclock_abi} ({@link io.wallsync.core.vmclock.VmclockLayout}). A layout version 1 page (an older
 * daemon) is the first 4096 bytes alone, field for field the same. All fields little-endian; each offset is the previous one plus the previous size.
 * This class is the ABI: the flyweight {@link PageExtension} (used by the daemon's writer, the Java
 * reader, the simulator and the jcstress tests) is the only code that touches these bytes, and a
 * test keeps {@code docs/page-abi.md} and {@code include/wallsync.h} equal to {@link #FIELDS}.
 *
 * <pre>
 *  offset  size  field                   meaning
 *  0       3072  vcpu_info[32], evtchn   Xen shared_info: vcpu 0's vcpu_time_info written once
 *                                        at domain creation, event channels zero
 *  3072    u32   wc_version              Xen seqlock: odd while the daemon writes wc_*
 *  3076    u32   wc_sec                  low 32 bits of wall seconds at CLOCK_MONOTONIC = 0,
 *                                        this domain's time offset included
 *  3080    u32   wc_nsec                 nanoseconds, 0..999_999_999
 *  3084    u32   wc_sec_hi               high 32 bits of wall seconds
 *  3088    48    arch_shared_info        zero
 *  ---- wallsync extension ------------------------------------------------------------------
 *  3136    u32   magic                   0x434e5957, the bytes "WYNC"
 *  3140    u16   layout_version          2 (1: a 4096-byte page without the vmclock page)
 *  3142    u16   extension_size          96: bytes from 3136 that this version defines
 *  3144    u32   seq_count               extension seqlock (vmclock seq_count): odd while the
 *                                        daemon writes 3148..3199
 *  3148    u8    clock_status            vmclock clock_status: 0 UNKNOWN, 1 INITIALIZING,
 *                                        2 SYNCHRONIZED, 3 FREERUNNING, 4 UNRELIABLE
 *  3149    u8    leap_indicator          vmclock leap_indicator: 0 NONE, 1 PRE_POS, 2 PRE_NEG,
 *                                        3 POS (inside 23:59:60), 4 POST_POS, 5 POST_NEG
 *  3150    s16   tai_offset_sec          TAI - UTC in seconds (vmclock tai_offset_sec)
 *  3152    u64   disruption_marker       step generation: changes on every step of this
 *                                        domain's wall time (host step or offset change)
 *  3160    u64   flags                   vmclock flags: bit 0 TAI_OFFSET_VALID,
 *                                        bit 5 TIME_ESTERROR_VALID, bit 6 TIME_MAXERROR_VALID
 *  3168    u64   time_esterror_nanosec   adjtimex esterror, in ns (vmclock name and unit)
 *  3176    u64   time_maxerror_nanosec   adjtimex maxerror, in ns
 *  3184    s64   last_push_monotonic_ns  CLOCK_MONOTONIC when wc_* was last written
 *  3192    u32   last_push_reason        1 START, 2 STEP, 3 PERIODIC, 4 OFFSET_CHANGE, 5 REPAIR,
 *                                        6 RETRY
 *  3196    s32   time_offset_sec         this domain's offset in seconds, already included in
 *                                        wc_*; -2^31..2^31-1 ({@link TimeOffsetSeconds})
 *  ---- outside both seqlocks: single aligned 64-bit stores, read atomically ----------------
 *  3200    s64   heartbeat_monotonic_ns  CLOCK_MONOTONIC of the daemon's last heartbeat
 *  3208    u32   heartbeat_period_ms     how often the daemon writes the heartbeat
 *  3212    u32   writer_pid              process id of the daemon that owns the page
 *  3216    u64[2] reserved               zero (ends the 96 bytes of extension_size)
 *  3232    864   unused                  zero, up to the end of the first 4096 bytes
 *  ---- page v2 ----------------------------------------------------------------------------
 *  4096    4096  struct vmclock_abi      Linux vmclock page ({@link io.wallsync.core.vmclock.VmclockLayout})
 * </pre>
 *
 * <p>Reader protocol for the extension is the one of vmclock (Linux
 * include/uapi/linux/vmclock-abi.h) and of Xen's wc_version: read {@code seq_count}; if it is odd
 * the daemon is writing, retry; read the fields; read {@code seq_count} again and retry if it
 * changed. A reader gives up after a bounded wait (100 ms of real time by default) instead of hanging when a daemon was
 * killed in the middle of an update.
 */
public final class PageExtensionLayout {
    /** Size of a page v2 file: two x86 pages, the Xen/wallsync one and the vmclock one. */
    public static final int PAGE_SIZE = 8192;

    /** Size of a layout version 1 page (and of the first page of a v2 file): one x86 page. */
    public static final int V1_PAGE_SIZE = 4096;

    /** First byte after Xen's shared_info; the extension starts here. */
    public static final int EXTENSION_OFFSET = SharedInfoLayout.SIZE;

    public static final int MAGIC_OFFSET = EXTENSION_OFFSET;
    public static final int MAGIC_SIZE = Integer.BYTES;
    public static final int LAYOUT_VERSION_OFFSET = MAGIC_OFFSET + MAGIC_SIZE;
    public static final int LAYOUT_VERSION_SIZE = Short.BYTES;
    public static final int EXTENSION_SIZE_OFFSET = LAYOUT_VERSION_OFFSET + LAYOUT_VERSION_SIZE;
    public static final int EXTENSION_SIZE_SIZE = Short.BYTES;
    public static final int SEQ_COUNT_OFFSET = EXTENSION_SIZE_OFFSET + EXTENSION_SIZE_SIZE;
    public static final int SEQ_COUNT_SIZE = Integer.BYTES;
    public static final int CLOCK_STATUS_OFFSET = SEQ_COUNT_OFFSET + SEQ_COUNT_SIZE;
    public static final int CLOCK_STATUS_SIZE = Byte.BYTES;
    public static final int LEAP_INDICATOR_OFFSET = CLOCK_STATUS_OFFSET + CLOCK_STATUS_SIZE;
    public static final int LEAP_INDICATOR_SIZE = Byte.BYTES;
    public static final int TAI_OFFSET_SEC_OFFSET = LEAP_INDICATOR_OFFSET + LEAP_INDICATOR_SIZE;
    public static final int TAI_OFFSET_SEC_SIZE = Short.BYTES;
    public static final int DISRUPTION_MARKER_OFFSET = TAI_OFFSET_SEC_OFFSET + TAI_OFFSET_SEC_SIZE;
    public static final int DISRUPTION_MARKER_SIZE = Long.BYTES;
    public static final int FLAGS_OFFSET = DISRUPTION_MARKER_OFFSET + DISRUPTION_MARKER_SIZE;
    public static final int FLAGS_SIZE = Long.BYTES;
    public static final int TIME_ESTERROR_NANOSEC_OFFSET = FLAGS_OFFSET + FLAGS_SIZE;
    public static final int TIME_ESTERROR_NANOSEC_SIZE = Long.BYTES;
    public static final int TIME_MAXERROR_NANOSEC_OFFSET = TIME_ESTERROR_NANOSEC_OFFSET + TIME_ESTERROR_NANOSEC_SIZE;
    public static final int TIME_MAXERROR_NANOSEC_SIZE = Long.BYTES;
    public static final int LAST_PUSH_MONOTONIC_NS_OFFSET = TIME_MAXERROR_NANOSEC_OFFSET + TIME_MAXERROR_NANOSEC_SIZE;
    public static final int LAST_PUSH_MONOTONIC_NS_SIZE = Long.BYTES;
    public static final int LAST_PUSH_REASON_OFFSET = LAST_PUSH_MONOTONIC_NS_OFFSET + LAST_PUSH_MONOTONIC_NS_SIZE;
    public static final int LAST_PUSH_REASON_SIZE = Integer.BYTES;
    public static final int TIME_OFFSET_SEC_OFFSET = LAST_PUSH_REASON_OFFSET + LAST_PUSH_REASON_SIZE;
    public static final int TIME_OFFSET_SEC_SIZE = Integer.BYTES;
    public static final int HEARTBEAT_MONOTONIC_NS_OFFSET = TIME_OFFSET_SEC_OFFSET + TIME_OFFSET_SEC_SIZE;
    public static final int HEARTBEAT_MONOTONIC_NS_SIZE = Long.BYTES;
    public static final int HEARTBEAT_PERIOD_MS_OFFSET = HEARTBEAT_MONOTONIC_NS_OFFSET + HEARTBEAT_MONOTONIC_NS_SIZE;
    public static final int HEARTBEAT_PERIOD_MS_SIZE = Integer.BYTES;
    public static final int WRITER_PID_OFFSET = HEARTBEAT_PERIOD_MS_OFFSET + HEARTBEAT_PERIOD_MS_SIZE;
    public static final int WRITER_PID_SIZE = Integer.BYTES;
    public static final int RESERVED_OFFSET = WRITER_PID_OFFSET + WRITER_PID_SIZE;
    public static final int RESERVED_SIZE = 2 * Long.BYTES;

    /** Bytes from {@link #EXTENSION_OFFSET} defined by layout version 1. */
    public static final int EXTENSION_SIZE = RESERVED_OFFSET + RESERVED_SIZE - EXTENSION_OFFSET;

    /** "WYNC" read as a little-endian u32: 'W' 0x57, 'Y' 0x59, 'N' 0x4e, 'C' 0x43. */
    public static final int MAGIC = 0x434e5957;

    /** The layout this version writes: 2, an 8192-byte page with the vmclock page at 4096. */
    public static final int LAYOUT_VERSION = 2;

    /** The layout of a 4096-byte page without the vmclock page, which readers still accept. */
    public static final int V1_LAYOUT_VERSION = 1;

    /** The page size a layout version defines, or -1 for a version this code does not know. */
    public static int pageSizeOf(int layoutVersion) {
        return switch (layoutVersion) {
            case V1_LAYOUT_VERSION -> V1_PAGE_SIZE;
            case LAYOUT_VERSION -> PAGE_SIZE;
            default -> -1;
        };
    }

    /** vmclock VMCLOCK_FLAG_TAI_OFFSET_VALID. */
    public static final long FLAG_TAI_OFFSET_VALID = 1L << 0;
    /** vmclock VMCLOCK_FLAG_TIME_ESTERROR_VALID. */
    public static final long FLAG_TIME_ESTERROR_VALID = 1L << 5;
    /** vmclock VMCLOCK_FLAG_TIME_MAXERROR_VALID. */
    public static final long FLAG_TIME_MAXERROR_VALID = 1L << 6;

    /** The extension's fields in order, page offsets, as docs/page-abi.md and wallsync.h list them. */
    public static final List<AbiField> FIELDS = List.of(
            new AbiField("magic", "u32", MAGIC_OFFSET, MAGIC_SIZE),
            new AbiField("layout_version", "u16", LAYOUT_VERSION_OFFSET, LAYOUT_VERSION_SIZE),
            new AbiField("extension_size", "u16", EXTENSION_SIZE_OFFSET, EXTENSION_SIZE_SIZE),
            new AbiField("seq_count", "u32", SEQ_COUNT_OFFSET, SEQ_COUNT_SIZE),
            new AbiField("clock_status", "u8", CLOCK_STATUS_OFFSET, CLOCK_STATUS_SIZE),
            new AbiField("leap_indicator", "u8", LEAP_INDICATOR_OFFSET, LEAP_INDICATOR_SIZE),
            new AbiField("tai_offset_sec", "s16", TAI_OFFSET_SEC_OFFSET, TAI_OFFSET_SEC_SIZE),
            new AbiField("disruption_marker", "u64", DISRUPTION_MARKER_OFFSET, DISRUPTION_MARKER_SIZE),
            new AbiField("flags", "u64", FLAGS_OFFSET, FLAGS_SIZE),
            new AbiField("time_esterror_nanosec", "u64", TIME_ESTERROR_NANOSEC_OFFSET, TIME_ESTERROR_NANOSEC_SIZE),
            new AbiField("time_maxerror_nanosec", "u64", TIME_MAXERROR_NANOSEC_OFFSET, TIME_MAXERROR_NANOSEC_SIZE),
            new AbiField("last_push_monotonic_ns", "s64", LAST_PUSH_MONOTONIC_NS_OFFSET, LAST_PUSH_MONOTONIC_NS_SIZE),
            new AbiField("last_push_reason", "u32", LAST_PUSH_REASON_OFFSET, LAST_PUSH_REASON_SIZE),
            new AbiField("time_offset_sec", "s32", TIME_OFFSET_SEC_OFFSET, TIME_OFFSET_SEC_SIZE),
            new AbiField("heartbeat_monotonic_ns", "s64", HEARTBEAT_MONOTONIC_NS_OFFSET, HEARTBEAT_MONOTONIC_NS_SIZE),
            new AbiField("heartbeat_period_ms", "u32", HEARTBEAT_PERIOD_MS_OFFSET, HEARTBEAT_PERIOD_MS_SIZE),
            new AbiField("writer_pid", "u32", WRITER_PID_OFFSET, WRITER_PID_SIZE),
            new AbiField("reserved", "u64[2]", RESERVED_OFFSET, RESERVED_SIZE));

    private PageExtensionLayout() {}
}
