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
    void offsetsOutsideTheS32TimeOffsetSecAreRefusedNamingValueAndRange() {
        // The page's time_offset_sec is s32: -2^31 = -2_147_483_648 .. 2^31 - 1 = 2_147_483_647.
        assertThat(DomainSpec.parse("x:2147483647").timeOffsetSeconds()).isEqualTo(2_147_483_647L);
        assertThat(DomainSpec.parse("x:-2147483648").timeOffsetSeconds()).isEqualTo(-2_147_483_648L);
        for (String attack :
                new String[] {"2147483648", "-2147483649", "-9223372036854775808", "9223372036854775807"}) {
            assertThatThrownBy(() -> DomainSpec.parse("x:" + attack))
                    .as(attack)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("invalid domain 'x:" + attack + "'")
                    .hasMessageContaining(attack + " s out of range: expected -2147483648..2147483647 s");
        }
        assertThatThrownBy(() -> new DomainSpec(new io.wallsync.adapters.page.DomainName("x"), Long.MIN_VALUE))
                .hasMessageContaining("out of range");
    }
}
