package dev.authpack.james.matchers;

import dev.authpack.james.FakeFileSystem;
import dev.authpack.james.MailRelayRequests;
import dev.authpack.james.RelayTestSupport;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.mail.MessagingException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RelayAllowedTest {
    @TempDir
    Path dir;

    private RelayAllowed matcher(String condition) throws MessagingException {
        RelayAllowed m = new RelayAllowed(FakeFileSystem.under(dir));
        m.init(FakeMatcherConfig.builder().matcherName("RelayAllowed").condition(condition)
                .mailetContext(FakeMailContext.defaultContext()).build());
        return m;
    }

    private static FakeMail.Builder mail(String remoteAddr, String sender, String... recipients) throws Exception {
        FakeMail.Builder b = FakeMail.builder().name("m1").remoteAddr(remoteAddr).remoteHost(remoteAddr)
                .recipients(recipients);
        if (sender != null) {
            b.sender(sender);
        }
        return b;
    }

    @Test
    void returnsOnlyTheRelayableRecipients() throws Exception {
        RelayTestSupport.writePolicy(dir, RelayTestSupport.POLICY);
        RelayAllowed m = matcher("file://conf/relay-policy.conf");
        Mail mail = mail("203.0.113.9", "stranger@elsewhere.example",
                "a@inbound.example", "b@victim.example", "c%victim.example@inbound.example").build();
        assertThat(m.match(mail)).containsExactly(new MailAddress("a@inbound.example"));
    }

    @Test
    void relayFromAndRelayHostsAndIpv6() throws Exception {
        RelayAllowed m = matcher(RelayTestSupport.writePolicy(dir, RelayTestSupport.POLICY).toString());
        assertThat(m.match(mail("192.0.2.44", "user@US.example", "x@victim.example").build()))
                .containsExactly(new MailAddress("x@victim.example"));
        assertThat(m.match(mail("192.0.2.44", "user@other.example", "x@victim.example").build())).isEmpty();
        assertThat(m.match(mail("0:0:0:0:0:0:0:1", null, "x@victim.example").build())).hasSize(1);
        assertThat(m.match(mail("::ffff:127.0.0.1", null, "x@victim.example").build())).hasSize(1);
    }

    /**
     * Review s22 (reviewB): DkimSign signs the mail of a client the policy trusts itself; RelayAllowed records the
     * rule (relay_from, relay_hosts) on the mail, never for relay_to (anyone's mail to a backup-MX domain), and
     * removes a record it did not make.
     */
    @Test
    void recordsOnlyARuleThatTrustsTheClient() throws Exception {
        RelayAllowed m = matcher(RelayTestSupport.writePolicy(dir, RelayTestSupport.POLICY).toString());
        Mail office = mail("192.0.2.44", "user@us.example", "x@victim.example").build();
        assertThat(m.match(office)).hasSize(1);
        assertThat(office.getAttribute(MailRelayRequests.TRUSTED_CLIENT).map(a -> (Object) a.getValue().value()))
                .contains("relay_from");
        assertThat(MailRelayRequests.trustedClient(office)).isTrue();
        Mail stranger = mail("203.0.113.9", "user@us.example", "a@inbound.example").build();
        stranger.setAttribute(new Attribute(MailRelayRequests.TRUSTED_CLIENT, AttributeValue.of("relay_hosts")));
        assertThat(m.match(stranger)).hasSize(1);
        assertThat(MailRelayRequests.trustedClient(stranger)).isFalse();
    }

    /** translator_prefixes: an IPv4 client of the operator's SIIT/NAT64 translator is its IPv4 address (RFC 6052). */
    @Test
    void aClientOfTheTranslatorIsMatchedAsItsIpv4Address() throws Exception {
        RelayAllowed plain = matcher(RelayTestSupport.writePolicy(dir, RelayTestSupport.POLICY).toString());
        assertThat(plain.match(mail("64:ff9b:1::192.0.2.44", "user@us.example", "x@victim.example").build()))
                .isEmpty();
        RelayAllowed m = matcher(RelayTestSupport.writePolicy(dir,
                "translator_prefixes = 64:ff9b:1::/96, 64:ff9b::/96\n" + RelayTestSupport.POLICY).toString());
        // a network-specific prefix (the local-use 64:ff9b:1::/48's /96) may embed any address (RFC 6052 §3.1)
        assertThat(m.match(mail("64:ff9b:1::192.0.2.44", "user@us.example", "x@victim.example").build()))
                .containsExactly(new MailAddress("x@victim.example"));
        // but never the loopback (no translated packet comes from it): 64:ff9b:1::127.0.0.1 does not relay as localhost
        assertThat(m.match(mail("64:ff9b:1::127.0.0.1", null, "x@victim.example").build())).isEmpty();
        // the well-known prefix only global ones (review s20): 64:ff9b::127.0.0.1 did not come through a translator
        assertThat(m.match(mail("64:ff9b::127.0.0.1", null, "x@victim.example").build())).isEmpty();
        assertThat(m.match(mail("64:ff9b::192.0.2.44", "user@us.example", "x@victim.example").build())).isEmpty();
        assertThat(m.match(mail("64:ff9b:2::192.0.2.44", "user@us.example", "x@victim.example").build())).isEmpty();
    }

    @Test
    void theNamesTheHookVerifiedWinOverTheJdkName() throws Exception {
        RelayTestSupport.writePolicy(dir, "relay_hosts = *.partner.example\n");
        RelayAllowed m = matcher("file://conf/relay-policy.conf");
        // no verified names from the hook: James' (the JDK's) name decides, as before
        assertThat(m.match(mail("203.0.113.9", null, "x@victim.example").remoteHost("mx.partner.example").build()))
                .hasSize(1);
        // the hook verified other names: those decide, whatever the JDK says
        Mail verified = mail("203.0.113.9", null, "x@victim.example").remoteHost("mx.partner.example")
                .attribute(new Attribute(MailRelayRequests.VERIFIED_CLIENT_NAMES, AttributeValue.of(java.util.List.of(
                        AttributeValue.of("a.example"), AttributeValue.of("relay.partner.example"))))).build();
        assertThat(m.match(verified)).hasSize(1);
        Mail noName = mail("203.0.113.9", null, "x@victim.example").remoteHost("mx.partner.example")
                .attribute(new Attribute(MailRelayRequests.VERIFIED_CLIENT_NAMES,
                        AttributeValue.of(java.util.List.<AttributeValue<?>>of()))).build();
        assertThat(m.match(noName)).isEmpty();
    }

    @Test
    void authenticatedUsersFromTheSmtpAuthAttribute() throws Exception {
        RelayAllowed m = matcher(RelayTestSupport.writePolicy(dir, RelayTestSupport.POLICY).toString());
        Mail root = mail("203.0.113.9", "x@anything.example", "x@victim.example")
                .attribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of("root@us.example"))).build();
        assertThat(m.match(root)).hasSize(1);
        Mail staff = mail("203.0.113.9", "x@anything.example", "x@victim.example", "p@partner.example")
                .attribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of("bob@us.example"))).build();
        assertThat(m.match(staff)).containsExactly(new MailAddress("p@partner.example"));
        Mail anonymous = mail("203.0.113.9", "root@us.example", "x@victim.example", "p@partner.example").build();
        assertThat(m.match(anonymous)).isEmpty();
    }

    @Test
    void unusableClientAddressDeniesWithoutThrowing() throws Exception {
        RelayAllowed m = matcher(RelayTestSupport.writePolicy(dir, RelayTestSupport.POLICY).toString());
        assertThat(m.match(mail("not-an-ip", null, "a@inbound.example").build())).isEmpty();
        assertThat(m.match(mail("", null, "a@inbound.example").build())).isEmpty();
    }

    @Test
    void badConfigurationFailsInit() throws Exception {
        assertThatThrownBy(() -> matcher(null)).isInstanceOf(MessagingException.class)
                .hasMessageContaining("no relay policy file given");
        assertThatThrownBy(() -> matcher("relay-policy.conf")).hasMessageContaining("relative path");
        assertThatThrownBy(() -> matcher("file://conf/missing.conf")).hasMessageContaining("no such file");
        Path bad = RelayTestSupport.writePolicy(dir, "relay_hosts = 0.0.0.0/0\n");
        assertThatThrownBy(() -> matcher(bad.toString()))
                .isInstanceOf(MessagingException.class)
                .hasMessageContaining(bad + ":1: relay_hosts: '0.0.0.0/0' matches every address");
    }

    @Test
    void withoutFileSystemConfUrlsUseWorkingDirectory() throws Exception {
        RelayTestSupport.writePolicy(dir, RelayTestSupport.POLICY);
        String previous = System.getProperty("working.directory");
        System.setProperty("working.directory", dir.toString());
        try {
            RelayAllowed m = new RelayAllowed();
            m.init(FakeMatcherConfig.builder().matcherName("RelayAllowed").condition("file://conf/relay-policy.conf")
                    .mailetContext(FakeMailContext.defaultContext()).build());
            assertThat(m.policy().domains()).containsKey("inbound.example");
            RelayAllowed abs = new RelayAllowed();
            abs.init(FakeMatcherConfig.builder().matcherName("RelayAllowed")
                    .condition("file://" + dir.resolve("conf/relay-policy.conf"))
                    .mailetContext(FakeMailContext.defaultContext()).build());
            assertThat(abs.policy().domains()).containsKey("inbound.example");
        } finally {
            if (previous == null) {
                System.clearProperty("working.directory");
            } else {
                System.setProperty("working.directory", previous);
            }
        }
        assertThat(Files.exists(dir.resolve("conf/relay-policy.conf"))).isTrue();
    }

    /**
     * Review s21 (fail closed on unreadable attributes): an SMTP AUTH user attribute that is not a string is no
     * authenticated user (not its toString()): relay_authenticated does not let it relay.
     */
    @Test
    void anAuthUserThatIsNotAStringDoesNotRelay() throws Exception {
        RelayTestSupport.writePolicy(dir, "relay_authenticated = true\n");
        RelayAllowed m = matcher("file://conf/relay-policy.conf");
        Mail readable = mail("203.0.113.9", "a@elsewhere.example", "x@victim.example")
                .attribute(new org.apache.mailet.Attribute(Mail.SMTP_AUTH_USER,
                        org.apache.mailet.AttributeValue.of("alice"))).build();
        assertThat(m.match(readable)).hasSize(1);
        Mail unreadable = mail("203.0.113.9", "a@elsewhere.example", "x@victim.example")
                .attribute(new org.apache.mailet.Attribute(Mail.SMTP_AUTH_USER,
                        org.apache.mailet.AttributeValue.of(42))).build();
        assertThat(m.match(unreadable)).isEmpty();
    }
}
