package io.wallsync.core.vmclock;

import io.wallsync.core.abi.AbiField;
import io.wallsync.core.page.PageExtensionLayout;
import java.util.List;
import java.util.stream.Stream;

/**
 * Descriptor of {@code struct vmclock_abi} (Linux include/uapi/linux/vmclock-abi.h, Linux 6.13;
 * {@code vm_generation_counter} and its flag from Linux 6.15), the second 4096 bytes of a wallsync
 * page v2. Little-endian, naturally aligned, no padding but {@code pad[2]}; each offset is the
 * previous one plus the previous size. Offsets here are relative to the structure (as in the
 * header); {@link #PAGE_OFFSET} places it in a page file, and {@link #FIELDS} lists page offsets
 * for docs/page-abi.md and include/wallsync.h.
 *
 * <pre>
 *  offset  size  field                                    wallsync publishes
 *  0       u32   magic                                    0x4b4c4356 "VCLK"
 *  4       u32   size                                     4096: bytes of the region
 *  8       u16   version                                  1
 *  10      u8    counter_id                               1 X86_TSC, or 0xff INVALID
 *  11      u8    time_type                                0 UTC
 *  ---- under seq_count ---------------------------------------------------------------------------
 *  12      u32   seq_count                                odd while the daemon writes
 *  16      u64   disruption_marker                        changes on every counter disruption
 *  24      u64   flags                                    VMCLOCK_FLAG_* below
 *  32      u8[2] pad                                      zero
 *  34      u8    clock_status                             VMCLOCK_STATUS_*
 *  35      u8    leap_second_smearing_hint                0 STRICT (never smeared)
 *  36      s16   tai_offset_sec                           TAI - UTC
 *  38      u8    leap_indicator                           VMCLOCK_LEAP_*
 *  39      u8    counter_period_shift                     extra bits of the period
 *  40      u64   counter_value                            the counter at time_sec.time_frac_sec
 *  48      u64   counter_period_frac_sec                  seconds per tick, 2^-(64+shift)
 *  56      u64   counter_period_esterror_rate_frac_sec    its estimated error, same unit
 *  64      u64   counter_period_maxerror_rate_frac_sec    its maximum error, same unit
 *  72      u64   time_sec                                 seconds since 1970 (UTC) at counter_value
 *  80      u64   time_frac_sec                            fraction, 2^-64 s
 *  88      u64   time_esterror_nanosec                    estimated error at counter_value
 *  96      u64   time_maxerror_nanosec                    maximum error at counter_value
 *  104     u64   vm_generation_counter                    0; VM_GEN_COUNTER_PRESENT is clear
 *  112     end of the structure
 * </pre>
 *
 * <p>Reader arithmetic (Linux drivers/ptp/ptp_vmclock.c, {@code vmclock_get_crosststamp} and
 * {@code mul_u64_u64_shr_add_u64}): time = time_sec + ((counter - counter_value) *
 * counter_period_frac_sec >> shift, as 128 bits) + time_frac_sec, with the fraction's carry into the
 * seconds.
 */
public final class VmclockLayout {
    /** Where the structure starts in a page v2 file: right after the first x86 page. */
    public static final int PAGE_OFFSET = PageExtensionLayout.V1_PAGE_SIZE;

    /** The region the structure announces in {@code size}: the rest of the 4096-byte page. */
    public static final int REGION_SIZE = 4096;

