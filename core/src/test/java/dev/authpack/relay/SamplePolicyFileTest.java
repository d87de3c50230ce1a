package dev.authpack.relay;

import dev.authpack.dns.IpLiterals;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** conf-samples/relay-policy.conf is what administrators copy: it must parse and mean what its comments say. */
class SamplePolicyFileTest {
    private static final Path SAMPLE = Path.of("..", "conf-samples", "relay-policy.conf");

    private static RelayDecision ask(RelayPolicy p, String ip, String from, String rcpt, String user) {
        return p.evaluate(new RelayRequest(IpLiterals.parse(ip).orElseThrow(), Optional.empty(), from, rcpt,
                Optional.ofNullable(user)));
    }

    @Test
    void sampleParsesAndBehavesAsDocumented() throws Exception {
        assertThat(Files.isRegularFile(SAMPLE)).as(SAMPLE.toAbsolutePath().toString()).isTrue();
        RelayPolicy p = RelayPolicy.load(SAMPLE);
        assertThat(ask(p, "127.0.0.1", "", "x@remote.example", null).rule()).isEqualTo(RelayRule.RELAY_HOSTS);
        assertThat(ask(p, "::1", "", "x@remote.example", null).rule()).isEqualTo(RelayRule.RELAY_HOSTS);
        assertThat(ask(p, "203.0.113.1", "", "x@remote.example", "bob@james.test").rule())
                .isEqualTo(RelayRule.RELAY_AUTHENTICATED);
        assertThat(ask(p, "192.0.2.9", "me@james.test", "x@remote.example", null).rule())
                .isEqualTo(RelayRule.RELAY_FROM);
        assertThat(ask(p, "192.0.2.9", "me@sub.james.test", "x@remote.example", null).allowed()).isFalse();
        assertThat(ask(p, "203.0.113.1", "", "x@backup-mx.example", null).rule()).isEqualTo(RelayRule.RELAY_TO);
        assertThat(ask(p, "203.0.113.1", "", "x%remote.example@backup-mx.example", null).allowed()).isFalse();
        assertThat(ask(p, "203.0.113.1", "", "x@remote.example", null).rule()).isEqualTo(RelayRule.NO_RULE);
    }
}
