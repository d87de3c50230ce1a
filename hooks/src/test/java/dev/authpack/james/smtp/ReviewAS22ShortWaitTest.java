package dev.authpack.james.smtp;

import dev.authpack.dns.DnsResolver;
import dev.authpack.james.RelayTestSupport;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Review s22, reviewA (an administrator's configuration). A wait yields once held {@code waitYieldAfter}, at least
 * 1 ms, which must be shorter than the wait's bound: with {@code dataWait} or {@code mailFromWait} at 1 ms the default
 * derived was 1 ms, the bound itself (no wait ever yielded), and one set was refused as not "from 1 to 0"; a relay
 * hook's {@code nameLookupTimeout} of 1 ms gave its waits the same never-reached 1 ms. Now a bound under 2 ms stops
 * James at start, naming the range accepted, and the shortest accepted yields after 1 ms.
 */
class ReviewAS22ShortWaitTest {
    @TempDir
    Path dir;

    private static SessionLimits read(Map<String, String> set) {
        return SessionLimits.read(set::get);
    }

    @Test
    void aBoundTooShortToYieldBeforeItIsRefusedNamingWhatIsAccepted() {
        assertThatThrownBy(() -> read(Map.of("dataWait", "1")))
                .hasMessage("dataWait must be a whole number from 2 to 120000, not '1'");
        assertThatThrownBy(() -> read(Map.of("mailFromWait", "1")))
                .hasMessage("mailFromWait must be a whole number from 2 to 120000, not '1'");
        assertThatThrownBy(() -> SessionAuthCheckTest.hook(new SessionAuthCheckTest.Counting(), "dataWait", "1"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("SessionAuthCheck: dataWait must be a whole number from 2 to 120000");
    }

    @Test
    void theShortestBoundAcceptedYieldsBeforeIt() {
        assertThat(read(Map.of("dataWait", "2")).waitYieldAfter()).hasMillis(1);
        assertThat(read(Map.of("mailFromWait", "2")).waitYieldAfter()).hasMillis(1);
        assertThat(read(Map.of("mailFromWait", "2", "waitYieldAfter", "1")).waitYieldAfter()).hasMillis(1);
        assertThat(SessionLimits.yieldAfter(java.time.Duration.ofMillis(2))).hasMillis(1);
    }

    @Test
    void aRelayHookNameLookupTimeoutTooShortToYieldBeforeItIsRefused() throws Exception {
        RelayTestSupport.writePolicy(dir, ReviewS21RelayNameWaitsTest.NAMED_POLICY);
        DnsResolver dns = new ReviewS22RelayLookupShareTest.HeldPtr();
        assertThatThrownBy(() -> ReviewS21RelayNameWaitsTest.hook(dir, dns, SessionCounts.fresh(),
                "nameLookupTimeout", "1"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("nameLookupTimeout must be a whole number from 2 to 30000, not '1'");
        assertThat(ReviewS21RelayNameWaitsTest.hook(dir, dns, SessionCounts.fresh(), "nameLookupTimeout", "2"))
                .isNotNull();
    }
}
