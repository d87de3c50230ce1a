package dev.authpack.james.mailets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.authpack.james.MailAttributes;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Session 23: the header-section strip of a message not read whole (ArcSeal's, over {@code maxSignedSize}) read the
 * header section twice, once to find whether a field claims MailAuthCheck's id and once to rewrite it. Once is
 * enough: nothing changes the message between.
 */
class ReviewS23AuthResultsHeadersTest {
    private static final String MESSAGE = "Authentication-Results: mx.list.example; dkim=pass header.d=bank.example\r\n"
            + "From: a@example.com\r\nSubject: s\r\n\r\nbody\r\n";

    @Test
    void theHeaderSectionIsReadOnceToStripTheFieldsClaimingOurId() throws Exception {
        AtomicInteger writes = new AtomicInteger();
        MimeMessage counted = new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(MESSAGE.getBytes(StandardCharsets.US_ASCII))) {
            @Override
            public void writeTo(OutputStream out) throws IOException, MessagingException {
                writes.incrementAndGet();
                super.writeTo(out);
            }
        };
        FakeMail mail = FakeMail.builder().name("m1").mimeMessage(counted).build();
        mail.setAttribute(new Attribute(MailAttributes.AUTHSERV_ID, AttributeValue.of("mx.list.example")));

        AuthResultsHeaders.removeForgedInHeaderSection(mail, Set.of("mx.list.example"));

        assertThat(writes.get()).as("reads of the message").isEqualTo(1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        mail.getMessage().writeTo(out);
        assertThat(out.toString(StandardCharsets.US_ASCII)).doesNotContain("Authentication-Results")
                .contains("From: a@example.com\r\n");
    }
}
