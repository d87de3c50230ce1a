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
     * {@code fe80:0:0:0:0:0:0:1%2}). The matcher could not parse the text; now it reads the address as the hook does.
     * Review s21: a link-local client matches no host entry (the same address is another host on each link, and
     * the file cannot name a zone; fe80::/10 entries are refused at load), so it relays as an authenticated user,
     * as the hook lets it.
     */
    @Test
    void aLinkLocalClientWithItsZoneIsTheClientTheHookJudges() throws Exception {
        RelayAllowed m = matcher("relay_hosts = *.trusted.example, 2001:db8::/32\nrelay_users = app@us.example\n");
        for (String remote : new String[] {"fe80:0:0:0:0:0:0:1%2", "fe80::1%eth0", "[fe80::1%eth0]"}) {
            Mail byName = FakeMail.builder().name("m").remoteAddr(remote).remoteHost("mx.trusted.example")
                    .sender("app@elsewhere.example").recipients("x@victim.example").build();
            assertThat(m.match(byName)).as(remote).isEmpty();
            Mail authenticated = mail(remote, "app@elsewhere.example", "x@victim.example");
            authenticated.setAttribute(new org.apache.mailet.Attribute(Mail.SMTP_AUTH_USER,
                    org.apache.mailet.AttributeValue.of("app@us.example")));
            assertThat(m.match(authenticated)).as(remote).containsExactly(new MailAddress("x@victim.example"));
        }
        // a zone on an address outside fe80::/10 (no TCP peer gets one on Linux) is not read: relaying denied
        assertThat(m.match(mail("2001:db8::1%eth0", "app@elsewhere.example", "x@victim.example"))).isEmpty();
        assertThat(m.match(mail("2001:db8::1", "app@elsewhere.example", "x@victim.example"))).hasSize(1);
        // and text that is not an address with a zone is still no client address
        assertThat(m.match(mail("%eth0", "app@elsewhere.example", "x@victim.example"))).isEmpty();
    }

    /** Review s21: a policy with a link-local entry stops James at startup, naming the line. */
    @Test
    void aLinkLocalEntryStopsInit() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> matcher("# x\nrelay_hosts = fe80::/10\n"))
                .isInstanceOf(javax.mail.MessagingException.class).hasMessageContaining(":2: ")
                .hasMessageContaining("fe80::/10").hasMessageContaining("ULA");
    }
}
