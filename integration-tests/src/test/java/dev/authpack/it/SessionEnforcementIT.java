package dev.authpack.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.authpack.testkit.dns.FaultMix;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The SessionAuthCheck hook in a real James (docs/enforcement.md), with the sample's MailAuthCheck left in place:
 * DMARC {@code reject} failures are refused at the end of DATA with 550 5.7.1 naming the domain, SPF {@code fail}
 * at the end of DATA ({@code refuseSpfFail=data}, vSMTP's "soft"); a temperror is accepted and labelled (the
 * default); passing mail is delivered with exactly one Authentication-Results field of ours, its checks run once.
 */
class SessionEnforcementIT {
    static final String ZONE = """
            enforce-pass.example.            0   TXT "v=spf1 ip4:127.0.0.0/8 -all"
            _dmarc.enforce-pass.example.     0   TXT "v=DMARC1; p=reject"
            enforce-reject.example.          300 TXT "v=spf1 ip4:127.0.0.0/8 -all"
            _dmarc.enforce-reject.example.   300 TXT "v=DMARC1; p=reject"
            enforce-spffail.example.         300 TXT "v=spf1 -all"
            enforce-temp.example.            300 TXT "v=spf1 ip4:127.0.0.0/8 -all"
            """;

    private static final Pattern HOOK =
            Pattern.compile("(?s)<handler class=\"dev\\.authpack\\.james\\.smtp\\.SessionAuthCheck\">.*?</handler>");

    @RegisterExtension
    static final JamesExtension JAMES = new JamesExtension(b -> b
            .zone(ZONE)
            .edit("smtpserver.xml", xml -> withHook(xml, "<refuseSpfFail>data</refuseSpfFail>")));

    /**
     * Puts the hook first in the handler chain: the handler of conf-samples/smtpserver-enforcement-snippet.xml as it
     * is, with this James' serverId and DNS server, and {@code enforcement} instead of the sample's refuseSpfFail
     * and temperror lines.
     */
    static String withHook(String xml, String enforcement) {
        String relayHook = "<handler class=\"dev.authpack.james.smtp.RelayPolicyRcptHook\">";
        assertThat(xml).as("smtpserver.xml template").contains(relayHook);
        Matcher sample = HOOK.matcher(sample());
        assertThat(sample.find()).as("SessionAuthCheck in smtpserver-enforcement-snippet.xml").isTrue();
        String hook = sample.group();
        for (String line : List.of("<serverId>mx.example.net</serverId>", "<dnsServers></dnsServers>",
                "<refuseSpfFail>never</refuseSpfFail>", "<temperror>accept</temperror>")) {
            assertThat(hook).as("the sample's handler").contains(line);
        }
        hook = hook.replace("<serverId>mx.example.net</serverId>", "<serverId>mx.james.test</serverId>")
                .replace("<dnsServers></dnsServers>",
                        "<dnsServers>@DNS_SERVERS@</dnsServers><dnsTimeout>@DNS_TIMEOUT@</dnsTimeout>")
                .replace("<refuseSpfFail>never</refuseSpfFail>", enforcement)
                .replace("<temperror>accept</temperror>", "");
        return xml.replace(relayHook, hook + "\n" + relayHook);
    }

    /** Delivers mail from {@code client} whose SPF and DMARC pass; asserts our field says so. */
    static DeliveredMail deliverPassing(JamesExtension james, String client) {
        DeliveredMail mail = james.deliver(Submission.create().clientAddress(client)
                .mailFrom("bob@enforce-pass.example")
                .message(TestMessage.create().from("news@enforce-pass.example")));
        AuthResultsField ours = mail.authenticationResults("mx.james.test").orElseThrow();
        assertThat(ours.result("spf")).hasValue("pass");
        assertThat(ours.result("dmarc")).hasValue("pass");
        return mail;
    }

