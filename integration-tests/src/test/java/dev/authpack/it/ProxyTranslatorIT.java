package dev.authpack.it;

import static dev.authpack.it.ProxyProtocolIT.sameAddress;
import static dev.authpack.it.ProxyProtocolIT.via;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Translator prefixes (SIIT/NAT64, RFC 6052; docs/MailAuthCheck.md {@code translatorPrefixes}, docs/relay-policy.md
 * {@code translator_prefixes}) in a real James: loopback cannot source a connection from inside {@code 64:ff9b::/96},
 * but a PROXY header can claim one. SessionAuthCheck (enforcing), MailAuthCheck and the relay policy are all given
 * {@code 64:ff9b::/96} and the network-specific {@code 2001:db8:64::/96}; a client inside one is checked, and
 * matched, as the IPv4 address it embeds. Under the well-known prefix only a global IPv4 address is read (RFC 6052
 * §3.1): {@code 64:ff9b::c000:20a} embeds the documentation address 192.0.2.10 and stays an IPv6 client, while
 * the same 192.0.2.10 under the network-specific prefix is read.
 */
class ProxyTranslatorIT {
    /** 192.0.3.10, a global address, under the well-known prefix. */
    static final String WKP_GLOBAL = "64:ff9b::c000:30a";
    /** 192.0.2.10 (TEST-NET-1, not global) under the well-known prefix: not read (RFC 6052 §3.1). */
    static final String WKP_DOCUMENTATION = "64:ff9b::c000:20a";
    /** 192.0.2.10 under the network-specific prefix: read. */
    static final String NSP = "2001:db8:64::c000:20a";
    static final String PREFIXES = "64:ff9b::/96, 2001:db8:64::/96";

    static final String ZONE = """
            siit.example.                0 TXT "v=spf1 ip4:192.0.2.10 ip4:192.0.3.10 -all"
            _dmarc.siit.example.         0 TXT "v=DMARC1; p=reject"
            siit-open.example.           0 TXT "v=spf1 ip4:192.0.2.10 ip4:192.0.3.10 -all"
            10.2.0.192.in-addr.arpa.     0 PTR mail.siit.example.
            10.3.0.192.in-addr.arpa.     0 PTR mail3.siit.example.
            mail.siit.example.           0 A   192.0.2.10
            mail3.siit.example.          0 A   192.0.3.10
            """;
    static final String POLICY = """
            relay_hosts = 192.0.2.10
            relay_authenticated = true
            translator_prefixes = 64:ff9b::/96, 2001:db8:64::/96

            # the proxy's own address, 127.0.0.1, relays only mail from @loopback.example
            [domain loopback.example]
            relay_from = 127.0.0.1
            """;
    static final String SERVER_ID = "<serverId>mx.james.test</serverId>";

    @RegisterExtension
    static final JamesExtension JAMES = new JamesExtension(b -> b
            .zone(ZONE)
            .confFile("relay-policy.conf", POLICY)
            .edit("smtpserver.xml", xml -> ProxyProtocolIT.withProxyRequired(SessionEnforcementIT.withHook(xml,
                    "<refuseSpfFail>never</refuseSpfFail><translatorPrefixes>" + PREFIXES
                            + "</translatorPrefixes>")))
            .edit("mailetcontainer.xml", xml -> {
                assertThat(xml).as("mailetcontainer.xml template").containsOnlyOnce(SERVER_ID);
                return xml.replace(SERVER_ID, SERVER_ID + "<translatorPrefixes>" + PREFIXES + "</translatorPrefixes>");
            }));

