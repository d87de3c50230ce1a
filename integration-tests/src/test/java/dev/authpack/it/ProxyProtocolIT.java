package dev.authpack.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.InetAddress;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * James behind a load balancer speaking the HAProxy PROXY protocol ({@code <proxyRequired>true</proxyRequired>},
 * docs/install.md "Behind a load balancer"): every connection comes from 127.0.0.1, the proxy, which is a
 * {@code relay_hosts} client of the sample policy, and the PROXY header (version 1 or 2) names the real client. The
 * relay policy (RelayPolicyRcptHook at RCPT, RelayAllowed in the spool), SessionAuthCheck (enforcing: a DMARC
 * {@code reject} is refused at the end of DATA) and MailAuthCheck must all judge the claimed client, never the
 * proxy: a proxy on 127.0.0.1 must not make every client a trusted relay, nor make SPF pass for a domain that
 * allows only the loopback. No translator prefixes here: {@code 64:ff9b::c000:30a} is an IPv6 client.
 */
class ProxyProtocolIT {
    /** The claimed outside client: SPF, PTR and A records for it below; not in the relay policy. */
    static final String OUTSIDE = "198.51.100.7";
    static final String OUTSIDE6 = "2001:db8:7::7";
    /** 192.0.3.10 (a global address) as the well-known NAT64 prefix embeds it (RFC 6052 §2.2). */
    static final String SIIT = "64:ff9b::c000:30a";

    static final String ZONE = """
            proxied.example.                 0   TXT "v=spf1 ip4:198.51.100.7 ip6:2001:db8:7::7 -all"
            _dmarc.proxied.example.          0   TXT "v=DMARC1; p=reject"
            7.100.51.198.in-addr.arpa.       0   PTR mail.proxied.example.
            7.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.7.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa. 0 PTR mail.proxied.example.
            mail.proxied.example.            0   A    198.51.100.7
            mail.proxied.example.            0   AAAA 2001:db8:7::7
            loopback-only.example.           0   TXT "v=spf1 ip4:127.0.0.0/8 -all"
            _dmarc.loopback-only.example.    0   TXT "v=DMARC1; p=reject"
            siit.example.                    0   TXT "v=spf1 ip4:192.0.3.10 -all"
            10.3.0.192.in-addr.arpa.         0   PTR mail.siit.example.
            mail.siit.example.               0   A    192.0.3.10
            """;

    @RegisterExtension
    static final JamesExtension JAMES = new JamesExtension(b -> b
            .zone(ZONE)
            .edit("smtpserver.xml", xml -> withJamesDefaultAuthorizedAddresses(withProxyRequired(
                    SessionEnforcementIT.withHook(xml, "<refuseSpfFail>never</refuseSpfFail>")))));

    /** Set by James when it lets the client relay by {@code authorizedAddresses} (James' SMTPIsAuthNetwork). */
    static final String AUTH_NETWORK = "org.apache.james.SMTPIsAuthNetwork";

    /**
     * The template's smtpserver with the lines of conf-samples/smtpserver-proxy-snippet.xml that make it a port for a
     * load balancer: {@code <proxyRequired>true</proxyRequired>} and {@code <connectionLimitPerIP>0}.
     */
    static String withProxyRequired(String xml) {
        String snippet = DkimSignIT.read(Locations.confSamples().resolve("smtpserver-proxy-snippet.xml"));
        String required = "<proxyRequired>true</proxyRequired>";
        String perIp = "<connectionLimitPerIP>0</connectionLimitPerIP>";
        assertThat(snippet).as("conf-samples/smtpserver-proxy-snippet.xml").contains(required, perIp);
        String bind = "<bind>@SMTP_BIND@</bind>";
        assertThat(xml).as("smtpserver.xml template").contains(bind, perIp).doesNotContain("proxyRequired");
        return xml.replace(bind, bind + "\n" + required);
    }

    /**
     * James' own default, {@code 127.0.0.0/8}, which an administrator may have kept: James computes it when the
     * connection opens, from the proxy's address, and again when the PROXY header arrives (3.8.1
     * {@code SMTPSessionImpl.setProxyInformation}). Were the first reading kept, every proxied client would relay by
     * James' own check, be exempt from SessionAuthCheck's refusals and carry {@value #AUTH_NETWORK}.
     */
    static String withJamesDefaultAuthorizedAddresses(String xml) {
        String verify = "<verifyIdentity>false</verifyIdentity>";
        assertThat(xml).as("smtpserver.xml template").contains(verify).doesNotContain("</authorizedAddresses>");
        return xml.replace(verify, "<authorizedAddresses>127.0.0.0/8</authorizedAddresses>\n" + verify);
    }

    /** The two header versions, by name, for parameterized tests. */
    static BiFunction<String, Integer, byte[]> header(String version) {
        return "v1".equals(version) ? ProxyHeader::v1 : ProxyHeader::v2;
    }

