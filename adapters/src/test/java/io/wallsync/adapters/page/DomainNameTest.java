package io.wallsync.adapters.page;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DomainNameTest {
    @ParameterizedTest
    @ValueSource(strings = {"web", "db-1", "container_7", "a.b", "X"})
    void plainNamesAreAccepted(String name) {
        assertThat(new DomainName(name).pageFileName()).isEqualTo(name + ".page");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "../etc", "a/b", ".hidden", "-x", "sp ace", "control.sock/x"})
    void namesThatCouldLeaveTheDirectoryOrHideAreRefused(String name) {
        assertThatThrownBy(() -> new DomainName(name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid domain name");
    }
}
