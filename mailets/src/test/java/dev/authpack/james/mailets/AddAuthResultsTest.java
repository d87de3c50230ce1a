package dev.authpack.james.mailets;

import dev.authpack.james.MailAttributes;
import dev.authpack.authres.MethodResult;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class AddAuthResultsTest {
    static final String FORGED = "Authentication-Results: mx.test; dmarc=pass\r\n"
            + "Authentication-Results: MX.TEST.; dmarc=pass\r\n"
            + "Authentication-Results: mx.test/1; dmarc=pass\r\n"
            + "Authentication-Results: mx.test\u00e9; dmarc=pass\r\n"
            + "Authentication-Results: (x) \"mx.test\" 1;\r\n\tdmarc=pass\r\n";

    static FakeMail mail(String header) throws Exception {
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream((header + "\r\nbody\r\n").getBytes(StandardCharsets.UTF_8)));
        return FakeMail.builder().name("m").mimeMessage(message).recipient("bob@example.org").build();
    }

    static String header(Mail mail) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        mail.getMessage().writeTo(out);
        String text = out.toString(StandardCharsets.UTF_8);
        return text.substring(0, text.indexOf("\r\n\r\n") + 2);
    }

    private static AddAuthResults mailet(Map<String, String> parameters) throws MessagingException {
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("AddAuthResults");
        parameters.forEach(config::setProperty);
        AddAuthResults mailet = new AddAuthResults();
        mailet.init(config.build());
        return mailet;
    }

    private static void checked(Mail mail) {
        mail.setAttribute(new Attribute(MailAttributes.AUTHSERV_ID, AttributeValue.of("mx.test")));
        mail.setAttribute(new Attribute(MailAttributes.RESULTS, AttributeValue.of(List.<AttributeValue<?>>of(
                AttributeValue.of(Map.<String, AttributeValue<?>>of("method", AttributeValue.of("spf"),
                        "result", AttributeValue.of("pass"), "properties", AttributeValue.of(Map.of())))))));
    }

    @Test
    void removesEveryForgedVariantAndKeepsLinesWithoutAColonOnce() throws Exception {
        FakeMail mail = mail("Received: from a\r\nno colon here\r\n" + FORGED
                + "Authentication-Results: upstream.example; spf=fail\r\nSubject: s\r\n");
        checked(mail);
        mailet(Map.of()).service(mail);
        assertThat(header(mail)).isEqualTo("Authentication-Results: mx.test;\r\n\tspf=pass\r\n"
                + "Received: from a\r\nno colon here\r\n"
                + "Authentication-Results: upstream.example; spf=fail\r\nSubject: s\r\n");
    }

    @Test
    void stripsForgedFieldsEvenWhenThereIsNothingToWrite() throws Exception {
        FakeMail mail = mail("Received: from a\r\n" + FORGED + "Subject: s\r\n");
        mailet(Map.of("serverId", "mx.test")).service(mail);
        assertThat(header(mail)).isEqualTo("Received: from a\r\nSubject: s\r\n");
    }

    @Test
    void manyDistinctFieldNamesTakeLinearTime() throws Exception {
        StringBuilder header = new StringBuilder(FORGED);
        for (int i = 0; i < 40_000; i++) {
            header.append("X-N").append(i).append(": v\r\n");
        }
        FakeMail mail = mail(header.toString());
        checked(mail);
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> mailet(Map.of()).service(mail));
        String out = header(mail);
        assertThat(out).startsWith("Authentication-Results: mx.test;\r\n\tspf=pass\r\nX-N0: v\r\n")
                .endsWith("X-N39999: v\r\n").doesNotContain("dmarc=pass");
    }

    @Test
    void anUnreadableMessageLetsNoExceptionOut() throws Exception {
        FakeMail mail = mail("Subject: s\r\n");
        checked(mail);
        FakeMail broken = FakeMail.builder().name("broken").recipient("bob@example.org")
                .attribute(mail.getAttribute(MailAttributes.RESULTS).orElseThrow())
                .attribute(mail.getAttribute(MailAttributes.AUTHSERV_ID).orElseThrow()).build();
        mailet(Map.of()).service(broken);
        assertThat(broken.getMessage()).isNull();
    }

    /** Review s19 (L3): a rewrite that fails (a spool read error) does not deliver the forged fields, without ours. */
    @Test
    void aRewriteThatFailsSendsTheMailToTheErrorProcessor() throws Exception {
        FailingWritesMessage message = new FailingWritesMessage("Received: from a\r\n" + FORGED
                + "Subject: s\r\n\r\nbody\r\n").failWrites(0, 1);
        FakeMail mail = FakeMail.builder().name("m").mimeMessage(message).recipient("bob@example.org").build();
        checked(mail);

        mailet(Map.of()).service(mail);

        assertThat(message.writes()).isEqualTo(1);
        assertThat(mail.getState()).as("forged fields left in:%n%s", header(mail)).isEqualTo(Mail.ERROR);
        assertThat(mail.getErrorMessage()).startsWith("AddAuthResults: ").contains("not rewritten");
    }

    /**
     * Review s19 final: a message within maxCheckedSize is read whole only while maxCheckedTotal (the JVM-wide count
     * of MailAuthCheck's) holds its octets, released after, on every path; with no room for it, its header section
     * alone is rewritten: the same fields (the forged ones gone, ours on top), the body never read whole.
     */
    @Test
    void wholeReadsHoldMaxCheckedTotalAndARefusedMessageIsRewrittenInItsHeaderSection() throws Exception {
        byte[] octets = dev.authpack.james.CountingMessages.withBody("Received: from a\r\n" + FORGED
                + "Subject: s\r\n\r\n", 200 * 1024);
        AddAuthResults mailet = mailet(Map.of("maxCheckedSize", "1M", "maxCheckedTotal", "1M"));
        dev.authpack.james.WholeReadBudget other = dev.authpack.james.WholeReadBudget.read("1M",
                dev.authpack.james.MessageSizeLimit.parse("maxCheckedSize", "1M"));
        for (boolean room : new boolean[] {true, false}) {
            dev.authpack.james.WholeReadBudget.Hold held = room ? dev.authpack.james.WholeReadBudget.Hold.NONE
                    : other.tryHold(1L << 20);
            dev.authpack.james.HeldWhole.Message message = new dev.authpack.james.HeldWhole(0).message(octets);
            FakeMail mail = FakeMail.builder().name("budget").mimeMessage(message).size(octets.length)
                    .recipient("bob@example.org").build();
            checked(mail);
            try (held) {
                mailet.service(mail);
            }
            assertThat(message.readWhole()).as("read whole with room " + room).isEqualTo(room);
            if (room) {
                assertThat(message.heldAtWholeRead()).as("held while read").isEqualTo(octets.length);
            }
            assertThat(dev.authpack.james.WholeReadBudget.jvmHeld()).isZero();
            assertThat(mail.getState()).isNotEqualTo(Mail.ERROR);
            assertThat(header(mail)).isEqualTo("Authentication-Results: mx.test;\r\n\tspf=pass\r\n"
                    + "Received: from a\r\nSubject: s\r\n");
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> mailet(Map.of("maxCheckedSize", "1M",
                "maxCheckedTotal", "512K"))).isInstanceOf(MessagingException.class)
                .hasMessageContaining("maxCheckedTotal");
    }

    /**
     * Review s19 (L5): {@code maxCheckedSize} as MailAuthCheck's: a message over it is not read whole (its header
     * section alone is rewritten, the forged fields still go and ours on top); the bound is checked at init.
     */
    @Test
    void aMessageOverMaxCheckedSizeIsNotReadWhole() throws Exception {
        dev.authpack.james.CountingMessages.Counted counted = dev.authpack.james.CountingMessages.message(
                dev.authpack.james.CountingMessages.withBody("Received: from a\r\n" + FORGED + "Subject: s\r\n\r\n",
                        2 << 20));
        FakeMail mail = FakeMail.builder().name("large").mimeMessage(counted.message()).recipient("bob@example.org")
                .build();
        checked(mail);

        mailet(Map.of("maxCheckedSize", "1MiB")).service(mail);

        assertThat(counted.read().get()).isLessThan(64 * 1024);
        assertThat(mail.getState()).isNotEqualTo(Mail.ERROR);
        assertThat(header(mail)).isEqualTo("Authentication-Results: mx.test;\r\n\tspf=pass\r\n"
                + "Received: from a\r\nSubject: s\r\n");
    }

    @Test
    void maxCheckedSizeIsCheckedAtInit() {
        for (String bad : List.of("0", "1023", "2G", "64 apples", "-1")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> mailet(Map.of("maxCheckedSize", bad))).as(bad)
                    .isInstanceOf(MessagingException.class).hasMessageStartingWith("AddAuthResults: ")
                    .hasMessageContaining("maxCheckedSize must be a size from 1024 to");
        }
    }

    static List<MethodResult> none() {
        return List.of();
    }
}
