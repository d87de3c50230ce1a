package dev.authpack.dns;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DnsSettingsTest {

    @Test
    void parsesTheConfigurationTextOfServersAndTimeout() {
        DnsSettings settings = DnsSettings.parse(" 127.0.0.1:5353, [::1]:53  10.0.0.1 ", "1500");
        assertThat(settings.servers()).containsExactly("127.0.0.1:5353", "[::1]:53", "10.0.0.1");
        assertThat(settings.timeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(settings.cacheSize()).isEqualTo(DnsSettings.DEFAULT_CACHE_SIZE);
    }

    @Test
    void blankOrAbsentTextGivesTheDefaults() {
        assertThat(DnsSettings.parse(null, null)).isEqualTo(DnsSettings.defaults());
        assertThat(DnsSettings.parse("  ", " ")).isEqualTo(DnsSettings.defaults());
    }

    @Test
    void theTimeoutIsMillisecondsFromOneToTheResolversMaximum() {
        long max = DnsjavaResolver.MAX_TIMEOUT.toMillis();
        assertThat(DnsSettings.timeout(" 1 ")).isEqualTo(Duration.ofMillis(1));
        assertThat(DnsSettings.timeout(String.valueOf(max))).isEqualTo(DnsjavaResolver.MAX_TIMEOUT);
        for (String bad : List.of("0", "-5", String.valueOf(max + 1), "soon", "1.5", "99999999999999999999")) {
            assertThatThrownBy(() -> DnsSettings.parse("", bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("from 1 to " + max);
        }
        assertThatThrownBy(() -> DnsSettings.timeout(0L)).hasMessageContaining("not '0'");
    }

    @Test
    void eachServerIsCheckedAsTheResolverReadsItAndABadOneNamesWhatIsAccepted() {
        assertThat(DnsSettings.servers("127.0.0.1:5353 [::1]")).containsExactly("127.0.0.1:5353", "[::1]");
        assertThatThrownBy(() -> DnsSettings.servers("127.0.0.1, 10.0.0.1:99999"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("DNS server '10.0.0.1:99999': the port 99999 is not from 1 to 65535 (accepted: "
                        + DnsSettings.SERVERS_ACCEPTED + ")");
        assertThatThrownBy(() -> DnsSettings.servers("no-such-host.invalid:53"))
                .hasMessageStartingWith("DNS server 'no-such-host.invalid:53': unknown host 'no-such-host.invalid'");
        assertThatThrownBy(() -> DnsSettings.servers("127.0.0.1 ".repeat(DnsSettings.MAX_SERVERS + 1)))
                .hasMessageStartingWith((DnsSettings.MAX_SERVERS + 1) + " DNS servers (accepted: up to "
                        + DnsSettings.MAX_SERVERS);
    }
}
