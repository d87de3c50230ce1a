package dev.authpack.james.mailets;

import dev.authpack.james.MailAttributes;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review of issue 9: a forged field of ours that James' own reader (javax.mail, through the MimeMessageWrapper a
 * mail received over SMTP has) sees as {@code Authentication-Results} must not survive AddAuthResults.
 */
class ReviewEvasionsTest {
    @ParameterizedTest
    @ValueSource(strings = {
            "\u0000Authentication-Results: mx.test; dmarc=pass\r\n",
            "\u000bAuthentication-Results: mx.test; dmarc=pass\r\n",
            "Authentication-Results\u000c: mx.test; dmarc=pass\r\n",
            "Authentication-Results\r\n : mx.test; dmarc=pass\r\n",
            "Subject: s\rAuthentication-Results: mx.test; dmarc=pass\r\n",
    })
    void jamesSeesOnlyOurField(String forged) throws Exception {
        byte[] input = ("Received: from a\r\n" + forged + "To: b@example.org\r\n\r\nbody\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        MimeMessageWrapper received = new MimeMessageWrapper(MimeMessageInputStreamSource.create("m1",
                new ByteArrayInputStream(input)));
        MailImpl mail = MailImpl.builder().name("m1").sender("a@example.com").addRecipient("b@example.org")
                .mimeMessage(received).build();
        try {
            onlyOurFieldAfterAddAuthResults(mail);
        } finally {
            mail.dispose();
        }
    }

    /**
     * Review s15, on the octets received (a mail James did not copy, as the spool hands on one read back from a
     * repository; James' copy would have rewritten every line end as CRLF): a cut next to a bare CR moved the end of
     * the header section into the body (H1, CRLF and LF) or left a field for LF-only readers (M1); a first line
     * starting with white space continued our field (M2). Only our field, and the body as it was.
     */
    @ParameterizedTest
    @ValueSource(strings = {
            "From: a@example.com\r\nSubject: s\rAuthentication-Results: mx.test; x=y\r\n\r\n"
                    + "Authentication-Results: mx.test; dkim=pass forged\r\n\r\nbody\r\n",
            "From: a@example.com\nSubject: s\rAuthentication-Results: mx.test; x=y\n\n"
                    + "Authentication-Results: mx.test; dkim=pass forged\n\nbody\n",
            "From: a@example.com\r\nAuthentication-Results: \"mx.test\rAuthentication-Results: \"mx.te\rst\"; "
                    + "dkim=pass forged\r\nSubject: s\r\n\r\nbody\r\n",
            " dkim=pass header.d=forged.example\r\nFrom: a@example.com\r\n\r\nbody\r\n",
    })
    void cutsNextToABareCrOrALeadingContinuationLeaveOnlyOurFieldAndTheBody(String message) throws Exception {
        byte[] input = message.getBytes(StandardCharsets.ISO_8859_1);
        MimeMessageWrapper received = new MimeMessageWrapper(MimeMessageInputStreamSource.create("m1",
                new ByteArrayInputStream(input)));
        MailImpl mail = MailImpl.builder().name("m1").sender("a@example.com").addRecipient("b@example.org").build();
        try {
            mail.setMessageNoCopy(received);
            MimeMessage reread = onlyOurFieldAfterAddAuthResults(mail);
            // the body: after the first empty line that follows a LF
            int lf = message.indexOf("\n\n");
            int crlf = message.indexOf("\n\r\n");
            String body = lf >= 0 && (crlf < 0 || lf < crlf) ? message.substring(lf + 2) : message.substring(crlf + 3);
            assertThat(new String(reread.getRawInputStream().readAllBytes(), StandardCharsets.ISO_8859_1))
                    .isEqualTo(body);
        } finally {
            mail.dispose();
        }
    }

    /** Runs AddAuthResults (results of mx.test on the mail) and reads the message back with javax.mail. */
    private static MimeMessage onlyOurFieldAfterAddAuthResults(MailImpl mail) throws Exception {
        mail.setAttribute(new Attribute(MailAttributes.AUTHSERV_ID, AttributeValue.of("mx.test")));
        mail.setAttribute(new Attribute(MailAttributes.RESULTS, AttributeValue.of(List.<AttributeValue<?>>of(
                AttributeValue.of(Map.<String, AttributeValue<?>>of("method", AttributeValue.of("spf"),
                        "result", AttributeValue.of("pass"), "properties", AttributeValue.of(Map.of())))))));
        AddAuthResults mailet = new AddAuthResults();
        mailet.init(FakeMailetConfig.builder().mailetName("AddAuthResults").build());
        mailet.service(mail);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        mail.getMessage().writeTo(out);
        MimeMessage reread = new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(out.toByteArray()));
        assertThat(reread.getHeader("Authentication-Results")).as(out.toString(StandardCharsets.ISO_8859_1))
                .containsExactly("mx.test;\r\n\tspf=pass");
        assertThat(mail.getMessage().getHeader("Authentication-Results")).containsExactly("mx.test;\r\n\tspf=pass");
        return reread;
    }
}