    private static String sample() {
        try {
            return Files.readString(Locations.confSamples().resolve("smtpserver-enforcement-snippet.xml"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aDmarcRejectFailureIsRefusedAtTheEndOfDataNamingTheDomain() {
        SubmissionResult r = JAMES.submit(Submission.create().mailFrom("bob@spf-pass.example")
                .message(TestMessage.create().from("news@enforce-reject.example")));
        assertThat(r.accepted()).as(r.transcript()).isFalse();
        assertThat(r.last().code()).as(r.transcript()).isEqualTo(550);
        assertThat(r.last().text()).as(r.transcript()).startsWith("5.7.1").contains("enforce-reject.example");
    }

    @Test
    void anAuthenticatedClientIsCheckedButNeverRefused() {
        DeliveredMail mail = JAMES.deliver(Submission.create().auth(JamesExtension.ALICE, JamesExtension.ALICE_PASSWORD)
                .mailFrom("bob@enforce-spffail.example")
                .message(TestMessage.create().from("news@enforce-reject.example")));
        AuthResultsField ours = mail.authenticationResults("mx.james.test").orElseThrow();
        assertThat(ours.result("dmarc")).hasValue("fail");
        assertThat(ours.result("auth")).hasValue("pass");
        assertThat(mail.attribute("authpack.checked-in-session")).isPresent();
    }

    @Test
    void spfFailIsRefusedAtTheEndOfDataWhenSoft() {
        SubmissionResult r = JAMES.submit(Submission.create().mailFrom("bob@enforce-spffail.example")
                .message(TestMessage.create().from("bob@enforce-spffail.example")));
        assertThat(r.accepted()).as(r.transcript()).isFalse();
        assertThat(r.last().code()).as(r.transcript()).isEqualTo(550);
        assertThat(r.last().text()).as(r.transcript()).startsWith("5.7.23").contains("enforce-spffail.example");
        assertThat(r.transcript()).as("MAIL FROM was accepted: soft refuses at DATA").contains("DATA");
    }

    @Test
    void aTemperrorIsAcceptedAndLabelledByDefault() {
        JAMES.dns().servfail("enforce-temp.example");
        try {
            DeliveredMail mail = JAMES.deliver(Submission.create().mailFrom("bob@enforce-temp.example")
                    .message(TestMessage.create().from("bob@enforce-temp.example")));
            assertThat(mail.authenticationResults("mx.james.test").orElseThrow().result("spf")).hasValue("temperror");
        } finally {
            JAMES.dns().clearFailures();
        }
    }

    @Test
    void passingMailIsDeliveredWithOneFieldOfOursAndItsChecksRunOnce() {
        // every query for these two names (TTL 0: never cached) is counted as a delayed answer
        JAMES.dns().faults("enforce-pass.example", FaultMix.delay(Duration.ofMillis(1)))
                .faults("_dmarc.enforce-pass.example", FaultMix.delay(Duration.ofMillis(1)));
        try {
            long before = JAMES.dns().faultCounts().getOrDefault(FaultMix.Fault.DELAY, 0L);
            DeliveredMail mail = deliverPassing(JAMES, "127.0.0.5");
            // the session's envelope: the client's own address and HELO name
            assertThat(mail.headerSection()).contains("policy.iprev=127.0.0.5", "smtp.helo=mail.spf-pass.example");
            assertThat(mail.headers("Authentication-Results")).as(mail.headerSection())
                    .filteredOn(v -> v.strip().startsWith("mx.james.test")).hasSize(1);
            assertThat(mail.attribute("authpack.checked-in-session")).isPresent();
            long queries = JAMES.dns().faultCounts().getOrDefault(FaultMix.Fault.DELAY, 0L) - before;
            assertThat(queries).as("SPF and DMARC records asked once each: the mailet did not check again")
                    .isEqualTo(2);
        } finally {
            JAMES.dns().clearFailures();
        }
    }

    private static long drops() {
        return JAMES.dns().faultCounts().getOrDefault(FaultMix.Fault.DROP, 0L);
    }

    /** Waits (up to 5 s) until the DNS server has dropped {@code n} queries in all. */
    private static void awaitDrops(long n) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (drops() < n && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertThat(drops()).isEqualTo(n);
    }

    /**
     * Review F6: RSET ends the lookups its transaction started. The hook's RSET handler runs before James' own (which
     * answers 250); the SPF query for MAIL FROM, at a name whose server never answers, is cancelled: with the DNS
     * timeout of 3 s (2 attempts of 1.5 s) its second attempt would otherwise reach the server 1.5 s later.
     */
    @Test
    void rsetEndsTheLookupsOfItsTransaction() throws Exception {
        JAMES.dns().faults("*.rset-hole.example", FaultMix.only(FaultMix.Fault.DROP));
        try (SmtpClient client = JAMES.server().smtp()) {
            assertThat(client.ehlo("mail.spf-pass.example").code()).isEqualTo(250);
            long before = drops();
            assertThat(client.mailFrom("x@a.rset-hole.example").code()).as(client.transcriptText()).isEqualTo(250);
            awaitDrops(before + 1);
            assertThat(client.rset().code()).as(client.transcriptText()).isEqualTo(250);
            Thread.sleep(2500);
            assertThat(drops()).as("no second attempt: the query ended at RSET").isEqualTo(before + 1);
            client.quit();
        } finally {
            JAMES.dns().clearFailures();
        }
    }

    /**
     * Review F1: a client looping MAIL FROM and RSET at names whose servers never answer gets early SPF lookups for
     * its first three transactions only, and each ends at RSET (no retry reaches the server); a message afterwards on
     * the same connection is checked as usual.
     */
    @Test
    void anRsetLoopStartsThreeEarlyLookupsAndTheConnectionStillGetsItsMessageChecked() throws Exception {
        JAMES.dns().faults("*.rset-hole.example", FaultMix.only(FaultMix.Fault.DROP));
        try (SmtpClient client = JAMES.server().smtp()) {
            assertThat(client.ehlo("mail.spf-pass.example").code()).isEqualTo(250);
            long before = drops();
            for (int i = 0; i < 10; i++) {
                assertThat(client.mailFrom("x@n" + i + ".rset-hole.example").code()).as(client.transcriptText())
                        .isEqualTo(250);
                assertThat(client.rset().code()).isEqualTo(250);
            }
            awaitDrops(before + 3);
            Thread.sleep(2500);
            assertThat(drops()).as("three queries, none asked again").isEqualTo(before + 3);
            assertThat(client.mailFrom("bob@enforce-spffail.example").code()).isEqualTo(250);
            assertThat(client.rcptTo(JamesExtension.ALICE).code()).as(client.transcriptText()).isEqualTo(250);
            SmtpReply refused = client.data("From: bob@enforce-spffail.example\r\nTo: " + JamesExtension.ALICE
                    + "\r\nSubject: after the loop\r\n\r\nhi\r\n");
            assertThat(refused.code()).as(client.transcriptText()).isEqualTo(550);
            assertThat(refused.text()).startsWith("5.7.23");
            client.quit();
        } finally {
            JAMES.dns().clearFailures();
        }
    }
}