    public static final int MAGIC_OFFSET = 0;
    public static final int MAGIC_SIZE = Integer.BYTES;
    public static final int SIZE_OFFSET = MAGIC_OFFSET + MAGIC_SIZE;
    public static final int SIZE_SIZE = Integer.BYTES;
    public static final int VERSION_OFFSET = SIZE_OFFSET + SIZE_SIZE;
    public static final int VERSION_SIZE = Short.BYTES;
    public static final int COUNTER_ID_OFFSET = VERSION_OFFSET + VERSION_SIZE;
    public static final int COUNTER_ID_SIZE = Byte.BYTES;
    public static final int TIME_TYPE_OFFSET = COUNTER_ID_OFFSET + COUNTER_ID_SIZE;
    public static final int TIME_TYPE_SIZE = Byte.BYTES;
    public static final int SEQ_COUNT_OFFSET = TIME_TYPE_OFFSET + TIME_TYPE_SIZE;
    public static final int SEQ_COUNT_SIZE = Integer.BYTES;
    public static final int DISRUPTION_MARKER_OFFSET = SEQ_COUNT_OFFSET + SEQ_COUNT_SIZE;
    public static final int DISRUPTION_MARKER_SIZE = Long.BYTES;
    public static final int FLAGS_OFFSET = DISRUPTION_MARKER_OFFSET + DISRUPTION_MARKER_SIZE;
    public static final int FLAGS_SIZE = Long.BYTES;
    public static final int PAD_OFFSET = FLAGS_OFFSET + FLAGS_SIZE;
    public static final int PAD_SIZE = 2;
    public static final int CLOCK_STATUS_OFFSET = PAD_OFFSET + PAD_SIZE;
    public static final int CLOCK_STATUS_SIZE = Byte.BYTES;
    public static final int LEAP_SECOND_SMEARING_HINT_OFFSET = CLOCK_STATUS_OFFSET + CLOCK_STATUS_SIZE;
    public static final int LEAP_SECOND_SMEARING_HINT_SIZE = Byte.BYTES;
    public static final int TAI_OFFSET_SEC_OFFSET = LEAP_SECOND_SMEARING_HINT_OFFSET + LEAP_SECOND_SMEARING_HINT_SIZE;
    public static final int TAI_OFFSET_SEC_SIZE = Short.BYTES;
    public static final int LEAP_INDICATOR_OFFSET = TAI_OFFSET_SEC_OFFSET + TAI_OFFSET_SEC_SIZE;
    public static final int LEAP_INDICATOR_SIZE = Byte.BYTES;
    public static final int COUNTER_PERIOD_SHIFT_OFFSET = LEAP_INDICATOR_OFFSET + LEAP_INDICATOR_SIZE;
    public static final int COUNTER_PERIOD_SHIFT_SIZE = Byte.BYTES;
    public static final int COUNTER_VALUE_OFFSET = COUNTER_PERIOD_SHIFT_OFFSET + COUNTER_PERIOD_SHIFT_SIZE;
    public static final int COUNTER_VALUE_SIZE = Long.BYTES;
    public static final int COUNTER_PERIOD_FRAC_SEC_OFFSET = COUNTER_VALUE_OFFSET + COUNTER_VALUE_SIZE;
    public static final int COUNTER_PERIOD_FRAC_SEC_SIZE = Long.BYTES;
    public static final int COUNTER_PERIOD_ESTERROR_RATE_FRAC_SEC_OFFSET =
            COUNTER_PERIOD_FRAC_SEC_OFFSET + COUNTER_PERIOD_FRAC_SEC_SIZE;
    public static final int COUNTER_PERIOD_ESTERROR_RATE_FRAC_SEC_SIZE = Long.BYTES;
    public static final int COUNTER_PERIOD_MAXERROR_RATE_FRAC_SEC_OFFSET =
            COUNTER_PERIOD_ESTERROR_RATE_FRAC_SEC_OFFSET + COUNTER_PERIOD_ESTERROR_RATE_FRAC_SEC_SIZE;
    public static final int COUNTER_PERIOD_MAXERROR_RATE_FRAC_SEC_SIZE = Long.BYTES;
    public static final int TIME_SEC_OFFSET =
            COUNTER_PERIOD_MAXERROR_RATE_FRAC_SEC_OFFSET + COUNTER_PERIOD_MAXERROR_RATE_FRAC_SEC_SIZE;
    public static final int TIME_SEC_SIZE = Long.BYTES;
    public static final int TIME_FRAC_SEC_OFFSET = TIME_SEC_OFFSET + TIME_SEC_SIZE;
    public static final int TIME_FRAC_SEC_SIZE = Long.BYTES;
    public static final int TIME_ESTERROR_NANOSEC_OFFSET = TIME_FRAC_SEC_OFFSET + TIME_FRAC_SEC_SIZE;
    public static final int TIME_ESTERROR_NANOSEC_SIZE = Long.BYTES;
    public static final int TIME_MAXERROR_NANOSEC_OFFSET = TIME_ESTERROR_NANOSEC_OFFSET + TIME_ESTERROR_NANOSEC_SIZE;
    public static final int TIME_MAXERROR_NANOSEC_SIZE = Long.BYTES;
    public static final int VM_GENERATION_COUNTER_OFFSET = TIME_MAXERROR_NANOSEC_OFFSET + TIME_MAXERROR_NANOSEC_SIZE;
    public static final int VM_GENERATION_COUNTER_SIZE = Long.BYTES;

    /** Bytes of the structure: 112. */
    public static final int SIZE = VM_GENERATION_COUNTER_OFFSET + VM_GENERATION_COUNTER_SIZE;

    /** VMCLOCK_MAGIC, "VCLK" read as a little-endian u32. */
    public static final int MAGIC = 0x4b4c4356;

    public static final int VERSION = 1;

    public static final int COUNTER_ARM_VCNT = 0;
    public static final int COUNTER_X86_TSC = 1;
    public static final int COUNTER_INVALID = 0xff;

    public static final int TIME_UTC = 0;
    public static final int TIME_TAI = 1;
    public static final int TIME_MONOTONIC = 2;

