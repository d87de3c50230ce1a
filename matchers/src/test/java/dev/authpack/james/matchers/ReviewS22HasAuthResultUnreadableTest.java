package dev.authpack.james.matchers;

import dev.authpack.james.MailAttributes;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.Test;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review s22 (fail closed). {@code HasAuthResult} read results it could not read (the {@code authpack.results}
 * attribute not as MailAuthCheck writes it, or a header it could not read) as "no own results": a condition such as
 * {@code dmarc=fail} routing spoofs to a processor of their own did not match, and the mail took the path of mail
 * that passed. Now such results are read as no pass for every method, as {@code DmarcDisposition} reads an
 * unreadable disposition as {@code reject}: a test naming no passing result holds, one naming a pass does not.
 */
class ReviewS22HasAuthResultUnreadableTest {
    private static HasAuthResult matcher(String condition) throws MessagingException {
        HasAuthResult m = new HasAuthResult();
        m.init(FakeMatcherConfig.builder().matcherName("HasAuthResult").condition(condition)
                .mailetContext(FakeMailContext.defaultContext()).build());
        return m;
    }

    private static MimeMessage message() throws MessagingException {
        return new MimeMessage(Session.getDefaultInstance(new Properties()), new ByteArrayInputStream(
                "From: ceo@victim.example\r\nSubject: pay\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII)));
    }

    private static Mail mail(AttributeValue<?> results, boolean withId) throws MessagingException {
        FakeMail.Builder b = FakeMail.builder().name("m").recipients("a@x.example").mimeMessage(message())
                .remoteAddr("203.0.113.9").attribute(new Attribute(MailAttributes.RESULTS, results));
        if (withId) {
            b.attribute(new Attribute(MailAttributes.AUTHSERV_ID, AttributeValue.of("mx.example.org")));
        }
        return b.build();
    }

    private static List<Mail> unreadable() throws MessagingException {
        return List.of(
                mail(AttributeValue.of(List.of(AttributeValue.of("dmarc=fail"))), true),   // entries not resinfos
                mail(AttributeValue.of(List.of(AttributeValue.of(Map.of("method", AttributeValue.of("dmarc"))))),
                        true),                                                              // no result
                mail(AttributeValue.of("not a field body ; ; ="), true),                    // text that does not parse
                mail(AttributeValue.of(42), true),                                          // another type
                mail(AttributeValue.of("mx.example.org; dmarc=fail header.from=victim.example"), false)); // no id
    }

    @Test
    void unreadableResultsMatchAConditionNamingNoPass() throws Exception {
        for (String condition : List.of("dmarc=fail", "dmarc=fail,none; spf=fail,softfail", "auth=missing")) {
            HasAuthResult m = matcher(condition);
            for (Mail mail : unreadable()) {
                assertThat(m.match(mail)).as("%s on %s", condition, mail.getAttribute(MailAttributes.RESULTS))
                        .hasSize(1);
            }
        }
    }

    @Test
    void unreadableResultsNeverMatchAConditionNamingAPass() throws Exception {
        for (String condition : List.of("dmarc=pass", "dkim=pass,fail", "dmarc=bestguesspass", "spf=fail; dkim=pass")) {
            HasAuthResult m = matcher(condition);
            for (Mail mail : unreadable()) {
                assertThat(m.match(mail)).as("%s", condition).isEmpty();
            }
        }
    }

    @Test
    void aHeaderThatCannotBeReadIsReadAsNoPass() throws Exception {
        Mail mail = FakeMail.builder().name("m").recipients("a@x.example").remoteAddr("203.0.113.9")
                .mimeMessage(new MimeMessage(Session.getDefaultInstance(new Properties())) {
                    @Override
                    public java.util.Enumeration<javax.mail.Header> getAllHeaders() throws MessagingException {
                        throw new MessagingException("spool file gone");
                    }
                }).build();
        assertThat(matcher("dmarc=fail").match(mail)).hasSize(1);
        assertThat(matcher("dmarc=pass").match(mail)).isEmpty();
    }

    @Test
    void readableResultsMatchAsBefore() throws Exception {
        Mail passed = mail(AttributeValue.of("mx.example.org; dmarc=pass header.from=victim.example"), true);
        assertThat(matcher("dmarc=fail").match(passed)).isEmpty();
        assertThat(matcher("dmarc=pass").match(passed)).hasSize(1);
        assertThat(MailAttributes.resultsUnreadable(passed)).isEmpty();
        Mail none = FakeMail.builder().name("m").recipients("a@x.example").mimeMessage(message()).build();
        assertThat(matcher("dmarc=fail").match(none)).as("not checked: no results, no match").isEmpty();
        assertThat(matcher("dmarc=missing").match(none)).hasSize(1);
    }
}
