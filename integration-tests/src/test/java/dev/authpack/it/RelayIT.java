package dev.authpack.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Relay control in a real James: the relay policy decides at RCPT TO (RelayPolicyRcptHook, wired with the handler
 * of conf-samples/smtpserver-relay-snippet.xml) and in the transport processor (RelayAllowed instead of James'
 * SMTPAuthSuccessful); IsAuthenticated marks mail from alice. Relayed mail lands in the {@code outgoing} repository.
 */
class RelayIT {
    /** The harness' default client; in relay_hosts. */
    private static final String TRUSTED = "127.0.0.1";
    private static final String STRANGER = "127.0.0.5";
    /** In relay_from of [domain office.example]. */
    private static final String OFFICE = "127.0.0.20";
    private static final String BOB = "bob@james.test";
    private static final String BOB_PASSWORD = "bob-secret";

    static final String POLICY = """
            # RelayIT: see docs/relay-policy.md
            relay_hosts = 127.0.0.1
            relay_authenticated = true

            [domain office.example]
            relay_from = 127.0.0.16/28

            [domain v6office.example]
            relay_from = ::1

            [domain inbound.example]
            relay_to = true
            """;

    @RegisterExtension
    static final JamesExtension JAMES = new JamesExtension(b -> b
            .acceptIpv6Clients()
            .user(BOB, BOB_PASSWORD)
            .confFile("relay-policy.conf", POLICY)
            .edit("smtpserver.xml", RelayIT::withRelayHook)
            .edit("mailetcontainer.xml", RelayIT::withRelayMatchers));

