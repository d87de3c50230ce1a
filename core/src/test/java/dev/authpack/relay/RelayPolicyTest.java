package dev.authpack.relay;

import dev.authpack.dns.IpLiterals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class RelayPolicyTest {
    private static final String POLICY = """
            # global
            relay_hosts = 127.0.0.1, ::1, 198.51.100.0/24, *.trusted.example.net
            relay_users = poweruser@example.com

            [domain example.com]
            relay_from = 192.0.2.0/24, 2001:db8:1::/48
            relay_from_users = @example.com

            [domain inbound.example]     # we are backup MX for it
            relay_to = true

            [domain partner.example]
            relay_to_users = alice@example.com

            [domain wide.example]
            relay_to = true
            include_subdomains = true

            [domain closed.wide.example]
            relay_to = false
            """;

    private static final InetAddress STRANGER = ip("203.0.113.9");
    private static final InetAddress OFFICE = ip("192.0.2.10");
    private final RelayPolicy policy = parse(POLICY);

    static InetAddress ip(String s) {
        return IpLiterals.parse(s).orElseThrow();
    }

    static RelayPolicy parse(String text) {
        try {
            return RelayPolicy.parse("test.conf", text);
        } catch (RelayPolicyException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    private RelayDecision ask(InetAddress client, String from, String rcpt) {
        return policy.evaluate(new RelayRequest(client, Optional.empty(), from, rcpt, Optional.empty()));
    }

    private RelayDecision askAuth(String user, String from, String rcpt) {
        return policy.evaluate(new RelayRequest(STRANGER, Optional.empty(), from, rcpt, Optional.of(user)));
    }

    @Test
    void defaultIsDeny() {
        RelayDecision d = ask(STRANGER, "someone@elsewhere.example", "victim@remote.example");
        assertThat(d.allowed()).isFalse();
        assertThat(d.rule()).isEqualTo(RelayRule.NO_RULE);
        assertThat(RelayPolicy.denyAll().evaluate(new RelayRequest(ip("127.0.0.1"), Optional.empty(), "",
                "a@b.example", Optional.of("root"))).allowed()).isFalse();
    }

    @Test
    void emptyFileDeniesEverything() {
        RelayPolicy empty = parse("# nothing here\n\n");
        assertThat(empty.evaluate(new RelayRequest(ip("127.0.0.1"), Optional.of("localhost"), "a@b.example",
                "c@d.example", Optional.of("admin"))).rule()).isEqualTo(RelayRule.NO_RULE);
    }

    @Test
    void relayHostsByAddressAndIpv6AndMappedIpv4() throws Exception {
        assertThat(ask(ip("127.0.0.1"), "", "x@remote.example").rule()).isEqualTo(RelayRule.RELAY_HOSTS);
        assertThat(ask(ip("::1"), "", "x@remote.example").rule()).isEqualTo(RelayRule.RELAY_HOSTS);
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 198, 51, 100, 7};
        InetAddress v4mapped = java.net.Inet6Address.getByAddress(null, mapped, -1);
        assertThat(ask(v4mapped, "", "x@remote.example").rule()).isEqualTo(RelayRule.RELAY_HOSTS);
        assertThat(ask(ip("2001:db8:2::1"), "", "x@remote.example").allowed()).isFalse();
    }

    @Test
    void relayHostsByVerifiedName() {
        RelayRequest named = new RelayRequest(STRANGER, Optional.of("mx1.Trusted.Example.NET."), "",
                "x@remote.example", Optional.empty());
        assertThat(policy.evaluate(named).rule()).isEqualTo(RelayRule.RELAY_HOSTS);
        RelayRequest lookalike = new RelayRequest(STRANGER, Optional.of("mx1.trusted.example.net.evil.example"), "",
                "x@remote.example", Optional.empty());
        assertThat(policy.evaluate(lookalike).allowed()).isFalse();
        assertThat(policy.usesClientNames()).isTrue();
    }

    @Test
    void namesMatterOnlyWhereAHostNameEntryCouldDecide() throws Exception {
        RelayPolicy byFrom = RelayPolicy.parse("t", "[domain us.example]\nrelay_from = *.office.us.example\n"
                + "[domain them.example]\nrelay_from = 192.0.2.0/24\n");
        assertThat(byFrom.usesClientNames()).isTrue();
        assertThat(byFrom.usesClientNames(new RelayRequest(STRANGER, Optional.empty(), "a@us.example",
                "x@remote.example", Optional.empty()))).isTrue();
        assertThat(byFrom.usesClientNames(new RelayRequest(STRANGER, Optional.empty(), "a@them.example",
                "x@remote.example", Optional.empty()))).isFalse();
        assertThat(byFrom.usesClientNames(new RelayRequest(STRANGER, Optional.empty(), "",
                "x@remote.example", Optional.empty()))).isFalse();
        assertThat(policy.usesClientNames(new RelayRequest(STRANGER, Optional.empty(), "",
                "x@remote.example", Optional.empty()))).isTrue();
        assertThat(policy.usesClientNames(new RelayRequest(STRANGER, Optional.empty(), "",
                "not an address", Optional.empty()))).isFalse();
    }

    @Test
    void relayFromNeedsBothClientRangeAndSenderDomain() {
        assertThat(ask(OFFICE, "user@example.com", "x@remote.example").rule()).isEqualTo(RelayRule.RELAY_FROM);
        assertThat(ask(OFFICE, "<User@EXAMPLE.COM.>", "x@remote.example").rule()).isEqualTo(RelayRule.RELAY_FROM);
        assertThat(ask(ip("2001:db8:1:5::9"), "user@example.com", "x@remote.example").rule())
                .isEqualTo(RelayRule.RELAY_FROM);
        // right network, wrong sender domain
        assertThat(ask(OFFICE, "user@other.example", "x@remote.example").allowed()).isFalse();
        // null sender has no domain
        assertThat(ask(OFFICE, "", "x@remote.example").allowed()).isFalse();
        // right sender domain, wrong network
        assertThat(ask(STRANGER, "user@example.com", "x@remote.example").allowed()).isFalse();
    }

    @Test
    void relayFromDoesNotCoverSubdomainsByDefault() {
        assertThat(ask(OFFICE, "user@sub.example.com", "x@remote.example").allowed()).isFalse();
        assertThat(ask(OFFICE, "user@example.com.evil.example", "x@remote.example").allowed()).isFalse();
        assertThat(ask(OFFICE, "user@notexample.com", "x@remote.example").allowed()).isFalse();
    }

    @Test
    void relayToAllowsAnyoneToThatDomainOnly() {
        assertThat(ask(STRANGER, "", "postmaster@inbound.example").rule()).isEqualTo(RelayRule.RELAY_TO);
        assertThat(ask(STRANGER, "", "User@INBOUND.Example.").rule()).isEqualTo(RelayRule.RELAY_TO);
        assertThat(ask(STRANGER, "", "user@sub.inbound.example").allowed()).isFalse();
        assertThat(ask(STRANGER, "", "user@inbound.example.evil.com").allowed()).isFalse();
        assertThat(ask(STRANGER, "", "user@xinbound.example").allowed()).isFalse();
    }

    @Test
    void includeSubdomainsAndMostSpecificSection() {
        assertThat(ask(STRANGER, "", "u@wide.example").rule()).isEqualTo(RelayRule.RELAY_TO);
        assertThat(ask(STRANGER, "", "u@a.b.wide.example").rule()).isEqualTo(RelayRule.RELAY_TO);
        assertThat(ask(STRANGER, "", "u@closed.wide.example").allowed()).isFalse();
        // closed.wide.example governs only itself; below it the nearest include_subdomains section applies again
        assertThat(ask(STRANGER, "", "u@x.closed.wide.example").rule()).isEqualTo(RelayRule.RELAY_TO);
        assertThat(ask(STRANGER, "", "u@otherwide.example").allowed()).isFalse();
    }

    @Test
    void authenticatedUsers() {
        assertThat(askAuth("poweruser@example.com", "", "x@remote.example").rule()).isEqualTo(RelayRule.RELAY_USERS);
        // relay_from_users: any @example.com user sending as example.com
        assertThat(askAuth("carol@example.com", "carol@example.com", "x@remote.example").rule())
                .isEqualTo(RelayRule.RELAY_FROM_USERS);
        assertThat(askAuth("carol@example.com", "carol@other.example", "x@remote.example").allowed()).isFalse();
        // relay_to_users: alice may relay to partner.example only
        assertThat(askAuth("alice@example.com", "a@other.example", "p@partner.example").rule())
                .isEqualTo(RelayRule.RELAY_TO_USERS);
        assertThat(askAuth("alice@example.com", "a@other.example", "p@remote.example").allowed()).isFalse();
        assertThat(askAuth("mallory@evil.example", "a@other.example", "p@partner.example").allowed()).isFalse();
        // without AUTH the user lists mean nothing, whatever the sender claims
        assertThat(ask(STRANGER, "poweruser@example.com", "x@remote.example").allowed()).isFalse();
    }

    @Test
    void relayAuthenticatedLetsAnyAuthenticatedUserRelay() {
        RelayPolicy p = parse("relay_authenticated = true\n");
        assertThat(p.evaluate(new RelayRequest(STRANGER, Optional.empty(), "", "x@remote.example",
                Optional.of("anyone"))).rule()).isEqualTo(RelayRule.RELAY_AUTHENTICATED);
        assertThat(p.evaluate(new RelayRequest(STRANGER, Optional.empty(), "", "x@remote.example",
                Optional.of("  "))).allowed()).isFalse();
        assertThat(p.evaluate(new RelayRequest(STRANGER, Optional.empty(), "", "x@remote.example",
                Optional.empty())).allowed()).isFalse();
    }

    /** The classic open-relay tricks, aimed at a relay_to domain, from a stranger: all refused. */
    @ParameterizedTest
    @ValueSource(strings = {
            "user%victim.example@inbound.example",
            "victim.example!user@inbound.example",
            "\"user@victim.example\"@inbound.example",
            "user@victim.example@inbound.example",
            "@inbound.example:user@victim.example",
            "<@inbound.example,@x.example:user@victim.example>",
            "\"user%victim.example\"@inbound.example",
    })
    void routingTricksToRelayToDomainAreRefusedForStrangers(String rcpt) {
        RelayDecision d = ask(STRANGER, "someone@elsewhere.example", rcpt);
        assertThat(d.allowed()).as(rcpt).isFalse();
        assertThat(d.rule()).isEqualTo(RelayRule.ROUTED_RECIPIENT);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "user@victim.example",
            "USER@VICTIM.EXAMPLE",
            "user@victim.example.",
            "user@Inbound.Example.victim.example",
            "user@inbound.example..",
            "user@[192.0.2.1]",
            "user@[IPv6:2001:db8::1]",
            "user@inbound.example@",
            "",
            "<>",
            "inbound.example",
    })
    void caseTrailingDotsLiteralsAndGarbageNeverOpenTheRelay(String rcpt) {
        assertThat(ask(STRANGER, "someone@elsewhere.example", rcpt).allowed()).as(rcpt).isFalse();
    }

    @Test
    void trustedClientsMayUseRoutedAddresses() {
        // They may relay anywhere anyway, so routing gains them nothing (Postfix allow_untrusted_routing = no).
        assertThat(ask(ip("127.0.0.1"), "", "user%victim.example@inbound.example").rule())
                .isEqualTo(RelayRule.RELAY_HOSTS);
        assertThat(ask(OFFICE, "a@example.com", "\"user@victim.example\"@inbound.example").rule())
                .isEqualTo(RelayRule.RELAY_FROM);
    }

    @Test
    void invalidRecipientIsDeniedEvenForTrustedClients() {
        assertThat(ask(ip("127.0.0.1"), "", "not an address").rule()).isEqualTo(RelayRule.INVALID_RECIPIENT);
    }

    @Test
    void senderTricksDoNotFakeTheSenderDomain() {
        // the sender domain is the one after the final '@': these are not example.com senders
        assertThat(ask(OFFICE, "\"x@example.com\"@evil.example", "x@remote.example").allowed()).isFalse();
        assertThat(ask(OFFICE, "@example.com:x@evil.example", "x@remote.example").allowed()).isFalse();
        assertThat(ask(OFFICE, "x@evil.example (x@example.com)", "x@remote.example").allowed()).isFalse();
    }

    @Test
    void reasonsNameTheRule() {
        RelayDecision d = ask(OFFICE, "user@example.com", "x@remote.example");
        assertThat(d.reason()).contains("relay_from", "192.0.2.0/24", "[domain example.com]");
        assertThat(ask(STRANGER, "", "user%v@inbound.example").reason()).contains("'%' in the local part");
    }

    /**
     * translator_prefixes: an IPv4 client of the operator's SIIT/NAT64 translator is matched as its IPv4 address
     * (RFC 6052); without the key (the default) nothing is guessed and the IPv6 address is matched as it is.
     */
    @Test
    void translatorPrefixesMatchTheEmbeddedIpv4Address() {
        RelayPolicy translated = parse("translator_prefixes = 64:ff9b:1::/96, 2001:db8:64::/48\n" + POLICY);
        RelayRequest behindTranslator = new RelayRequest(ip("64:ff9b:1::192.0.2.10"), Optional.empty(),
                "me@example.com", "x@remote.example", Optional.empty());
        RelayDecision d = translated.evaluate(behindTranslator);
        assertThat(d.allowed()).as(d.reason()).isTrue();
        assertThat(d.rule()).isEqualTo(RelayRule.RELAY_FROM);
        assertThat(d.reason()).contains("client 192.0.2.10 (from 64:ff9b:1::c000:20a, translator_prefixes)");
        // 198.51.100.7 under the /48 network-specific prefix (RFC 6052 §2.2: the u octet skipped)
        assertThat(translated.evaluate(new RelayRequest(ip("2001:db8:64:c633:64:700::"), Optional.empty(), "",
                "x@remote.example", Optional.empty())).rule()).isEqualTo(RelayRule.RELAY_HOSTS);
        assertThat(translated.client(ip("64:ff9b:1::192.0.2.10"))).isEqualTo(OFFICE);
        assertThat(translated.toString()).contains("translator_prefixes 2001:db8:64::/48, 64:ff9b:1::/96");
        // without the key: no guessing
        assertThat(policy.evaluate(behindTranslator).allowed()).isFalse();
        assertThat(policy.client(ip("64:ff9b:1::192.0.2.10"))).isEqualTo(ip("64:ff9b:1::c000:20a"));
    }

    @Test
    void badTranslatorPrefixesStopTheLoadWithWhatIsAccepted() {
        for (String bad : new String[] {"translator_prefixes = 64:ff9b::/95\n",
                "translator_prefixes = 64:ff9b::/96\ntranslator_prefixes = 2001:db8::/32\n",
                "[domain a.example]\ntranslator_prefixes = 64:ff9b::/96\n"}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> RelayPolicy.parse("test.conf", bad))
                    .as(bad).isInstanceOf(RelayPolicyException.class).hasMessageContaining("translator_prefixes");
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RelayPolicy.parse("test.conf",
                        "translator_prefixes = 192.0.2.0/24\n"))
                .hasMessageContaining("test.conf:1").hasMessageContaining("32, 40, 48, 56, 64 or 96");
    }
}
