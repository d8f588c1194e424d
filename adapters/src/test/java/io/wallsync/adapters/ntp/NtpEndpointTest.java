package io.wallsync.adapters.ntp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class NtpEndpointTest {
    @Test
    void domainDefaultsToHostAndIpv6NeedsBrackets() throws Exception {
        assertThat(NtpEndpoint.parse("127.0.0.1:11123"))
                .isEqualTo(new NtpEndpoint("host", new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 11123)));
        assertThat(NtpEndpoint.parse("web@[::1]:123"))
                .isEqualTo(new NtpEndpoint("web", new InetSocketAddress(InetAddress.getByName("::1"), 123)));
        assertThat(NtpEndpoint.defaultEndpoint().address().getPort()).isEqualTo(11123);
        assertThatThrownBy(() -> NtpEndpoint.parse("::1:123")).hasMessageContaining("brackets");
        assertThatThrownBy(() -> NtpEndpoint.parse("@127.0.0.1:1")).hasMessageContaining("empty domain");
        assertThatThrownBy(() -> NtpEndpoint.parse("127.0.0.1:70000")).hasMessageContaining("outside 0..65535");
        assertThatThrownBy(() -> NtpEndpoint.parse("127.0.0.1:ntp")).hasMessageContaining("'ntp' is not a number");
    }

    @Test
    void referenceIdIsAnIpv4AddressOrLeftJustifiedAscii() {
        // 192.0.2.1 = 0xC0000201
        assertThat(NtpEndpoint.parseReferenceId("192.0.2.1")).isEqualTo(0xC000_0201);
        // "GPS" = 0x47 0x50 0x53, zero-filled: 0x47505300; "PPS1" = 0x50505331
        assertThat(NtpEndpoint.parseReferenceId("GPS")).isEqualTo(0x4750_5300);
        assertThat(NtpEndpoint.parseReferenceId("PPS1")).isEqualTo(0x5050_5331);
        assertThat(NtpEndpoint.formatReferenceId(0x7F7F_0101)).isEqualTo("127.127.1.1");
        assertThatThrownBy(() -> NtpEndpoint.parseReferenceId("1.2.3.256")).hasMessageContaining("256 > 255");
        assertThatThrownBy(() -> NtpEndpoint.parseReferenceId("TOOLONG")).hasMessageContaining("1-4 ASCII");
    }
}