    /** Inserts the hook exactly as conf-samples/smtpserver-relay-snippet.xml writes it, before ValidRcptHandler. */
    static String withRelayHook(String xml) {
        String snippet;
        try {
            snippet = Files.readString(Locations.confSamples().resolve("smtpserver-relay-snippet.xml"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Matcher hook = Pattern.compile("(?s)<handler class=\"dev\\.authpack\\.james\\.RelayPolicyRcptHook\">.*?</handler>")
                .matcher(snippet);
        assertThat(hook.find()).as("hook handler in smtpserver-relay-snippet.xml").isTrue();
        String validRcpt = "<handler class=\"org.apache.james.smtpserver.fastfail.ValidRcptHandler\"/>";
        assertThat(xml).as("smtpserver.xml template").contains(validRcpt);
        assertThat(snippet.indexOf(hook.group())).as("hook before ValidRcptHandler in the snippet")
                .isLessThan(snippet.indexOf(validRcpt));
        return xml.replace(validRcpt, hook.group() + "\n            " + validRcpt);
    }

    static String withRelayMatchers(String xml) {
        String authRelay = "<mailet match=\"SMTPAuthSuccessful\" class=\"ToProcessor\">";
        String postmaster = "<mailet match=\"All\" class=\"PostmasterAlias\"/>";
        assertThat(xml).as("mailetcontainer.xml template").contains(authRelay, postmaster);
        return xml
                .replace(authRelay, "<mailet match=\"dev.authpack.james.RelayAllowed=file://conf/relay-policy.conf\" class=\"ToProcessor\">")
                .replace(postmaster, "<mailet match=\"dev.authpack.james.IsAuthenticated=alice@james.test\" class=\"SetMailAttribute\">"
                        + "<it.authenticated-alice>yes</it.authenticated-alice></mailet>\n            " + postmaster);
    }

    private static DeliveredMail awaitOutgoing(String messageId) {
        return JAMES.server().awaitMail("outgoing", m -> m.headers("Message-ID").contains(messageId),
                AuthpackJames.DEFAULT_DELIVERY_TIMEOUT);
    }

    private static SubmissionResult submit(String client, String mailFrom, String rcpt) {
        return JAMES.submit(Submission.create().clientAddress(client).mailFrom(mailFrom).rcptTo(rcpt));
    }

    private static void assertRelayDenied(SubmissionResult r) {
        assertThat(r.accepted()).as(r.transcript()).isFalse();
        assertThat(r.last().code()).as(r.transcript()).isEqualTo(550);
        assertThat(r.last().text()).as(r.transcript()).startsWith("5.7.1");
    }

    @Test
    void relayBySmtpAuth() {
        String id = JAMES.server().send(Submission.create().clientAddress(STRANGER)
                .auth(JamesExtension.ALICE, JamesExtension.ALICE_PASSWORD)
                .mailFrom(JamesExtension.ALICE).rcptTo("friend@remote.example"));
        DeliveredMail mail = awaitOutgoing(id);
        assertThat(mail.recipients()).containsExactly("friend@remote.example");
        assertThat(mail.attribute("it.authenticated-alice")).as("IsAuthenticated").hasValue("yes");
    }

    @Test
    void isAuthenticatedConditionSkipsOtherUsers() {
        String id = JAMES.server().send(Submission.create().clientAddress(STRANGER).auth(BOB, BOB_PASSWORD)
                .mailFrom(BOB).rcptTo("friend@remote.example"));
        assertThat(awaitOutgoing(id).attribute("it.authenticated-alice")).isEmpty();
    }

    @Test
    void relayFromNeedsOfficeNetworkAndOfficeSender() {
        String id = JAMES.server().send(Submission.create().clientAddress(OFFICE)
                .mailFrom("boss@office.example").rcptTo("client@remote.example"));
        assertThat(awaitOutgoing(id).remoteAddr()).isEqualTo(OFFICE);
        assertRelayDenied(submit(OFFICE, "boss@elsewhere.example", "client@remote.example"));
        assertRelayDenied(submit(OFFICE, "boss@sub.office.example", "client@remote.example"));
        assertRelayDenied(submit(OFFICE, "", "client@remote.example"));
        assertRelayDenied(submit(STRANGER, "boss@office.example", "client@remote.example"));
    }

    @Test
    void relayToDomainAcceptsAnyone() {
        String id = JAMES.server().send(Submission.create().clientAddress(STRANGER)
                .mailFrom("someone@elsewhere.example").rcptTo("Postmaster@INBOUND.Example"));
        assertThat(awaitOutgoing(id).recipients()).containsExactly("Postmaster@inbound.example");
    }

    @Test
    void relayHostsMayRelayAnywhere() {
        String id = JAMES.server().send(Submission.create().clientAddress(TRUSTED)
                .mailFrom("app@elsewhere.example").rcptTo("user@remote.example"));
        assertThat(awaitOutgoing(id).remoteAddr()).isEqualTo(TRUSTED);
    }

    @Test
    void strangerIsRefusedAtRcptWith550_571() {
        SubmissionResult r = submit(STRANGER, "someone@elsewhere.example", "victim@remote.example");
        assertRelayDenied(r);
        assertThat(r.replies()).as(r.transcript()).anyMatch(reply -> reply.text().contains("relaying denied"));
    }

    @Test
    void localDeliveryIsUntouchedForStrangers() {
        DeliveredMail mail = JAMES.deliver(Submission.create().clientAddress(STRANGER)
                .mailFrom("someone@elsewhere.example").rcptTo(JamesExtension.ALICE));
        assertThat(mail.recipients()).containsExactly(JamesExtension.ALICE);
    }

    /** Routing tricks aimed at a relay_to domain and at remote domains: the policy refuses them at RCPT. */
    @ParameterizedTest
    @ValueSource(strings = {
            "victim%remote.example@inbound.example",
            "remote.example!victim@inbound.example",
            "\"victim@remote.example\"@inbound.example",
            "\"victim%remote.example\"@inbound.example",
            "Victim@REMOTE.Example",
            "victim@Remote.Example.Inbound.Example.Evil",
    })
    void openRelayTricksAreRefusedWith550_571(String rcpt) {
        assertRelayDenied(submit(STRANGER, "someone@elsewhere.example", rcpt));
    }

    /** The same tricks aimed at James' own domain: refused by the policy hook, not delivered locally. */
    @ParameterizedTest
    @ValueSource(strings = {
            "alice%remote.example@james.test",
            "remote.example!alice@james.test",
            "\"alice@remote.example\"@james.test",
            "alice%remote.example@JAMES.TEST",
    })
    void routingTricksThroughTheLocalDomainAreRefused(String rcpt) {
        assertRelayDenied(submit(STRANGER, "someone@elsewhere.example", rcpt));
    }

    /** Source routes and trailing dots: James 3.8.1 refuses them as bad syntax (553) before any hook runs. */
    @ParameterizedTest
    @ValueSource(strings = {
            "@james.test:victim@remote.example",
            "@inbound.example:victim@remote.example",
            "@inbound.example,@james.test:victim@remote.example",
            "victim@remote.example.",
            "victim@REMOTE.example.",
            "victim@inbound.example.",
    })
    void sourceRoutesAndTrailingDotsAreRefused(String rcpt) {
        SubmissionResult r = submit(STRANGER, "someone@elsewhere.example", rcpt);
        assertThat(r.accepted()).as(r.transcript()).isFalse();
        assertThat(r.last().code()).as(r.transcript()).isBetween(550, 559);
    }

    @Test
    void ipv6ClientIsJudgedByItsIpv6Address() {
        SubmissionResult stranger = submit("::1", "someone@elsewhere.example", "victim@remote.example");
        assertRelayDenied(stranger);
        String id = JAMES.server().send(Submission.create().clientAddress("::1")
                .mailFrom("dev@v6office.example").rcptTo("user@remote.example"));
        assertThat(awaitOutgoing(id).remoteAddr()).isIn("0:0:0:0:0:0:0:1", "::1");
        assertRelayDenied(submit("::1", "someone@elsewhere.example", "victim%remote.example@inbound.example"));
    }
}
