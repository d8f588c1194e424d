package io.wallsync.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DomainSpecTest {
    @Test
    void nameAloneHasOffsetZeroAndNameColonSecondsCarriesTheOffset() {
        assertThat(DomainSpec.parse("web").timeOffsetSeconds()).isZero();
        assertThat(DomainSpec.parse("db:-3600").timeOffsetSeconds()).isEqualTo(-3600);
        assertThat(DomainSpec.parse("db:-3600").name().value()).isEqualTo("db");
        assertThat(DomainSpec.parse("later:86400").timeOffsetSeconds()).isEqualTo(86_400);
    }

    @Test
    void offsetsBeyondAHundredYearsAreRefused() {
        // 100 * 366 * 86_400 = 3_162_240_000 s is the limit.
        assertThat(DomainSpec.parse("x:3162240000").timeOffsetSeconds()).isEqualTo(3_162_240_000L);
        assertThatThrownBy(() -> DomainSpec.parse("x:3162240001"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("out of range");
    }
}
