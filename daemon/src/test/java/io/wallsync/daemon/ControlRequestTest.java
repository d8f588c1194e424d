package io.wallsync.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wallsync.adapters.page.DomainName;
import org.junit.jupiter.api.Test;

/** Offsets in control requests: the s32 range of time_offset_sec, checked while parsing. */
class ControlRequestTest {
    private static final String RANGE = " s out of range: expected -2147483648..2147483647 s";

    @Test
    void setOffsetLongMinValueIsRefusedItWasAcceptedThroughMathAbs() {
        assertThatThrownBy(() -> ControlRequest.parse("set-offset a -9223372036854775808"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-9223372036854775808" + RANGE);
    }

    @Test
    void setOffsetAndAddOneBeyondTheS32BoundsAreRefused() {
        assertThatThrownBy(() -> ControlRequest.parse("set-offset a 2147483648"))
                .hasMessageContaining("2147483648" + RANGE);
        assertThatThrownBy(() -> ControlRequest.parse("set-offset a -2147483649"))
                .hasMessageContaining("-2147483649" + RANGE);
        assertThatThrownBy(() -> ControlRequest.parse("add a 2147483648")).hasMessageContaining("2147483648" + RANGE);
        assertThatThrownBy(() -> ControlRequest.parse("add a 99999999999999999999"))
                .hasMessageContaining("99999999999999999999" + RANGE);
        assertThatThrownBy(() -> new ControlRequest.SetOffset(new DomainName("a"), 1L << 31))
                .hasMessageContaining(RANGE);
    }

    @Test
    void theBoundsThemselvesAreAccepted() {
        assertThat(ControlRequest.parse("set-offset a -2147483648"))
                .isEqualTo(new ControlRequest.SetOffset(new DomainName("a"), -2_147_483_648L));
        assertThat(ControlRequest.parse("add a 2147483647"))
                .isEqualTo(new ControlRequest.Add(new DomainSpec(new DomainName("a"), 2_147_483_647L)));
    }
}
