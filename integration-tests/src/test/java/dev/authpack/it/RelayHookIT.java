package dev.authpack.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * RelayPolicyRcptHook's manners in a real James (issue 9, "Threads"): it answers only the relay question, so RCPT
 * hooks configured after it still run (here James' own {@code MaxRcptHandler}, one recipient per mail); and
 * host-name rules are matched through the pack's resolver (the loopback DNS server), never through a blocking JDK
 * lookup, with a deadline: a client whose PTR answer never comes gets a temporary refusal once the deadline
 * passes, well before the DNS timeout.
 */
class RelayHookIT {
    private static final String STRANGER = "127.0.0.5";
    /** PTR relay.partner.example, which resolves back to it: matches the host-name rule. */
    private static final String PARTNER = "127.0.0.40";
    /** Its PTR query is dropped by the DNS server: no answer ever. */
    private static final String SLOW = "127.0.0.41";
    private static final String SLOW_PTR = "41.0.0.127.in-addr.arpa";
    /** The hook's deadline for the client name (ms); the DNS timeout is far longer. */
    private static final int NAME_DEADLINE_MS = 3000;
    private static final int DNS_TIMEOUT_MS = 15000;

    private static final String POLICY = """
            relay_hosts = 127.0.0.1, relay.partner.example
            relay_authenticated = true

            [domain inbound.example]
            relay_to = true
            """;
    private static final String ZONE = """
            40.0.0.127.in-addr.arpa. 60 PTR relay.partner.example.
            relay.partner.example.   60 A   127.0.0.40
            41.0.0.127.in-addr.arpa. 60 PTR slow.partner.example.
            """;
    private static final String MAX_RCPT = """
            <handler class="org.apache.james.smtpserver.fastfail.MaxRcptHandler">
                <maxRcpt>1</maxRcpt>
            </handler>
            """;

    @RegisterExtension
    static final JamesExtension JAMES = new JamesExtension(b -> b
            .placeholder("DNS_TIMEOUT", String.valueOf(DNS_TIMEOUT_MS))
            .confFile("relay-policy.conf", POLICY)
            .zone(ZONE)
            .edit("smtpserver.xml", RelayHookIT::withDeadlineAndMaxRcptAfterTheHook));

    static String withDeadlineAndMaxRcptAfterTheHook(String xml) {
        String policyFile = "<policyFile>file://conf/relay-policy.conf</policyFile>";
        String validRcpt = "<handler class=\"org.apache.james.smtpserver.fastfail.ValidRcptHandler\"/>";
        assertThat(xml).as("smtpserver.xml template").contains(policyFile, validRcpt);
        return xml.replace(policyFile, policyFile + "\n<dnsServers>@DNS_SERVERS@</dnsServers>"
                        + "\n<dnsTimeout>@DNS_TIMEOUT@</dnsTimeout>"
                        + "\n<nameLookupTimeout>" + NAME_DEADLINE_MS + "</nameLookupTimeout>")
                .replace(validRcpt, MAX_RCPT + validRcpt);
    }

    private static DeliveredMail awaitOutgoing(String messageId) {
        return JAMES.server().awaitMail("outgoing", m -> m.headers("Message-ID").contains(messageId),
                AuthpackJames.DEFAULT_DELIVERY_TIMEOUT);
    }

    @Test
    void aRelayToRecipientIsStillRelayedWithJamesOwnRelayCheckInPlace() {
        String id = JAMES.server().send(Submission.create().clientAddress(STRANGER)
                .mailFrom("someone@elsewhere.example").rcptTo("postmaster@inbound.example"));
        assertThat(awaitOutgoing(id).recipients()).containsExactly("postmaster@inbound.example");
    }

    @Test
    void aHookAfterOursStillRunsForRelayToRecipients() {
        SubmissionResult r = JAMES.submit(Submission.create().clientAddress(STRANGER)
                .mailFrom("someone@elsewhere.example").rcptTo("a@inbound.example").rcptTo("b@inbound.example"));
        assertThat(r.accepted()).as(r.transcript()).isFalse();
        assertThat(r.last().code()).as(r.transcript()).isEqualTo(452);
        assertThat(r.last().text()).as(r.transcript()).contains("max recipients reached");
    }

    @Test
    void aHostNameRuleIsMatchedThroughThePacksResolver() {
        long queriesBefore = JAMES.dns().udpQueries() + JAMES.dns().tcpQueries();
        String id = JAMES.server().send(Submission.create().clientAddress(PARTNER)
                .mailFrom("app@elsewhere.example").rcptTo("user@remote.example"));
        assertThat(awaitOutgoing(id).remoteAddr()).isEqualTo(PARTNER);
        assertThat(JAMES.dns().udpQueries() + JAMES.dns().tcpQueries())
                .as("the PTR and A queries reached the pack's DNS server").isGreaterThan(queriesBefore);
    }

    @Test
    void aClientWhoseNameNeverResolvesGetsATemporaryRefusalAtTheDeadline() {
        JAMES.dns().drop(SLOW_PTR);
        long t0 = System.nanoTime();
        SubmissionResult r = JAMES.submit(Submission.create().clientAddress(SLOW)
                .mailFrom("app@elsewhere.example").rcptTo("user@remote.example"));
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(r.accepted()).as(r.transcript()).isFalse();
        assertThat(r.last().code()).as(r.transcript()).isEqualTo(451);
        assertThat(r.last().text()).as(r.transcript()).startsWith("4.7.25");
        assertThat(took).as("refused at the hook's deadline, not at the DNS timeout")
                .isBetween(Duration.ofMillis(NAME_DEADLINE_MS - 100), Duration.ofMillis(DNS_TIMEOUT_MS - 5000));
    }

    @Test
    void aSlowClientNameDoesNotHoldUpOtherSessions() throws Exception {
        JAMES.dns().drop(SLOW_PTR);
        Thread slow = new Thread(() -> JAMES.submit(Submission.create().clientAddress(SLOW)
                .mailFrom("app@elsewhere.example").rcptTo("user@remote.example")));
        slow.start();
        try {
            Thread.sleep(300);
            long t0 = System.nanoTime();
            SubmissionResult local = JAMES.submit(Submission.create().clientAddress(STRANGER)
                    .mailFrom("someone@elsewhere.example").rcptTo(JamesExtension.ALICE));
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertThat(local.accepted()).as(local.transcript()).isTrue();
            assertThat(took).as("an SMTP session while another one's name lookup hangs")
                    .isLessThan(Duration.ofMillis(NAME_DEADLINE_MS));
        } finally {
            slow.join(DNS_TIMEOUT_MS);
        }
    }

    @Test
    void aStrangerWithoutANameIsRefusedWith550() {
        SubmissionResult r = JAMES.submit(Submission.create().clientAddress(STRANGER)
                .mailFrom("someone@elsewhere.example").rcptTo("victim@remote.example"));
        assertThat(r.last().code()).as(r.transcript()).isEqualTo(550);
        assertThat(r.last().text()).as(r.transcript()).startsWith("5.7.1");
    }
}
