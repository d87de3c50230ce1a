package dev.authpack.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.authpack.testkit.dns.FaultMix;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A label-only SessionAuthCheck hook ({@code refuseDmarcReject=false}, docs/SessionAuthCheck.md) in a real James
 * with the sample's MailAuthCheck: the end of DATA does not wait for the checks; MailAuthCheck takes them from the
 * session and writes exactly one Authentication-Results field of ours, with the results MailAuthCheck alone gives,
 * each DNS question asked once per message; nothing is refused.
 *
 * <p>For "MailAuthCheck alone", mail carrying {@code X-Check-Alone} loses the hand-over token before the mailet
 * (James' own RemoveMailAttribute), so the mailet finds nothing to take and checks the mail itself, as it does for
 * a mail another James node received.
 */
class SessionLabelOnlyIT {
    static final String ZONE = """
            label-pass.example.              0   TXT "v=spf1 ip4:127.0.0.0/8 -all"
            _dmarc.label-pass.example.       0   TXT "v=DMARC1; p=reject"
            label-reject.example.            300 TXT "v=spf1 -all"
            _dmarc.label-reject.example.     300 TXT "v=DMARC1; p=reject"
            """;
    static final String MAILET = "<mailet match=\"All\" class=\"dev.authpack.james.mailets.MailAuthCheck\">";
    static final String ALONE = "X-Check-Alone";

    @RegisterExtension
    static final JamesExtension JAMES = new JamesExtension(b -> b
            .zone(ZONE)
            .edit("smtpserver.xml", xml -> {
                String hook = SessionEnforcementIT.withHook(xml, "<refuseSpfFail>never</refuseSpfFail>");
                assertThat(hook).contains("<refuseDmarcReject>true</refuseDmarcReject>");
                return hook.replace("<refuseDmarcReject>true</refuseDmarcReject>",
                        "<refuseDmarcReject>false</refuseDmarcReject>");
            })
            .edit("mailetcontainer.xml", xml -> {
                assertThat(xml).contains(MAILET);
                return xml.replace(MAILET, "<mailet match=\"HasHeader=" + ALONE + "\" class=\"RemoveMailAttribute\">"
                        + "<name>authpack.pending-check</name></mailet>\n" + MAILET);
            }));

    private static Submission passing(boolean alone) {
        TestMessage message = TestMessage.create().from("news@label-pass.example");
        if (alone) {
            message.header(ALONE, "yes");
        }
        return Submission.create().mailFrom("bob@label-pass.example").message(message);
    }

    /** Delivers, counting the DNS queries for the SPF and DMARC records (TTL 0: never cached). */
    private record Counted(DeliveredMail mail, long queries) {
    }

    private static Counted deliverCounting(Submission submission) {
        JAMES.dns().faults("label-pass.example", FaultMix.delay(Duration.ofMillis(1)))
                .faults("_dmarc.label-pass.example", FaultMix.delay(Duration.ofMillis(1)));
        try {
            long before = JAMES.dns().faultCounts().getOrDefault(FaultMix.Fault.DELAY, 0L);
            DeliveredMail mail = JAMES.deliver(submission);
            return new Counted(mail, JAMES.dns().faultCounts().getOrDefault(FaultMix.Fault.DELAY, 0L) - before);
        } finally {
            JAMES.dns().clearFailures();
        }
    }

    @Test
    void theSessionsResultsAreThoseOfMailAuthCheckAloneInOneFieldWithEachQuestionAskedOnce() {
        Counted handedOver = deliverCounting(passing(false));
        Counted alone = deliverCounting(passing(true));
        for (Counted c : new Counted[] {handedOver, alone}) {
            assertThat(c.mail().headers("Authentication-Results")).as(c.mail().headerSection())
                    .filteredOn(v -> v.strip().startsWith("mx.james.test")).hasSize(1);
            assertThat(c.mail().attribute("authpack.pending-check")).as("the token is gone").isEmpty();
        }
        AuthResultsField session = handedOver.mail().authenticationResults("mx.james.test").orElseThrow();
        AuthResultsField mailet = alone.mail().authenticationResults("mx.james.test").orElseThrow();
        assertThat(session.result("spf")).hasValue("pass");
        assertThat(session.result("dmarc")).hasValue("pass");
        assertThat(session.result("iprev")).isPresent();
        assertThat(session.results()).isEqualTo(mailet.results());
        // taken from the session, not checked again: SPF and DMARC records asked once each
        assertThat(handedOver.mail().attribute("authpack.checked-in-session")).isPresent();
        assertThat(handedOver.queries()).as("SPF and DMARC asked once each").isEqualTo(2);
        // the mailet alone checked again what the session had asked: the session's 2 questions plus the mailet's,
        // except those the resolver still had in flight from the session (shared, not asked twice: 2 or 3 then;
        // which ones depends on when the spool takes the mail, 1 ms after the answers are due)
        assertThat(alone.mail().attribute("authpack.checked-in-session")).isEmpty();
        assertThat(alone.queries()).isBetween(2L, 4L);
    }

    @Test
    void theEndOfDataTakesTheHeaderSectionsDmarcReadingOverUnderJamesOwnReceivedField() {
        // in James the message at the end of DATA has James' Received field on top of the octets the hook collected:
        // the take-over's proof (docs/benchmarks.md "Session 7") must hold for James' real octets
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger("dev.authpack.check.CollectedHeaderSection");
        Level level = logger.getLevel();
        lines.start();
        logger.setLevel(Level.DEBUG);
        logger.addAppender(lines);
        try {
            DeliveredMail mail = JAMES.deliver(passing(false));
            assertThat(mail.headers("Received")).isNotEmpty();
            assertThat(mail.authenticationResults("mx.james.test").orElseThrow().result("dmarc")).hasValue("pass");
        } finally {
            logger.detachAppender(lines);
            logger.setLevel(level);
        }
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage)
                .containsExactly("DMARC takes over the reading of the header section's From fields");
    }

    @Test
    void aDmarcRejectFailureIsAcceptedAndLabelled() {
        DeliveredMail mail = JAMES.deliver(Submission.create().mailFrom("bob@label-reject.example")
                .message(TestMessage.create().from("news@label-reject.example")));
        AuthResultsField ours = mail.authenticationResults("mx.james.test").orElseThrow();
        assertThat(ours.result("dmarc")).hasValue("fail");
        assertThat(ours.result("spf")).hasValue("fail");
        assertThat(mail.attribute("authpack.dmarc.disposition")).hasValue("reject");
    }
}
