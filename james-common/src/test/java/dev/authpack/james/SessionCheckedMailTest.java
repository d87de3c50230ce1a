package dev.authpack.james;

import dev.authpack.check.CheckOptions;
import dev.authpack.check.CheckRun;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static dev.authpack.james.PendingChecksTest.SPF_ONLY;
import static org.assertj.core.api.Assertions.assertThat;

/** The hand-over of a label-only hook's checks to MailAuthCheck, and the reuse of results awaited in the session. */
class SessionCheckedMailTest {
    private final AtomicLong now = new AtomicLong();
    private final AtomicInteger serial = new AtomicInteger();
    private final PendingChecks table = new PendingChecks(8, now::get, () -> "token" + serial.incrementAndGet());

    private static Mail mail() throws Exception {
        return mail("Subject: received\r\n\r\nbody\r\n");
    }

    private static Mail mail(String message) throws Exception {
        return FakeMail.builder().name("m").sender("a@ok.example").recipient("b@example.net")
                .mimeMessage(MimeMessageBytes.from(message.getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
                .build();
    }

    /** James copies a mail's attributes to its duplicates, which a redirect or a bounce gives another message. */
    private static void replaceMessage(Mail mail, String message) throws Exception {
        mail.setMessage(MimeMessageBytes.from(message.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    }

    @Test
    void resultsAwaitedInTheSessionAreNotUsedForAnotherMessage() throws Exception {
        Mail mail = mail();
        SessionCheckedMail.store(mail, "mx.test", SPF_ONLY, PendingChecksTest.answered().report().join());
        assertThat(SessionCheckedMail.results(table, mail, "mx.test", SPF_ONLY)).isPresent();
        replaceMessage(mail, "Subject: a bounce of ours\r\n\r\nother body\r\n");
        assertThat(SessionCheckedMail.results(table, mail, "mx.test", SPF_ONLY)).isEmpty();
        // the mark is gone: no later mailet takes them for this message either
        assertThat(mail.getAttribute(SessionCheckedMail.CHECKED_IN_SESSION)).isEmpty();
        // one octet changed, same length: still another message
        Mail same = mail("Subject: received\r\n\r\nbody\r\n");
        SessionCheckedMail.store(same, "mx.test", SPF_ONLY, PendingChecksTest.answered().report().join());
        replaceMessage(same, "Subject: receivee\r\n\r\nbody\r\n");
        assertThat(SessionCheckedMail.results(table, same, "mx.test", SPF_ONLY)).isEmpty();
    }

    @Test
    void checksHandedOverAreDroppedWhenTheMessageChangedBeforeTheyWereTaken() throws Exception {
        Mail mail = mail();
        CheckRun run = PendingChecksTest.unanswered();
        SessionCheckedMail.handOver(table, mail, "mx.test", SPF_ONLY, run, Duration.ofSeconds(5), 0);
        replaceMessage(mail, "Subject: rebuilt\r\n\r\nbody\r\n");
        assertThat(SessionCheckedMail.results(table, mail, "mx.test", SPF_ONLY)).isEmpty();
        assertThat(table.size()).isZero();
        assertThat(run.report()).isDone();
        assertThat(mail.getAttribute(SessionCheckedMail.PENDING)).isEmpty();
    }

    @Test
    void aJamesMessageReadButNotChangedKeepsTheHandedOverChecksAChangedOneLosesThem() throws Exception {
        Mail read = jamesMail();
        assertThat(SessionCheckedMail.handOver(table, read, "mx.test", SPF_ONLY, PendingChecksTest.answered(),
                Duration.ofSeconds(5), 0)).isTrue();
        // a matcher before MailAuthCheck read a field and the content: nothing changed
        read.getMessage().getHeader("Subject");
        read.getMessage().getContent();
        assertThat(SessionCheckedMail.results(table, read, "mx.test", SPF_ONLY)).isPresent();
        Mail changed = jamesMail();
        SessionCheckedMail.handOver(table, changed, "mx.test", SPF_ONLY, PendingChecksTest.answered(),
                Duration.ofSeconds(5), 0);
        changed.getMessage().addHeader("X-Added", "by a mailet");
        assertThat(SessionCheckedMail.results(table, changed, "mx.test", SPF_ONLY)).isEmpty();
    }

    @Test
    void aJamesMessageReadButNotChangedIsStillTheOctetsHandedOverAChangedOneIsNot() throws Exception {
        Mail read = jamesMail();
        assertThat(SessionCheckedMail.handOver(table, read, "mx.test", SPF_ONLY, PendingChecksTest.answered(),
                Duration.ofSeconds(5), MimeMessageBytes.of(read.getMessage()))).isTrue();
        read.getMessage().getHeader("Subject");
        read.getMessage().getContent();
        assertThat(SessionCheckedMail.results(table, read, "mx.test", SPF_ONLY)).isPresent();
        Mail changed = jamesMail();
        SessionCheckedMail.handOver(table, changed, "mx.test", SPF_ONLY, PendingChecksTest.answered(),
                Duration.ofSeconds(5), MimeMessageBytes.of(changed.getMessage()));
        changed.getMessage().addHeader("X-Added", "by a mailet");
        assertThat(SessionCheckedMail.results(table, changed, "mx.test", SPF_ONLY)).isEmpty();
        assertThat(table.size()).isZero();
    }

    private static Mail jamesMail() throws Exception {
        return org.apache.james.server.core.MailImpl.builder().name("m").sender("a@ok.example")
                .addRecipient("b@example.net").mimeMessage(MimeMessageBytesTest.received(MimeMessageBytesTest.MESSAGE))
                .build();
    }

    @Test
    void aMailWithoutAReadableMessageNeverTakesTheSessionsResults() throws Exception {
        Mail mail = FakeMail.builder().name("m").sender("a@ok.example").recipient("b@example.net").build();
        SessionCheckedMail.store(mail, "mx.test", SPF_ONLY, PendingChecksTest.answered().report().join());
        assertThat(SessionCheckedMail.results(table, mail, "mx.test", SPF_ONLY)).isEmpty();
    }

    @Test
    void checksHandedOverAreTakenOnceStoredAndReusedByAMailetConfiguredAlike() throws Exception {
        Mail mail = mail();
        assertThat(SessionCheckedMail.handOver(table, mail, "mx.test", SPF_ONLY, PendingChecksTest.answered(),
                Duration.ofSeconds(5), 0)).isTrue();
        assertThat(MailEnvelopes.stringAttribute(mail, SessionCheckedMail.PENDING)).contains("token1");
        // another serverId or other checks: not this mailet's; the entry stays for its own
        assertThat(SessionCheckedMail.results(table, mail, "other.id", SPF_ONLY)).isEmpty();
        assertThat(SessionCheckedMail.results(table, mail, "mx.test", CheckOptions.ALL)).isEmpty();
        assertThat(table.size()).isEqualTo(1);
        var results = SessionCheckedMail.results(table, mail, "mx.test", SPF_ONLY).orElseThrow();
        assertThat(results.toString()).contains("method=spf, result=pass");
        assertThat(table.size()).isZero();
        assertThat(mail.getAttribute(SessionCheckedMail.PENDING)).isEmpty();
        assertThat(MailAttributes.authservId(mail)).contains("mx.test");
        // stored: a second MailAuthCheck alike reuses them, nothing is taken again
        assertThat(SessionCheckedMail.results(table, mail, "mx.test", SPF_ONLY)).contains(results);
    }

    /** The message received in the forgery tests: the attacker's own domain, which passes. */
    private static final byte[] RECEIVED = "From: a@attacker.example\r\nSubject: hello\r\n\r\nbody ....\r\n"
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /**
     * What a mailet (SMIMEDecrypt, say) puts in its place, chosen by the sender: the victim's From, four octets near
     * the end set so that length and CRC-32C are the received message's (a CRC is linear: review s18).
     */
    static byte[] forgedWithTheLengthAndCrcOf(byte[] received) {
        byte[] forged = "From: ceo@victim.example\r\nSubject: hello\r\n\r\nbody ....\r\n"
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(received);
        forged = Review18SessionCheckedMailTest.withCrcOf(forged, forged.length - 6, crc.getValue());
        java.util.zip.CRC32C check = new java.util.zip.CRC32C();
        check.update(forged);
        assertThat(check.getValue()).isEqualTo(crc.getValue());
        assertThat(forged).hasSameSizeAs(received).isNotEqualTo(received);
        return forged;
    }

    private static Mail mail(byte[] message) throws Exception {
        return FakeMail.builder().name("m").sender("a@attacker.example").recipient("b@example.net")
                .mimeMessage(MimeMessageBytes.from(message)).build();
    }

    /**
     * Review s18: checks handed over with the octets they read are taken only for exactly those octets (compared
     * with the ones the table keeps), not for a message of the same length and CRC; once taken, the results stored
     * on the mail are bound by the SHA-256 of those octets.
     */
    @Test
    void checksTakenByAMailetThatWritesItsFieldAreNotBoundForReuse() throws Exception {
        // MailAuthCheck writes our field right after: no later message can match a digest of this one, so none is
        // made (a SHA-256 of the message a mail); a later MailAuthCheck alike checks the changed message itself
        Mail mail = mail(RECEIVED);
        SessionCheckedMail.handOver(table, mail, "mx.test", SPF_ONLY, PendingChecksTest.answered(),
                Duration.ofSeconds(5), RECEIVED);
        SessionCheckedMail.Checked taken = SessionCheckedMail.checked(table, mail, "mx.test", SPF_ONLY, false)
                .orElseThrow();
        assertThat(taken.resinfos().toString()).contains("result=pass");
        assertThat(MailAttributes.authservId(mail)).contains("mx.test");
        assertThat(mail.getAttribute(SessionCheckedMail.CHECKED_MESSAGE)).isEmpty();
        assertThat(mail.getAttribute(SessionCheckedMail.CHECKED_IN_SESSION)).as("where they were made").isPresent();
        assertThat(SessionCheckedMail.results(table, mail, "mx.test", SPF_ONLY)).isEmpty();
    }

    @Test
    void checksHandedOverWithTheirOctetsAreTakenOnlyForExactlyThoseOctets() throws Exception {
        byte[] forged = forgedWithTheLengthAndCrcOf(RECEIVED);
        Mail mail = mail(RECEIVED);
        CheckRun run = PendingChecksTest.unanswered();
        assertThat(SessionCheckedMail.handOver(table, mail, "mx.test", SPF_ONLY, run, Duration.ofSeconds(5),
                RECEIVED)).isTrue();
        // bound by the octets the table keeps: nothing to make at the hand-over
        assertThat(mail.getAttribute(SessionCheckedMail.CHECKED_MESSAGE)).isEmpty();
        assertThat(table.bytes()).isEqualTo(RECEIVED.length);
        mail.setMessage(MimeMessageBytes.from(forged));
        assertThat(SessionCheckedMail.results(table, mail, "mx.test", SPF_ONLY)).isEmpty();
        assertThat(table.size()).isZero();
        assertThat(table.bytes()).isZero();
        assertThat(run.report()).isDone();
        assertThat(mail.getAttribute(SessionCheckedMail.PENDING)).isEmpty();

        // the same octets, in a message of its own: taken
        Mail same = mail(RECEIVED);
        SessionCheckedMail.handOver(table, same, "mx.test", SPF_ONLY, PendingChecksTest.answered(),
                Duration.ofSeconds(5), RECEIVED);
        same.setMessage(MimeMessageBytes.from(RECEIVED.clone()));
        assertThat(SessionCheckedMail.results(table, same, "mx.test", SPF_ONLY)).isPresent();
        assertThat(table.bytes()).isZero();
        assertThat(MailEnvelopes.stringAttribute(same, SessionCheckedMail.CHECKED_MESSAGE))
                .contains(MessageBinding.digest(RECEIVED));
        assertThat(SessionCheckedMail.results(table, same, "mx.test", SPF_ONLY)).isPresent();
        // the results stored then are not inherited by the forged message either
        same.setMessage(MimeMessageBytes.from(forged));
        assertThat(SessionCheckedMail.results(table, same, "mx.test", SPF_ONLY)).isEmpty();

        // a message one octet shorter, or longer, is another message
        for (byte[] other : new byte[][] {java.util.Arrays.copyOf(RECEIVED, RECEIVED.length - 1),
                java.util.Arrays.copyOf(RECEIVED, RECEIVED.length + 1)}) {
            Mail changed = mail(RECEIVED);
            SessionCheckedMail.handOver(table, changed, "mx.test", SPF_ONLY, PendingChecksTest.answered(),
                    Duration.ofSeconds(5), RECEIVED);
            changed.setMessage(MimeMessageBytes.from(other));
            assertThat(SessionCheckedMail.results(table, changed, "mx.test", SPF_ONLY)).isEmpty();
        }
        assertThat(table.size()).isZero();
    }

    /** Review s18: checks handed over without their octets are bound by a digest, which a forger cannot match. */
    @Test
    void checksHandedOverWithoutTheirOctetsAreNotTakenForAMessageOfTheSameLengthAndCrc() throws Exception {
        Mail mail = mail(RECEIVED);
        assertThat(SessionCheckedMail.handOver(table, mail, "mx.test", SPF_ONLY, PendingChecksTest.answered(),
                Duration.ofSeconds(5), 0)).isTrue();
        mail.setMessage(MimeMessageBytes.from(forgedWithTheLengthAndCrcOf(RECEIVED)));
        assertThat(SessionCheckedMail.results(table, mail, "mx.test", SPF_ONLY)).isEmpty();
        assertThat(table.size()).isZero();
    }

    /**
     * Results stored before the binding was a digest (a mail in the spool across the upgrade) carry a CRC: they
     * match nothing, so such a mail is checked again.
     */
    @Test
    void resultsBoundTheOldWayAreNotUsed() throws Exception {
        Mail mail = mail(RECEIVED);
        SessionCheckedMail.store(mail, "mx.test", SPF_ONLY, PendingChecksTest.answered().report().join());
        assertThat(SessionCheckedMail.results(table, mail, "mx.test", SPF_ONLY)).isPresent();
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(RECEIVED);
        mail.setAttribute(new Attribute(SessionCheckedMail.CHECKED_MESSAGE,
                AttributeValue.of(RECEIVED.length + ":" + Long.toHexString(crc.getValue()))));
        assertThat(SessionCheckedMail.results(table, mail, "mx.test", SPF_ONLY)).isEmpty();
        assertThat(mail.getAttribute(SessionCheckedMail.CHECKED_IN_SESSION)).isEmpty();
    }

    @Test
    void checksHandedOverThatMetOurOverloadSaySoAndOthersDoNot() throws Exception {
        // session 18: the mailet runs such checks again itself (no client waits for it)
        Mail overloaded = mail();
        CheckRun notSent = PendingChecksTest.checker(new dev.authpack.dns.ZoneFileResolver(PendingChecksTest.ZONE)
                .withLocalOverload("ok.example")).start(PendingChecksTest.envelope(), null, SPF_ONLY);
        SessionCheckedMail.handOver(table, overloaded, "mx.test", SPF_ONLY, notSent, Duration.ofSeconds(5), 0);
        SessionCheckedMail.Checked taken = SessionCheckedMail.checked(table, overloaded, "mx.test", SPF_ONLY)
                .orElseThrow();
        assertThat(taken.localOverload()).isTrue();
        assertThat(taken.resinfos().toString()).contains("result=temperror");

        Mail answered = mail();
        SessionCheckedMail.handOver(table, answered, "mx.test", SPF_ONLY, PendingChecksTest.answered(),
                Duration.ofSeconds(5), 0);
        assertThat(SessionCheckedMail.checked(table, answered, "mx.test", SPF_ONLY).orElseThrow().localOverload())
                .isFalse();
    }

    @Test
    void checksTakenOverComeWithTheFieldBodyStoredOnTheMailResultsStoredEarlierWithout() throws Exception {
        Mail mail = mail();
        SessionCheckedMail.handOver(table, mail, "mx.test", SPF_ONLY, PendingChecksTest.answered(),
                Duration.ofSeconds(5), 0);
        SessionCheckedMail.Checked taken = SessionCheckedMail.checked(table, mail, "mx.test", SPF_ONLY).orElseThrow();
        String field = taken.fieldValue().orElseThrow();
        assertThat(field).startsWith("mx.test;").contains("spf=pass");
        // the attribute is the same text on one line, so the field and the attribute cannot disagree
        assertThat(mail.getAttribute(MailAttributes.RESULTS).orElseThrow().getValue().value())
                .isEqualTo(MailAttributes.resultsText(field));
        SessionCheckedMail.Checked again = SessionCheckedMail.checked(table, mail, "mx.test", SPF_ONLY).orElseThrow();
        assertThat(again.resinfos()).isEqualTo(taken.resinfos());
        assertThat(again.fieldValue()).isEmpty();
    }

    @Test
    void aTokenNotInThisJvmsTableLeavesTheCheckToTheMailet() throws Exception {
        Mail mail = mail();
        // as after a restart, or when another James node dequeued the mail
        mail.setAttribute(new Attribute(SessionCheckedMail.PENDING, AttributeValue.of("unknown")));
        assertThat(SessionCheckedMail.results(table, mail, "mx.test", SPF_ONLY)).isEmpty();
        Mail expired = mail();
        SessionCheckedMail.handOver(table, expired, "mx.test", SPF_ONLY, PendingChecksTest.unanswered(),
                Duration.ofSeconds(1), 0);
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        assertThat(SessionCheckedMail.results(table, expired, "mx.test", SPF_ONLY)).isEmpty();
        // a mail the session never touched
        assertThat(SessionCheckedMail.results(table, mail(), "mx.test", SPF_ONLY)).isEmpty();
    }

    @Test
    void aFullTableRefusesTheHandOverAndTheMailCarriesNoToken() throws Exception {
        PendingChecks one = new PendingChecks(1, now::get, () -> "t" + serial.incrementAndGet());
        assertThat(SessionCheckedMail.handOver(one, mail(), "mx.test", SPF_ONLY, PendingChecksTest.unanswered(),
                Duration.ofSeconds(5), 0)).isTrue();
        Mail refused = mail();
        CheckRun run = PendingChecksTest.unanswered();
        assertThat(SessionCheckedMail.handOver(one, refused, "mx.test", SPF_ONLY, run, Duration.ofSeconds(5), 0))
                .isFalse();
        assertThat(refused.getAttribute(SessionCheckedMail.PENDING)).isEmpty();
    }

    @Test
    void aTokenOfTheWrongTypeOrAnInterruptedWaitNeverThrows() throws Exception {
        Mail mail = mail();
        mail.setAttribute(new Attribute(SessionCheckedMail.PENDING, AttributeValue.of(42)));
        assertThat(SessionCheckedMail.results(table, mail, "mx.test", SPF_ONLY)).isEmpty();
        Mail waiting = mail();
        SessionCheckedMail.handOver(table, waiting, "mx.test", SPF_ONLY, PendingChecksTest.unanswered(),
                Duration.ofSeconds(30), 0);
        Thread.currentThread().interrupt();
        try {
            assertThat(SessionCheckedMail.results(table, waiting, "mx.test", SPF_ONLY)).isEmpty();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void theCheckKeyMadeOnceIsStillTheKeyOfEachConfigurationWhenTheyAlternate() {
        CheckOptions sealers = CheckOptions.ALL.withTrustedArcSealers(java.util.Set.of("b.example", "a.example"));
        String all = "mx.test|dkim=true spf=true iprev=true smtpAuth=true dmarc=true arc=true trustedArcSealers=[]";
        for (int i = 0; i < 3; i++) {
            assertThat(SessionCheckedMail.key("mx.test", CheckOptions.ALL)).isEqualTo(all);
            assertThat(SessionCheckedMail.key("mx.test", sealers)).endsWith("trustedArcSealers=[a.example, b.example]");
            assertThat(SessionCheckedMail.key("mx.other", CheckOptions.ALL)).startsWith("mx.other|");
            assertThat(SessionCheckedMail.key("mx.test", SPF_ONLY)).contains("dkim=false spf=true");
        }
    }
}
