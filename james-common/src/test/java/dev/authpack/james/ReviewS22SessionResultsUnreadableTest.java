package dev.authpack.james;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.authpack.james.PendingChecksTest.SPF_ONLY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review s22 (never a partial set of results). The session's results stored on the mail are reused by
 * MailAuthCheck, which writes its field from them. When the {@code authpack.results} attribute was changed since
 * (another mailet, another pack version) so that part of it cannot be read, the part that can was reused: a field
 * written from it lacked, say, {@code dmarc=fail}. Now they are not reused, and the mailet checks the mail itself.
 */
class ReviewS22SessionResultsUnreadableTest {
    private final PendingChecks table = new PendingChecks(8, () -> 0L, () -> "token");

    private static AttributeValue<?> resinfo(String method, String result) {
        return AttributeValue.of(Map.<String, AttributeValue<?>>of("method", AttributeValue.of(method),
                "result", AttributeValue.of(result)));
    }

    private Mail storedThenChanged(AttributeValue<?> results) throws Exception {
        Mail mail = FakeMail.builder().name("m").sender("a@ok.example").recipient("b@example.net")
                .mimeMessage(MimeMessageBytes.from("Subject: s\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII)))
                .build();
        SessionCheckedMail.store(mail, "mx.test", SPF_ONLY, PendingChecksTest.answered().report().join());
        assertThat(SessionCheckedMail.results(table, mail, "mx.test", SPF_ONLY)).isPresent();
        mail.setAttribute(new Attribute(MailAttributes.RESULTS, results));
        return mail;
    }

    @Test
    void partlyUnreadableStoredResultsAreNotReused() throws Exception {
        List<AttributeValue<?>> many = new ArrayList<>();
        for (int i = 0; i < MailAttributes.MAX_RESULTS; i++) {
            many.add(resinfo("dkim", "pass"));
        }
        many.add(resinfo("dmarc", "fail"));
        for (AttributeValue<?> partial : List.<AttributeValue<?>>of(
                AttributeValue.of(List.<AttributeValue<?>>of(resinfo("spf", "pass"), AttributeValue.of("dmarc=fail"))),
                AttributeValue.of(List.<AttributeValue<?>>of(resinfo("spf", "pass"),
                        AttributeValue.of(Map.<String, AttributeValue<?>>of("method", AttributeValue.of("dmarc"))))),
                AttributeValue.of(many),
                AttributeValue.of("mx.test; spf=pass; dmarc=fail reason=\"unterminated"),
                AttributeValue.of(42))) {
            Mail mail = storedThenChanged(partial);
            assertThat(SessionCheckedMail.results(table, mail, "mx.test", SPF_ONLY)).as("%s", partial).isEmpty();
        }
    }

    @Test
    void readableStoredResultsAreStillReused() throws Exception {
        Mail mail = storedThenChanged(AttributeValue.of(List.<AttributeValue<?>>of(resinfo("spf", "pass"),
                resinfo("dmarc", "fail"))));
        assertThat(SessionCheckedMail.results(table, mail, "mx.test", SPF_ONLY)).hasValueSatisfying(
                r -> assertThat(r).extracting(m -> m.method() + "=" + m.result()).containsExactly("spf=pass",
                        "dmarc=fail"));
    }
}
