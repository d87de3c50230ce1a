package dev.authpack.james.mailets;

import dev.authpack.james.HeldWhole;
import dev.authpack.james.MessageSizeLimit;
import dev.authpack.james.WholeReadBudget;
import dev.authpack.james.ConformanceParameters;
import dev.authpack.james.MimeMessageBytes;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;

import javax.mail.MessagingException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FixConformanceTest {
    static final String MESSAGE = "From: a@example.com\r\nTo: b@example.org\r\nSubject : hi\r\n"
            + "Date: Sun, 6 Dec 2026 03:00:00 +0000\r\nMIME-Version: 1.0\r\n\r\nHello.\r\n";

    private static FixConformance mailet(Map<String, String> parameters) throws MessagingException {
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("FixConformance");
        parameters.forEach(config::setProperty);
        FixConformance mailet = new FixConformance();
        mailet.init(config.build());
        return mailet;
    }

    private static FakeMail mail(byte[] message) throws Exception {
        return FakeMail.builder().name("m").mimeMessage(MimeMessageBytes.from(message))
                .recipient("b@example.org").state("transport").build();
    }

    private static String text(Mail mail) throws Exception {
        return new String(MimeMessageBytes.of(mail.getMessage()), StandardCharsets.ISO_8859_1);
    }

    private static Optional<String> attribute(Mail mail, org.apache.mailet.AttributeName name) {
        return mail.getAttribute(name).map(a -> (String) a.getValue().value());
    }

    @Test
    void aFailedCheckSetsTheAttributeAndGoesToTheProcessor() throws Exception {
        FakeMail mail = mail(MESSAGE.getBytes(StandardCharsets.US_ASCII));
        mailet(Map.of("checks", "NAME_ENDS_WITH_SPACE|MISSING_MESSAGE_ID_HEADER|LINE_TOO_LONG")).service(mail);
        assertThat(mail.getState()).isEqualTo("error");
        assertThat(attribute(mail, ConformanceParameters.ISSUES)).contains("MISSING_MESSAGE_ID_HEADER|NAME_ENDS_WITH_SPACE");
        assertThat(text(mail)).isEqualTo(MESSAGE);

        FakeMail other = mail(MESSAGE.getBytes(StandardCharsets.US_ASCII));
        mailet(Map.of("checks", "NAME_ENDS_WITH_SPACE", "processor", "quarantine")).service(other);
        assertThat(other.getState()).isEqualTo("quarantine");
    }

    /**
     * A message the mailet cannot read or check (a spool file unreadable, an error in the check) goes on unchecked,
     * as the spool cannot defer it, but marked as one over the limits is: a reject set relied on can match the mark
     * (review s21: it went on unmarked, as if it had passed the check).
     */
    @Test
    void aMessageThatCouldNotBeCheckedGoesOnMarked() throws Exception {
        FixConformance mailet = mailet(Map.of("checks", "NAME_ENDS_WITH_SPACE"));
        for (Map.Entry<String, java.util.function.Supplier<? extends Throwable>> fault
                : dev.authpack.james.FaultyMail.faults().entrySet()) {
            FakeMail mail = FakeMail.builder().name("m").mimeMessage(dev.authpack.james.FaultyMail.message(MESSAGE,
                    fault.getValue())).recipient("b@example.org").state("transport").build();
            mailet.service(mail);
            assertThat(mail.getState()).as(fault.getKey()).isEqualTo("transport");
            assertThat(attribute(mail, MessageSizeLimit.CONFORMANCE_SKIPPED)).as(fault.getKey())
                    .hasValueSatisfying(reason -> assertThat(reason).startsWith("not checked: ")
                            .contains(fault.getValue().get().getClass().getSimpleName()));
        }
    }

    @Test
    void fixesRepairAndTheMailGoesOn() throws Exception {
        FakeMail mail = mail(MESSAGE.getBytes(StandardCharsets.US_ASCII));
        mailet(Map.of("checks", "NAME_ENDS_WITH_SPACE", "fixes", "NAME_ENDS_WITH_SPACE|MISSING_MESSAGE_ID_HEADER",
                "serverId", "mx.example.org")).service(mail);
        assertThat(mail.getState()).isEqualTo("transport");
        assertThat(attribute(mail, ConformanceParameters.FIXED)).contains("MISSING_MESSAGE_ID_HEADER|NAME_ENDS_WITH_SPACE");
        assertThat(text(mail)).startsWith("Message-ID: <").contains("@mx.example.org>\r\n")
                .contains("\r\nSubject: hi\r\n");
        assertThat(mail.getAttribute(ConformanceParameters.ISSUES)).isEmpty();
    }

    @Test
    void onlyMissingFieldsKeepEveryOtherOctet() throws Exception {
        FakeMail mail = mail(MESSAGE.getBytes(StandardCharsets.US_ASCII));
        mailet(Map.of("fixes", "MISSING_MESSAGE_ID_HEADER", "serverId", "mx.example.org")).service(mail);
        String out = text(mail);
        assertThat(out).startsWith("Message-ID: <");
        assertThat(out.substring(out.indexOf("\r\n") + 2)).isEqualTo(MESSAGE);
    }

    @Test
    void initErrorsSayWhatIsAccepted() {
        assertThatThrownBy(() -> mailet(Map.of("checks", "LINE_TOO_LONG|nope")))
                .isInstanceOf(MessagingException.class).hasMessageContaining("'nope'")
                .hasMessageContaining("NON_CANONICAL_LINE_ENDINGS");
        assertThatThrownBy(() -> mailet(Map.of("detectEncoding", "yes")))
                .isInstanceOf(MessagingException.class).hasMessageContaining("true or false");
        assertThatThrownBy(() -> mailet(Map.of("detectEncoding", "true", "includeEncodings", "latin-9")))
                .isInstanceOf(MessagingException.class).hasMessageContaining("iso-8859-15");
        assertThatThrownBy(() -> mailet(Map.of("serverId", "not a host")))
                .isInstanceOf(MessagingException.class).hasMessageContaining("serverId");
        assertThatThrownBy(() -> mailet(Map.of("fix", "LINE_TOO_LONG"))).isInstanceOf(MessagingException.class)
                .hasMessageContaining("fix");
    }

    @Test
    void unreadableMailIsPassedOnAndNeverThrows() throws Exception {
        FixConformance mailet = mailet(Map.of("fixes", "LINE_TOO_LONG|NEEDS_TRANSFER_ENCODING|NON_CANONICAL_LINE_ENDINGS",
                "checks", "MISSING_COLON_VALUE"));
        Random random = new Random(3);
        for (int i = 0; i < 50; i++) {
            byte[] junk = new byte[random.nextInt(300) + 1];
            random.nextBytes(junk);
            FakeMail mail = mail(junk);
            mailet.service(mail);
            assertThat(mail.getMessage()).isNotNull();
            assertThat(mail.getState()).isIn("transport", "error");
        }
        FakeMail empty = FakeMail.builder().name("none").build();
        mailet.service(empty);
        assertThat(empty.attributes()).isEmpty();
    }

    /**
     * Review s19 final: a message within maxCheckedSize is read whole only while maxCheckedTotal (the JVM-wide count
     * of MailAuthCheck's) holds its octets, released after, on every path; with no room for it (the spool cannot
     * defer it), it goes on unread and unchanged, marked with a reason naming maxCheckedTotal, not to the processor.
     */
    @Test
    void wholeReadsHoldMaxCheckedTotalAndARefusedMessageIsSkippedAndMarked() throws Exception {
        byte[] octets = dev.authpack.james.CountingMessages.withBody("From: a@example.com\r\nSubject: no id\r\n\r\n",
                200 * 1024);
        FixConformance mailet = mailet(Map.of("checks", "MISSING_MESSAGE_ID_HEADER", "maxCheckedSize", "1M",
                "maxCheckedTotal", "1M"));
        HeldWhole.Message whole = new HeldWhole(0).message(octets);
        FakeMail checked = FakeMail.builder().name("whole").mimeMessage(whole).size(octets.length)
                .recipient("b@example.org").state("transport").build();
        mailet.service(checked);
        assertThat(whole.heldAtWholeRead()).as("held while read").isEqualTo(octets.length);
        assertThat(checked.getState()).isEqualTo("error");
        assertThat(WholeReadBudget.jvmHeld()).isZero();

        WholeReadBudget other = WholeReadBudget.read("1M", MessageSizeLimit.parse("maxCheckedSize", "1M"));
        try (WholeReadBudget.Hold held = other.tryHold(1L << 20)) {
            assertThat(held).isNotNull();
            HeldWhole.Message refused = new HeldWhole(0).message(octets);
            FakeMail mail = FakeMail.builder().name("refused").mimeMessage(refused).size(octets.length)
                    .recipient("b@example.org").state("transport").build();
            mailet.service(mail);
            assertThat(refused.readWhole()).isFalse();
            assertThat(mail.getState()).isEqualTo("transport");
            assertThat(attribute(mail, MessageSizeLimit.CONFORMANCE_SKIPPED)).hasValueSatisfying(reason ->
                    assertThat(reason).contains("maxCheckedTotal (1048576 octets)"));
        }
        HeldWhole.Message failing = new HeldWhole(0).failing(octets, new IllegalStateException("spool"));
        mailet.service(FakeMail.builder().name("failing").mimeMessage(failing).size(octets.length)
                .recipient("b@example.org").build());
        assertThat(failing.heldAtWholeRead()).isEqualTo(octets.length);
        assertThat(WholeReadBudget.jvmHeld()).isZero();
        assertThatThrownBy(() -> mailet(Map.of("maxCheckedSize", "1M", "maxCheckedTotal", "512K")))
                .isInstanceOf(MessagingException.class).hasMessageContaining("maxCheckedTotal");
    }

    /** A message over maxCheckedSize goes on unchanged and unread, marked; the bound is checked at init. */
    @Test
    void aMessageOverMaxCheckedSizeGoesOnUnchangedAndMarked() throws Exception {
        dev.authpack.james.CountingMessages.Counted counted = dev.authpack.james.CountingMessages.message(
                dev.authpack.james.CountingMessages.withBody("Subject: no date, no id\r\n\r\n", 2 << 20));
        FakeMail mail = FakeMail.builder().name("large").mimeMessage(counted.message()).build();

        mailet(Map.of("fixes", "MISSING_DATE_HEADER", "maxCheckedSize", "1M")).service(mail);

        assertThat(counted.read().get()).isZero();
        assertThat(mail.getMessage().getHeader("Date")).isNull();
        assertThat(mail.getState()).isNotEqualTo("error");
        assertThat(attribute(mail, dev.authpack.james.MessageSizeLimit.CONFORMANCE_SKIPPED))
                .hasValueSatisfying(reason -> assertThat(reason).contains("maxCheckedSize (1048576 octets)"));
        assertThatThrownBy(() -> mailet(Map.of("maxCheckedSize", "0"))).isInstanceOf(MessagingException.class)
                .hasMessageContaining("maxCheckedSize must be a size");
    }

    /**
     * Review s18 L2: a message whose size is not known beforehand is read only up to maxCheckedSize (and a buffer);
     * past it, it goes on unchanged and marked as one over the limit, never read whole.
     */
    @Test
    void aMessageOfUnknownSizeIsNotReadWholePastTheLimit() throws Exception {
        dev.authpack.james.CountingMessages.Counted counted = dev.authpack.james.CountingMessages.message(
                dev.authpack.james.CountingMessages.withBody("Subject: no date, no id\r\n\r\n", 4 << 20), true);
        FakeMail mail = FakeMail.builder().name("large").mimeMessage(counted.message()).build();
        mail.setMessageSize(-1);
        assertThat(dev.authpack.james.MimeMessageBytes.size(mail)).isEqualTo(-1);

        mailet(Map.of("fixes", "MISSING_DATE_HEADER", "maxCheckedSize", "1M")).service(mail);

        assertThat(counted.read().get()).isLessThan((1 << 20) + 512 * 1024);
        assertThat(mail.getMessage().getHeader("Date")).isNull();
        assertThat(attribute(mail, dev.authpack.james.MessageSizeLimit.CONFORMANCE_SKIPPED))
                .hasValueSatisfying(reason -> assertThat(reason).contains("more than 1048576 octets")
                        .contains("maxCheckedSize (1048576 octets)"));

        // within the limit: read whole and repaired as before
        FakeMail small = FakeMail.builder().name("small").mimeMessage(dev.authpack.james.CountingMessages.message(
                dev.authpack.james.CountingMessages.withBody("Subject: no date, no id\r\n\r\n", 4096), true)
                .message()).build();
        small.setMessageSize(-1);
        mailet(Map.of("fixes", "MISSING_DATE_HEADER", "maxCheckedSize", "1M")).service(small);
        assertThat(small.getMessage().getHeader("Date")).isNotNull();
        assertThat(attribute(small, dev.authpack.james.MessageSizeLimit.CONFORMANCE_SKIPPED)).isEmpty();
    }

    /**
     * Session 21: {@code processor} {@code ghost} is James' word for "drop": a mail failing a check would vanish with
     * no copy anywhere. Refused at init (the mailet never drops mail: docs/FixConformance.md).
     */
    @Test
    void theGhostProcessorIsRefusedAtInit() {
        for (String ghost : new String[] {"ghost", " GHOST ", "Ghost"}) {
            assertThatThrownBy(() -> mailet(Map.of("checks", "NAME_ENDS_WITH_SPACE", "processor", ghost)))
                    .as(ghost).isInstanceOf(MessagingException.class)
                    .hasMessageContaining("processor").hasMessageContaining("ghost").hasMessageContaining("error");
        }
    }

    /** {@code mail} whose setAttribute of {@code name} throws; every other call goes to it. */
    private static Mail refusingAttribute(FakeMail mail, org.apache.mailet.AttributeName name) {
        return dev.authpack.james.FaultyMail.refusingAttribute(mail, name,
                () -> new IllegalStateException("attribute store full"));
    }

    /**
     * Review s21: storing {@code authpack.conformance.fixed} fails after the message was replaced. The log must not
     * say "passed on unchanged": the mail goes on repaired, and the line says so and that it is not marked.
     */
    @Test
    void aRepairWhoseAttributeCannotBeStoredIsLoggedAsARepair() throws Exception {
        FakeMail fake = mail(MESSAGE.getBytes(StandardCharsets.US_ASCII));
        Mail mail = refusingAttribute(fake, ConformanceParameters.FIXED);
        FixConformance mailet = mailet(Map.of("fixes", "NAME_ENDS_WITH_SPACE", "serverId", "mx.example.org"));
        String log = dev.authpack.james.LogCapture.of(() -> mailet.service(mail));
        assertThat(text(fake)).contains("\r\nSubject: hi\r\n");
        assertThat(fake.getState()).isEqualTo("transport");
        assertThat(log).doesNotContain("unchanged").contains("repaired").contains("NAME_ENDS_WITH_SPACE")
                .contains(ConformanceParameters.FIXED.asString()).contains("attribute store full");
    }

    /**
     * Review s21: storing {@code authpack.conformance.issues} fails. The mail must still go to the processor (a
     * failed check must not pass for an error), unchanged, and the log says it is not marked.
     */
    @Test
    void aFailedCheckWhoseAttributeCannotBeStoredStillGoesToTheProcessor() throws Exception {
        FakeMail fake = mail(MESSAGE.getBytes(StandardCharsets.US_ASCII));
        Mail mail = refusingAttribute(fake, ConformanceParameters.ISSUES);
        FixConformance mailet = mailet(Map.of("checks", "NAME_ENDS_WITH_SPACE"));
        String log = dev.authpack.james.LogCapture.of(() -> mailet.service(mail));
        assertThat(fake.getState()).isEqualTo("error");
        assertThat(text(fake)).isEqualTo(MESSAGE);
        assertThat(log).doesNotContain("passed on unchanged").contains(ConformanceParameters.ISSUES.asString())
                .contains("attribute store full").contains("error");
    }
}
