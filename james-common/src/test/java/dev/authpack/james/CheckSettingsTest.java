package dev.authpack.james;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.authpack.check.CheckTimeouts;
import dev.authpack.dmarc.DmarcMode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one reader of the check parameters, shared by MailAuthCheck and the SMTP hook. */
class CheckSettingsTest {

    private static CheckSettings read(Map<String, String> parameters) {
        return CheckSettings.read(parameters::get);
    }

    @Test
    void defaultsRunEveryCheckWithTheEnginesDefaults() {
        CheckSettings s = read(Map.of("serverId", "mx.example.org"));
        assertThat(s.serverId()).isEqualTo("mx.example.org");
        assertThat(s.options().needsMessage()).isTrue();
        assertThat(s.engine().receiverName()).isEqualTo("mx.example.org");
        assertThat(s.engine().timeouts()).isEqualTo(CheckTimeouts.DEFAULT);
        assertThat(s.engine().dmarc().mode()).isEqualTo(DmarcMode.RFC9989);
    }

    @Test
    void readsEveryKindOfValue() {
        CheckSettings s = read(Map.of("serverId", " mx.example.org ", "dkim", "no", "dmarcMode", "7489",
                "spfTimeout", "1500", "dkimMaxSignatures", "3", "dnsServers", "127.0.0.1:5353",
                "dnsTimeout", "2000"));
        assertThat(s.serverId()).isEqualTo("mx.example.org");
        assertThat(s.engine().dkim().maxSignatures()).isEqualTo(3);
        assertThat(s.engine().timeouts().spf()).isEqualTo(Duration.ofMillis(1500));
        assertThat(s.engine().dmarc().mode()).isEqualTo(DmarcMode.RFC7489);
        assertThat(s.dns().servers()).containsExactly("127.0.0.1:5353");
        assertThat(s.dns().timeout()).isEqualTo(Duration.ofMillis(2000));
    }

    @Test
    void aBadValueNamesTheParameterAndWhatIsAccepted() {
        assertThatThrownBy(() -> read(Map.of("spf", "maybe")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("spf must be true or false");
        assertThatThrownBy(() -> read(Map.of("dmarcMode", "dmarc2")))
                .hasMessageContaining("dmarcMode must be rfc9989 or rfc7489");
        assertThatThrownBy(() -> read(Map.of("dmarcUnverifiableDisposition", "drop")))
                .hasMessageContaining("strictest, none, quarantine or reject");
        assertThatThrownBy(() -> read(Map.of("dkimKeyTimeout", "0")))
                .hasMessageContaining("dkimKeyTimeout must be milliseconds from 1 to "
                        + CheckTimeouts.MAX.toMillis());
        assertThatThrownBy(() -> read(Map.of("dkimMaxSignatures", "x")))
                .hasMessageContaining("dkimMaxSignatures must be a whole number");
        assertThatThrownBy(() -> read(Map.of("dnsTimeout", "soon")))
                .hasMessageContaining("bad dnsTimeout: DNS timeout must be milliseconds from 1 to");
    }

    @Test
    void aBadDnsServerIsRefusedWhenReadNamingDnsServersAndWhatIsAccepted() {
        // before: accepted here, refused (if at all) when the resolver was built, without the parameter's name
        for (String bad : new String[] {"no-such-host.invalid", "127.0.0.1:70000", "127.0.0.1:0", "127.0.0.1:dns",
                "127.0.0.1:", "[::1", "[::1]x", ":53", "127.0.0.1:53, 10.0.0.1:99999"}) {
            assertThatThrownBy(() -> read(Map.of("dnsServers", bad))).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("bad dnsServers: ")
                    .hasMessageContaining("host:port")
                    .hasMessageContaining("empty for the system's servers");
        }
        assertThat(read(Map.of("dnsServers", "127.0.0.1:5353 [::1]:53, 192.0.2.1")).dns().servers())
                .containsExactly("127.0.0.1:5353", "[::1]:53", "192.0.2.1");
    }
}
