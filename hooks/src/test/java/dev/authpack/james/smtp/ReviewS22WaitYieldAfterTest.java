package dev.authpack.james.smtp;

import org.apache.commons.configuration2.ex.ConfigurationException;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Review s22 (attacker: a sender whose DNS never answers, against an administrator's configuration). A wait never
 * lasts longer than {@code dataWait} at the end of DATA or {@code mailFromWait} at MAIL FROM, and it yields only once
 * held {@code waitYieldAfter}: set at or above the shorter of the two (or left at its 2 s default while one of them
 * was set to 2 s or less), no wait ever yielded, and a few such messages at once answered everyone else "busy" for
 * the whole bound. Now such a {@code waitYieldAfter} stops James at start with what is accepted, and one left unset
 * is a fifth of a bound of 2 s or less.
 */
class ReviewS22WaitYieldAfterTest {
    private static SessionLimits read(Map<String, String> set) {
        return SessionLimits.read(set::get);
    }

    @Test
    void aWaitYieldAfterNoWaitReachesIsRefusedNamingWhatIsAccepted() {
        for (Map<String, String> set : java.util.List.of(Map.of("waitYieldAfter", "10000"),
                Map.of("waitYieldAfter", "5000"), Map.of("waitYieldAfter", "3000", "dataWait", "3000"))) {
            assertThatThrownBy(() -> SessionAuthCheckTest.hook(new SessionAuthCheckTest.Counting(),
                    set.entrySet().stream().flatMap(e -> java.util.stream.Stream.of(e.getKey(), e.getValue()))
                            .toArray(String[]::new)))
                    .as("%s", set).isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("SessionAuthCheck: waitYieldAfter must be shorter than dataWait (")
                    .hasMessageContaining("a whole number from 1 to ");
        }
        assertThatThrownBy(() -> read(Map.of("waitYieldAfter", "5000")))
                .hasMessage("waitYieldAfter must be shorter than dataWait (10000 ms) and mailFromWait (5000 ms), the"
                        + " longest a wait lasts, or no wait ever yields: a whole number from 1 to 4999 here (or raise"
                        + " those), not '5000'");
        assertThat(read(Map.of("waitYieldAfter", "4999")).waitYieldAfter()).hasMillis(4999);
    }

    @Test
    void leftUnsetItIsTheDefaultOrAFifthOfAShorterBound() {
        assertThat(read(Map.of()).waitYieldAfter()).hasMillis(2000);
        assertThat(read(Map.of("dataWait", "1000")).waitYieldAfter()).hasMillis(200);
        assertThat(read(Map.of("mailFromWait", "1500")).waitYieldAfter()).hasMillis(300);
        assertThat(read(Map.of("dataWait", "2001")).waitYieldAfter()).hasMillis(2000);
    }

    /** With only {@code dataWait=1000} set, a wait held past a fifth of it yields to a message finding none. */
    @Test
    void aWaitBoundedByAShortDataWaitYields() throws Exception {
        Waits waits = read(Map.of("maxWaiting", "1", "dataWait", "1000")).waits(SessionCounts.fresh());
        Waits.Wait held = waits.tryTake(InetAddress.getByName("198.51.100.7"));
        assertThat(held).isNotNull();
        Thread.sleep(Duration.ofMillis(300).toMillis());
        Waits.Wait newcomer = waits.tryTake(InetAddress.getByName("203.0.113.9"));
        assertThat(newcomer).as("the wait held 300 ms of its 1000 yields").isNotNull();
        assertThat(held.yielded()).isTrue();
        newcomer.close();
        held.close();
    }
}
