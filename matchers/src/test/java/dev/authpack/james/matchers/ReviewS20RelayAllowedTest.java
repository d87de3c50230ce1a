package dev.authpack.james.matchers;

import dev.authpack.james.FakeFileSystem;
import dev.authpack.james.RelayTestSupport;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review s20 (attacker's review of the relay control): the matcher must judge the client the hook judged, and a
 * recipient the way the hook does.
 */
class ReviewS20RelayAllowedTest {
    @TempDir
    Path dir;

    private RelayAllowed matcher(String policy) throws Exception {
        RelayTestSupport.writePolicy(dir, policy);
        RelayAllowed m = new RelayAllowed(FakeFileSystem.under(dir));
        m.init(FakeMatcherConfig.builder().matcherName("RelayAllowed").condition("file://conf/relay-policy.conf")
                .mailetContext(FakeMailContext.defaultContext()).build());
        return m;
    }

    private static Mail mail(String remoteAddr, String sender, String... recipients) throws Exception {
        return FakeMail.builder().name("m").remoteAddr(remoteAddr).remoteHost(remoteAddr).sender(sender)
                .recipients(recipients).build();
    }

    /**
     * Low: James records a link-local IPv6 client with its zone ({@code Inet6Address.getHostAddress()}:
     * {@code fe80:0:0:0:0:0:0:1%2}). The hook judges the address itself and let it relay; the matcher could not parse
     * the text and routed the accepted mail to relay-denied. MailAuthCheck already drops the zone.
     */
    @Test
    void aLinkLocalClientWithItsZoneIsTheClientTheHookAllowed() throws Exception {
        RelayAllowed m = matcher("relay_hosts = fe80::/10\n");
        for (String remote : new String[] {"fe80:0:0:0:0:0:0:1%2", "fe80::1%eth0", "[fe80::1%eth0]"}) {
            assertThat(m.match(mail(remote, "app@elsewhere.example", "x@victim.example"))).as(remote)
                    .containsExactly(new MailAddress("x@victim.example"));
        }
        // the zone names our interface, nothing the policy compares: another network is still refused
        assertThat(m.match(mail("fec0::1%eth0", "app@elsewhere.example", "x@victim.example"))).isEmpty();
        // and text that is not an address with a zone is still no client address
        assertThat(m.match(mail("%eth0", "app@elsewhere.example", "x@victim.example"))).isEmpty();
    }
}
