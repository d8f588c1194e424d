package io.wallsync.core.page;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TimeOffsetSecondsTest {
    private static final String RANGE = "expected -2147483648..2147483647 s";

    @Test
    void theS32BoundsAreAcceptedAndOneBeyondIsRefusedNamingValueAndRange() {
        assertThat(TimeOffsetSeconds.of(-2_147_483_648L).seconds()).isEqualTo(Integer.MIN_VALUE);
        assertThat(TimeOffsetSeconds.of(2_147_483_647L).seconds()).isEqualTo(Integer.MAX_VALUE);
        assertThatThrownBy(() -> TimeOffsetSeconds.of(2_147_483_648L))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2147483648 s out of range")
                .hasMessageContaining(RANGE);
        assertThatThrownBy(() -> TimeOffsetSeconds.of(-2_147_483_649L))
                .hasMessageContaining("-2147483649 s out of range")
                .hasMessageContaining(RANGE);
    }

    @Test
    void longMinValueIsRefusedNotFoldedByAbs() {
        // Math.abs(Long.MIN_VALUE) is Long.MIN_VALUE, negative: the old "|x| > limit" check let it in.
        assertThatThrownBy(() -> TimeOffsetSeconds.parse("-9223372036854775808"))
                .hasMessageContaining("-9223372036854775808 s out of range")
                .hasMessageContaining(RANGE);
        assertThatThrownBy(() -> TimeOffsetSeconds.of(Long.MIN_VALUE)).hasMessageContaining(RANGE);
    }

    @Test
    void integersBeyondALongAreOutOfRangeAndWordsAreNotNumbers() {
        assertThatThrownBy(() -> TimeOffsetSeconds.parse("99999999999999999999"))
                .hasMessageContaining("99999999999999999999 s out of range");
        assertThatThrownBy(() -> TimeOffsetSeconds.parse("soon"))
                .hasMessage("offset 'soon' is not a whole number of seconds");
        assertThatThrownBy(() -> TimeOffsetSeconds.parse("1.5")).hasMessageContaining("not a whole number");
        assertThat(TimeOffsetSeconds.parse("+60").seconds()).isEqualTo(60);
        assertThat(TimeOffsetSeconds.parse("-3600").seconds()).isEqualTo(-3600);
    }
}