    static Submission via(String version, String claimed) {
        return Submission.create().proxyHeader(header(version).apply(claimed, 40_000));
    }

    static boolean sameAddress(String a, String b) {
        try {
            return InetAddress.getByName(a).equals(InetAddress.getByName(b));
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    // ------------------------------------------------------------------------------------------- relay policy

    @ParameterizedTest
    @ValueSource(strings = {"v1", "v2"})
    void aClaimedOutsideClientMayNotRelayThoughTheProxyIsALoopbackRelayHost(String version) {
        for (String claimed : List.of(OUTSIDE, OUTSIDE6)) {
            SubmissionResult r = JAMES.submit(via(version, claimed)
                    .mailFrom("someone@proxied.example").rcptTo("victim@remote.example"));
            assertThat(r.accepted()).as(r.transcript()).isFalse();
            assertThat(r.last().code()).as(r.transcript()).isEqualTo(550);
            assertThat(r.last().text()).as(r.transcript()).startsWith("5.7.1");
        }
    }

    @Test
    void theProxyOwnAddressClaimedIsARelayHostAsWithoutAProxy() {
        // the control: the same port, the same policy, the claimed client is 127.0.0.1
        String id = JAMES.server().send(via("v1", "127.0.0.1")
                .mailFrom("app@elsewhere.example").rcptTo("user@remote.example"));
        DeliveredMail mail = awaitOutgoing(id);
        assertThat(mail.remoteAddr()).isEqualTo("127.0.0.1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1", "v2"})
    void aClaimedOfficeClientRelaysByItsOwnAddressAndTheMatcherRoutesIt(String version) {
        // relay_from = 127.0.0.16/28 for MAIL FROM @office.example: the hook and RelayAllowed both read 127.0.0.20
        String id = JAMES.server().send(via(version, "127.0.0.20")
                .mailFrom("clerk@office.example").rcptTo("customer@remote.example"));
        DeliveredMail mail = awaitOutgoing(id);
        assertThat(mail.remoteAddr()).isEqualTo("127.0.0.20");
        assertThat(mail.recipients()).containsExactly("customer@remote.example");
        assertThat(mail.attribute(AUTH_NETWORK)).as("James' authorizedAddresses, 127.0.0.0/8").hasValue(true);
    }

    @Test
    void aClaimedClientOutsideTheOfficeRangeIsRefusedForTheOfficeSender() {
        // 127.0.0.40 is outside 127.0.0.16/28; the TCP peer, 127.0.0.1, would relay anything
        SubmissionResult r = JAMES.submit(via("v2", "127.0.0.40")
                .mailFrom("clerk@office.example").rcptTo("customer@remote.example"));
        assertThat(r.last().code()).as(r.transcript()).isEqualTo(550);
    }

    private static DeliveredMail awaitOutgoing(String messageId) {
        return JAMES.server().awaitMail("outgoing", m -> m.headers("Message-ID").contains(messageId),
                AuthpackJames.DEFAULT_DELIVERY_TIMEOUT);
    }

    // ------------------------------------------------------------------------------------- SPF, iprev, DMARC

    @ParameterizedTest
    @ValueSource(strings = {"v1", "v2"})
    void spfAndIprevAreThoseOfTheClaimedClientInTheSessionAndInTheField(String version) {
        for (String claimed : List.of(OUTSIDE, OUTSIDE6)) {
            // DMARC p=reject, SPF allows only the claimed client: the enforcing hook would refuse the mail at the end
            // of DATA had it checked the proxy's 127.0.0.1
            DeliveredMail mail = JAMES.deliver(via(version, claimed).helo("mail.proxied.example")
                    .mailFrom("bob@proxied.example").message(TestMessage.create().from("news@proxied.example")));
            assertThat(sameAddress(mail.remoteAddr(), claimed)).as(mail.remoteAddr()).isTrue();
            assertThat(mail.attribute(AUTH_NETWORK)).as("not in James' authorizedAddresses").isEmpty();
            AuthResultsField ours = mail.authenticationResults("mx.james.test").orElseThrow();
            assertThat(ours.result("spf")).as(ours.toString()).hasValue("pass");
            assertThat(ours.result("dmarc")).as(ours.toString()).hasValue("pass");
            AuthResultsField.Resinfo iprev = ours.method("iprev").orElseThrow();
            assertThat(iprev.result()).as(ours.toString()).isEqualTo("pass");
            assertThat(sameAddress(iprev.property("policy.iprev").orElseThrow(), claimed)).as(ours.toString())
                    .isTrue();
        }
    }

    @Test
    void aDomainThatAllowsOnlyTheLoopbackFailsForAClaimedOutsideClientAndTheSessionRefusesIt() {
        SubmissionResult r = JAMES.submit(via("v1", OUTSIDE).mailFrom("bob@loopback-only.example")
                .message(TestMessage.create().from("news@loopback-only.example")));
        assertThat(r.accepted()).as(r.transcript()).isFalse();
        assertThat(r.last().code()).as(r.transcript()).isEqualTo(550);
        assertThat(r.transcript()).contains("DMARC");
    }

    @Test
    void withoutTranslatorPrefixesANat64AddressIsCheckedAsTheIpv6Address() {
        DeliveredMail mail = JAMES.deliver(via("v2", SIIT).mailFrom("bob@siit.example")
                .message(TestMessage.create().from("news@siit.example")));
        AuthResultsField ours = mail.authenticationResults("mx.james.test").orElseThrow();
        assertThat(ours.result("spf")).as(ours.toString()).hasValue("fail");
        AuthResultsField.Resinfo iprev = ours.method("iprev").orElseThrow();
        assertThat(iprev.result()).as(ours.toString()).isEqualTo("permerror");
        assertThat(sameAddress(iprev.property("policy.iprev").orElseThrow(), SIIT)).as(ours.toString()).isTrue();
        assertThat(sameAddress(mail.remoteAddr(), SIIT)).isTrue();
    }

    // --------------------------------------------------------------------------------- no or a bad header

    /** A v2 header with the command LOCAL (0x20): what a proxy sends for its own health checks. */
    static byte[] v2Local() {
        byte[] local = ProxyHeader.v2(OUTSIDE, 40_000);
        local[12] = 0x20;
        return local;
    }

    static List<byte[]> unusableHeaders() {
        return List.of(new byte[0], ProxyHeader.v1Line("PROXY UNKNOWN"),
                ProxyHeader.v1Line("PROXY UNKNOWN 198.51.100.7 127.0.0.1 40000 25"), v2Local(),
                ProxyHeader.v1Line("PROXY TCP4 mail.proxied.example 127.0.0.1 40000 25"),
                ProxyHeader.v1Line("PROXY TCP4 ::1 127.0.0.1 40000 25"));
    }

    @Test
    void aConnectionWithoutAUsableProxyHeaderIsClosedBeforeAnyTransactionAndNothingOfOursComplains() {
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        Logger ours = (Logger) LoggerFactory.getLogger("dev.authpack");
        lines.start();
        ours.addAppender(lines);
        try {
            for (byte[] preamble : unusableHeaders()) {
                // James 3.8.1 may greet first (the greeting goes out when the connection opens, before any octet is
                // read); then it answers 451 or nothing and closes the connection: no command is ever served
                SmtpClient c;
                try {
                    c = SmtpClient.connect(InetAddress.getLoopbackAddress(), JAMES.server().smtpPort(), null, preamble);
                } catch (java.io.UncheckedIOException e) {
                    assertThat(e).as("closed before the greeting").hasMessageContaining("reading SMTP reply failed");
                    continue;
                }
                try (c) {
                    Throwable t = catchThrowable(() -> {
                        SmtpReply ehlo = c.ehlo("direct.example");
                        assertThat(ehlo.isPositive()).as(c.transcriptText()).isFalse();
                        c.mailFrom("bob@proxied.example");
                    });
                    // James has closed the connection: the next read fails, or the write before it if the close
                    // arrived first (a reset)
                    assertThat(t).as(c.transcriptText()).isInstanceOf(java.io.UncheckedIOException.class)
                            .hasMessageMatching("(?s)(reading SMTP reply failed|write failed).*");
                }
            }
            // the next, proxied, connection is served as before
            DeliveredMail mail = JAMES.deliver(via("v1", OUTSIDE).helo("mail.proxied.example")
                    .mailFrom("bob@proxied.example").message(TestMessage.create().from("news@proxied.example")));
            assertThat(mail.authenticationResults("mx.james.test").orElseThrow().result("spf")).hasValue("pass");
        } finally {
            ours.detachAppender(lines);
        }
        assertThat(lines.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .extracting(ILoggingEvent::getFormattedMessage).isEmpty();
    }

    @Test
    void aProxyLineTheClientSendsAfterTheProxysHeaderIsAnUnknownCommand() {
        // the decoder reads one header per connection: a client behind the proxy cannot claim another address
        try (SmtpClient c = SmtpClient.connect(InetAddress.getLoopbackAddress(), JAMES.server().smtpPort(), null,
                ProxyHeader.v1(OUTSIDE, 40_000))) {
            assertThat(c.ehlo("mail.proxied.example").isPositive()).as(c.transcriptText()).isTrue();
            assertThat(c.command("PROXY TCP4 127.0.0.1 127.0.0.1 40000 25").code()).as(c.transcriptText())
                    .isEqualTo(500);
            assertThat(c.mailFrom("app@elsewhere.example").isPositive()).as(c.transcriptText()).isTrue();
            SmtpReply rcpt = c.rcptTo("victim@remote.example");
            assertThat(rcpt.code()).as(c.transcriptText()).isEqualTo(550);
        }
    }
}