    public static final long FLAG_TAI_OFFSET_VALID = 1L << 0;
    public static final long FLAG_DISRUPTION_SOON = 1L << 1;
    public static final long FLAG_DISRUPTION_IMMINENT = 1L << 2;
    public static final long FLAG_PERIOD_ESTERROR_VALID = 1L << 3;
    public static final long FLAG_PERIOD_MAXERROR_VALID = 1L << 4;
    public static final long FLAG_TIME_ESTERROR_VALID = 1L << 5;
    public static final long FLAG_TIME_MAXERROR_VALID = 1L << 6;
    /** Never set by wallsync: a republished reference may read earlier than the old extrapolation. */
    public static final long FLAG_TIME_MONOTONIC = 1L << 7;

    public static final long FLAG_VM_GEN_COUNTER_PRESENT = 1L << 8;
    public static final long FLAG_NOTIFICATION_PRESENT = 1L << 9;

    /** VMCLOCK_SMEARING_STRICT: the time is never smeared. */
    public static final int SMEARING_STRICT = 0;

    /** The structure's fields in order, at their page v2 offsets, as docs/page-abi.md and wallsync.h list them. */
    public static final List<AbiField> FIELDS = Stream.of(
                    new AbiField("magic", "u32", MAGIC_OFFSET, MAGIC_SIZE),
                    new AbiField("size", "u32", SIZE_OFFSET, SIZE_SIZE),
                    new AbiField("version", "u16", VERSION_OFFSET, VERSION_SIZE),
                    new AbiField("counter_id", "u8", COUNTER_ID_OFFSET, COUNTER_ID_SIZE),
                    new AbiField("time_type", "u8", TIME_TYPE_OFFSET, TIME_TYPE_SIZE),
                    new AbiField("seq_count", "u32", SEQ_COUNT_OFFSET, SEQ_COUNT_SIZE),
                    new AbiField("disruption_marker", "u64", DISRUPTION_MARKER_OFFSET, DISRUPTION_MARKER_SIZE),
                    new AbiField("flags", "u64", FLAGS_OFFSET, FLAGS_SIZE),
                    new AbiField("pad", "u8[2]", PAD_OFFSET, PAD_SIZE),
                    new AbiField("clock_status", "u8", CLOCK_STATUS_OFFSET, CLOCK_STATUS_SIZE),
                    new AbiField(
                            "leap_second_smearing_hint",
                            "u8",
                            LEAP_SECOND_SMEARING_HINT_OFFSET,
                            LEAP_SECOND_SMEARING_HINT_SIZE),
                    new AbiField("tai_offset_sec", "s16", TAI_OFFSET_SEC_OFFSET, TAI_OFFSET_SEC_SIZE),
                    new AbiField("leap_indicator", "u8", LEAP_INDICATOR_OFFSET, LEAP_INDICATOR_SIZE),
                    new AbiField("counter_period_shift", "u8", COUNTER_PERIOD_SHIFT_OFFSET, COUNTER_PERIOD_SHIFT_SIZE),
                    new AbiField("counter_value", "u64", COUNTER_VALUE_OFFSET, COUNTER_VALUE_SIZE),
                    new AbiField(
                            "counter_period_frac_sec",
                            "u64",
                            COUNTER_PERIOD_FRAC_SEC_OFFSET,
                            COUNTER_PERIOD_FRAC_SEC_SIZE),
                    new AbiField(
                            "counter_period_esterror_rate_frac_sec",
                            "u64",
                            COUNTER_PERIOD_ESTERROR_RATE_FRAC_SEC_OFFSET,
                            COUNTER_PERIOD_ESTERROR_RATE_FRAC_SEC_SIZE),
                    new AbiField(
                            "counter_period_maxerror_rate_frac_sec",
                            "u64",
                            COUNTER_PERIOD_MAXERROR_RATE_FRAC_SEC_OFFSET,
                            COUNTER_PERIOD_MAXERROR_RATE_FRAC_SEC_SIZE),
                    new AbiField("time_sec", "u64", TIME_SEC_OFFSET, TIME_SEC_SIZE),
                    new AbiField("time_frac_sec", "u64", TIME_FRAC_SEC_OFFSET, TIME_FRAC_SEC_SIZE),
                    new AbiField(
                            "time_esterror_nanosec", "u64", TIME_ESTERROR_NANOSEC_OFFSET, TIME_ESTERROR_NANOSEC_SIZE),
                    new AbiField(
                            "time_maxerror_nanosec", "u64", TIME_MAXERROR_NANOSEC_OFFSET, TIME_MAXERROR_NANOSEC_SIZE),
                    new AbiField(
                            "vm_generation_counter", "u64", VM_GENERATION_COUNTER_OFFSET, VM_GENERATION_COUNTER_SIZE))
            .map(f -> new AbiField(f.name(), f.type(), PAGE_OFFSET + f.offset(), f.size()))
            .toList();

    private VmclockLayout() {}
}
