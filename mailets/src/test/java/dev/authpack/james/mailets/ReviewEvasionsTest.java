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
        } finally {
            mail.dispose();
        }
    }
}