    private static AuthResultsField deliveredField(String version, String claimed, String domain) {
        DeliveredMail mail = JAMES.deliver(via(version, claimed).mailFrom("bob@" + domain)
                .message(TestMessage.create().from("news@" + domain)));
        assertThat(sameAddress(mail.remoteAddr(), claimed)).as("James records the claimed IPv6 address: "
                + mail.remoteAddr()).isTrue();
        return mail.authenticationResults("mx.james.test").orElseThrow();
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1", "v2"})
    void aClientOfTheWellKnownPrefixIsCheckedAsTheGlobalIpv4AddressItEmbeds(String version) {
        // DMARC p=reject and SPF allows only the IPv4 addresses: the enforcing session refuses the mail at the end of
        // DATA had it checked the IPv6 address
        AuthResultsField ours = deliveredField(version, WKP_GLOBAL, "siit.example");
        assertThat(ours.result("spf")).as(ours.toString()).hasValue("pass");
        assertThat(ours.result("dmarc")).as(ours.toString()).hasValue("pass");
        AuthResultsField.Resinfo iprev = ours.method("iprev").orElseThrow();
        assertThat(iprev.result()).as(ours.toString()).isEqualTo("pass");
        assertThat(iprev.property("policy.iprev")).as(ours.toString()).hasValue("192.0.3.10");
    }

    @Test
    void aClientOfTheNetworkSpecificPrefixIsCheckedAsTheIpv4AddressItEmbeds() {
        AuthResultsField ours = deliveredField("v2", NSP, "siit.example");
        assertThat(ours.result("spf")).as(ours.toString()).hasValue("pass");
        assertThat(ours.result("dmarc")).as(ours.toString()).hasValue("pass");
        assertThat(ours.method("iprev").orElseThrow().property("policy.iprev")).as(ours.toString())
                .hasValue("192.0.2.10");
    }

    @Test
    void aDocumentationAddressUnderTheWellKnownPrefixStaysAnIpv6Client() {
        AuthResultsField ours = deliveredField("v1", WKP_DOCUMENTATION, "siit-open.example");
        assertThat(ours.result("spf")).as(ours.toString()).hasValue("fail");
        AuthResultsField.Resinfo iprev = ours.method("iprev").orElseThrow();
        assertThat(iprev.result()).as(ours.toString()).isEqualTo("permerror");
        assertThat(sameAddress(iprev.property("policy.iprev").orElseThrow(), WKP_DOCUMENTATION))
                .as(ours.toString()).isTrue();
        // and, DMARC p=reject, the enforcing session refuses what it checked as the IPv6 client
        SubmissionResult r = JAMES.submit(via("v1", WKP_DOCUMENTATION).mailFrom("bob@siit.example")
                .message(TestMessage.create().from("news@siit.example")));
        assertThat(r.last().code()).as(r.transcript()).isEqualTo(550);
    }

    @Test
    void theRelayPolicyMatchesATranslatedClientByItsIpv4Address() {
        // relay_hosts = 192.0.2.10: the hook allows it at RCPT and RelayAllowed routes the mail to the relay processor
        // (the TCP peer, 127.0.0.1, may not relay mail from @elsewhere.example: a matcher reading it would send the
        // mail to relay-denied)
        String id = JAMES.server().send(via("v1", NSP).mailFrom("app@elsewhere.example").rcptTo("user@remote.example"));
        DeliveredMail mail = JAMES.server().awaitMail("outgoing", m -> m.headers("Message-ID").contains(id),
                AuthpackJames.DEFAULT_DELIVERY_TIMEOUT);
        assertThat(sameAddress(mail.remoteAddr(), NSP)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1", "v2"})
    void noClaimedTranslatorAddressBecomesATrustedLoopbackOrDocumentationClient(String version) {
        // 192.0.2.10 is a relay_hosts client and 127.0.0.1 may relay mail from @loopback.example; these embed them
        // where they must not be read (the loopback under any prefix, a non-global address under the well-known one)
        String control = JAMES.server().send(via(version, "127.0.0.1").mailFrom("app@loopback.example")
                .rcptTo("user@remote.example"));
        JAMES.server().awaitMail("outgoing", m -> m.headers("Message-ID").contains(control),
                AuthpackJames.DEFAULT_DELIVERY_TIMEOUT);
        for (String claimed : List.of("64:ff9b::7f00:1", "2001:db8:64::7f00:1", WKP_DOCUMENTATION)) {
            SubmissionResult r = JAMES.submit(via(version, claimed).mailFrom("app@loopback.example")
                    .rcptTo("user@remote.example"));
            assertThat(r.last().code()).as(claimed + "\n" + r.transcript()).isEqualTo(550);
            assertThat(r.last().text()).as(r.transcript()).startsWith("5.7.1");
        }
    }
}
