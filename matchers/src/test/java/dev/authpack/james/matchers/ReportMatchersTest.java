package dev.authpack.james.matchers;

import dev.authpack.james.MailAttributes;
import dev.authpack.james.ReportSamples;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.mailet.Mail;
import org.apache.mailet.Matcher;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.Test;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReportMatchersTest {
    private static Matcher matcher(Matcher m, String condition) throws MessagingException {
        m.init(FakeMatcherConfig.builder().matcherName(m.getClass().getSimpleName()).condition(condition)
                .mailetContext(FakeMailContext.defaultContext()).build());
        return m;
    }

    private static Mail mail(String message, boolean nullSender) throws Exception {
        return FakeMail.builder().name("m").recipients("bounces+1@bounce.example.com", "postmaster@example.com")
                .sender(nullSender ? MaybeSender.nullSender() : MaybeSender.of(new MailAddress("x@example.net")))
                .mimeMessage(ReportSamples.message(message)).build();
    }

    @Test
    void bounceMatchesItsRecipientsAtTheGivenDomainsOnly() throws Exception {
        Matcher oob = matcher(new IsOobBounce(), "bounce.example.com");
        assertThat(oob.match(mail(ReportSamples.DSN, true)))
                .containsExactly(new MailAddress("bounces+1@bounce.example.com"));
        assertThat(oob.match(mail(ReportSamples.TEXT_BOUNCE, true)))
                .containsExactly(new MailAddress("bounces+1@bounce.example.com"));
        assertThat(matcher(new IsOobBounce(), null).match(mail(ReportSamples.DSN, true))).hasSize(2);
        assertThat(matcher(new IsOobBounce(), "other.example").match(mail(ReportSamples.DSN, true))).isEmpty();
    }

    @Test
    void ordinaryMailVacationAndFeedbackAreNotBounces() throws Exception {
        Matcher oob = matcher(new IsOobBounce(), "bounce.example.com");
        assertThat(oob.match(mail(ReportSamples.ORDINARY, false))).isEmpty();
        assertThat(oob.match(mail(ReportSamples.VACATION, false))).isEmpty();
        assertThat(oob.match(mail(ReportSamples.ARF, false))).isEmpty();
    }

    @Test
    void successNotificationIsNotABounce() throws Exception {
        String delivered = ReportSamples.DSN.replace("Action: failed\nStatus: 5.1.1", "Action: relayed\nStatus: 2.0.0");
        assertThat(matcher(new IsOobBounce(), null).match(mail(delivered, true))).isEmpty();
    }

    @Test
    void arfMatchesFeedbackReportsOnly() throws Exception {
        Matcher arf = matcher(new IsArfReport(), "@bounce.example.com, fbl.example.com");
        assertThat(arf.match(mail(ReportSamples.ARF, false)))
                .containsExactly(new MailAddress("bounces+1@bounce.example.com"));
        assertThat(arf.match(mail(ReportSamples.DSN, true))).isEmpty();
        assertThat(arf.match(mail(ReportSamples.ORDINARY, false))).isEmpty();
    }

    @Test
    void dmarcMatchesAggregateReportsOnly() throws Exception {
        Matcher dmarc = matcher(new IsDmarcReport(), "bounce.example.com");
        assertThat(dmarc.match(mail(ReportSamples.DMARC, false)))
                .containsExactly(new MailAddress("bounces+1@bounce.example.com"));
        Mail parsed = mail(ReportSamples.DMARC, false);
        dmarc.match(parsed);
        assertThat(parsed.getAttribute(MailAttributes.REPORT)).isPresent();
        assertThat(dmarc.match(mail(ReportSamples.DSN, true))).isEmpty();
        assertThat(dmarc.match(mail(ReportSamples.ARF, false))).isEmpty();
        assertThat(dmarc.match(mail(ReportSamples.ORDINARY, false))).isEmpty();
        // the report Subject alone is no proof; nor is XML whose root is not <feedback>
        assertThat(dmarc.match(mail(ReportSamples.dmarcMail("<html><p>hello</p></html>"), false))).isEmpty();
        assertThat(matcher(new IsOobBounce(), null).match(mail(ReportSamples.DMARC, false))).isEmpty();
        assertThat(matcher(new IsArfReport(), null).match(mail(ReportSamples.DMARC, false))).isEmpty();
        assertThatThrownBy(() -> matcher(new IsDmarcReport(), "dmarc example"))
                .isInstanceOf(MessagingException.class).hasMessageContaining("IsDmarcReport: bad condition");
    }

    @Test
    void parsedOnceForBothMatchers() throws Exception {
        Mail mail = mail(ReportSamples.ARF, false);
        matcher(new IsOobBounce(), null).match(mail);
        assertThat(mail.getAttribute(MailAttributes.REPORT)).isPresent();
        // the second matcher reads the attribute: it matches even though the message is gone
        mail.setMessage(ReportSamples.message(ReportSamples.ORDINARY));
        assertThat(matcher(new IsArfReport(), null).match(mail)).hasSize(2);
    }

    @Test
    void badConditionFailsInitSayingWhatIsAccepted() {
        assertThatThrownBy(() -> matcher(new IsOobBounce(), "bounce.example.com,,x.example"))
                .isInstanceOf(MessagingException.class).hasMessageContaining("IsOobBounce: bad condition")
                .hasMessageContaining("domain names such as bounce.example.com separated by commas");
        assertThatThrownBy(() -> matcher(new IsArfReport(), "not a domain"))
                .isInstanceOf(MessagingException.class).hasMessageContaining("IsArfReport");
        assertThatThrownBy(() -> matcher(new IsOobBounce(), "a..b")).isInstanceOf(MessagingException.class);
    }

    @Test
    void matchNeverThrows() throws Exception {
        MimeMessage broken = new MimeMessage((javax.mail.Session) null) {
            @Override
            public String getHeader(String name, String delimiter) {
                throw new IllegalStateException("boom");
            }

            @Override
            public void writeTo(java.io.OutputStream os) throws java.io.IOException {
                throw new java.io.IOException("gone");
            }
        };
        Mail mail = FakeMail.builder().name("b").recipients("b@bounce.example.com").sender(MaybeSender.nullSender())
                .mimeMessage(broken).build();
        assertThat(matcher(new IsOobBounce(), null).match(mail)).isEmpty();
        assertThat(matcher(new IsArfReport(), null).match(mail)).isEmpty();
        assertThat(matcher(new IsDmarcReport(), null).match(mail)).isEmpty();
    }
}
