package dev.authpack.james;

import dev.authpack.report.ReportLimits;
import org.apache.james.core.MaybeSender;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageWrapper;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review s19 (attacker's test): {@code MailReports.of} (IsOobBounce, IsArfReport, LogReport, ReportMatcher) reads the
 * whole message into memory once its header says it may be a report (the null sender, {@code multipart/report}, a
 * bounce-like Subject: anyone can send that), although the parser reads no more than its first
 * {@link ReportLimits#DEFAULT_MAX_OCTETS} octets. A message of any size (James' {@code maxmessagesize} is unlimited
 * by default) is then on the heap, on every spool thread that matches one: what session 18 bounded everywhere else
 * ({@code maxCheckedSize}).
 */
class Review19MailReportsSizeTest {
    @Test
    void aLargeMessageThatMayBeAReportIsNotReadWhole() throws Exception {
        JamesSources.jamesDefaultThreshold();
        CountingMessages.GeneratedSource source = new CountingMessages.GeneratedSource(
                "From: MAILER-DAEMON@example.net\r\nSubject: Undelivered Mail Returned to Sender\r\n"
                        + "Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n",
                64L << 20);
        MailImpl mail = MailImpl.builder().name("bounce").sender(MaybeSender.nullSender())
                .addRecipient("bob@example.org").build();
        mail.setMessageNoCopy(new MimeMessageWrapper(source));
        try {
            Map<String, Object> report = MailReports.of(mail);

            assertThat(report).isNotNull();
            assertThat(source.read()).as("octets read of a message of %d", source.getMessageSize())
                    .isLessThanOrEqualTo(ReportLimits.DEFAULT_MAX_OCTETS + (1 << 20));
        } finally {
            mail.dispose();
        }
    }
}
