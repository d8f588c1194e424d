package io.wallsync.core.page;

import static io.wallsync.core.page.PageExtensionLayout.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.wallsync.core.xen.SharedInfoLayout;
import org.junit.jupiter.api.Test;

class PageExtensionLayoutTest {
    @Test
    void extensionStartsRightAfterXensSharedInfoAndEndsAt3232() {
        // sizeof(struct shared_info) on x86_64 is 3136; 3136 + 96 = 3232, which is where the
        // 16 reserved bytes at 3216 end.
        assertThat(EXTENSION_OFFSET).isEqualTo(SharedInfoLayout.SIZE).isEqualTo(3136);
        assertThat(EXTENSION_OFFSET + EXTENSION_SIZE).isEqualTo(3232).isEqualTo(RESERVED_OFFSET + 16);
        assertThat(EXTENSION_OFFSET + EXTENSION_SIZE).isLessThanOrEqualTo(PAGE_SIZE);
    }

    @Test
    void everyFieldIsNaturallyAlignedForAtomicAccess() {
        // u64 fields on 8-byte boundaries, u32 on 4, u16 on 2: single-copy atomic loads and stores.
        for (int off : new int[] {
            DISRUPTION_MARKER_OFFSET,
            FLAGS_OFFSET,
            TIME_ESTERROR_NANOSEC_OFFSET,
            TIME_MAXERROR_NANOSEC_OFFSET,
            LAST_PUSH_MONOTONIC_NS_OFFSET,
            HEARTBEAT_MONOTONIC_NS_OFFSET,
            RESERVED_OFFSET
        }) {
            assertThat(off % 8).as("u64 at %d", off).isZero();
        }
        for (int off : new int[] {
            MAGIC_OFFSET,
            SEQ_COUNT_OFFSET,
            LAST_PUSH_REASON_OFFSET,
            TIME_OFFSET_SEC_OFFSET,
            HEARTBEAT_PERIOD_MS_OFFSET,
            WRITER_PID_OFFSET
        }) {
            assertThat(off % 4).as("u32 at %d", off).isZero();
        }
        for (int off : new int[] {LAYOUT_VERSION_OFFSET, EXTENSION_SIZE_OFFSET, TAI_OFFSET_SEC_OFFSET}) {
            assertThat(off % 2).as("u16 at %d", off).isZero();
        }
    }

    @Test
    void codesAreVmclocksNumbers() {
        // include/uapi/linux/vmclock-abi.h: VMCLOCK_STATUS_SYNCHRONIZED 2, FREERUNNING 3;
        // VMCLOCK_LEAP_PRE_POS 1, PRE_NEG 2; VMCLOCK_FLAG_TIME_MAXERROR_VALID (1 << 6).
        assertThat(ClockStatus.SYNCHRONIZED.code()).isEqualTo(2);
        assertThat(ClockStatus.FREERUNNING.code()).isEqualTo(3);
        assertThat(PageLeapIndicator.PRE_POS.code()).isEqualTo(1);
        assertThat(PageLeapIndicator.PRE_NEG.code()).isEqualTo(2);
        assertThat(FLAG_TIME_MAXERROR_VALID).isEqualTo(64);
        assertThat(ClockStatus.ofCode(99)).isEqualTo(ClockStatus.UNKNOWN);
        assertThat(PushReason.ofCode(4)).isEqualTo(PushReason.OFFSET_CHANGE);
        assertThat(PushReason.OFFSET_CHANGE.label()).isEqualTo("offset-change");
    }
}
