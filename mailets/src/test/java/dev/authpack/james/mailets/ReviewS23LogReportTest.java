package dev.authpack.james.mailets;

import dev.authpack.james.MailReports;
import dev.authpack.james.ReportSamples;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Session 23 attacker's review of LogReport's lines: the sender of a report is the attacker. */
class ReviewS23LogReportTest {
    /**
     * A genuine bounce is sent to one return path: the one VERP address of the message it returns. A report sent to
     * two VERP addresses at once (RCPT TO bounces+alice=... and bounces+bob=...) is about neither for sure, and
     * "the first" was whichever the sender named first: every line of the report said verp_recipient alice, the
     * address the docs called the one to trust. Several different VERP recipients now give null; the same one
     * twice (or a VERP address and a recipient that is none) still gives it. Failed before the fix.
     */
    @Test
    void severalDifferentVerpRecipientsNameNone() throws Exception {
        Mail two = FakeMail.builder().name("m").sender(MaybeSender.nullSender())
                .recipients(new MailAddress("bounces+alice=example.com@bounce.example.com"),
                        new MailAddress("bounces+bob=example.com@bounce.example.com"))
                .mimeMessage(ReportSamples.message(ReportSamples.DSN)).build();
        assertThat(LogReport.lines(two, MailReports.of(two), 0, LogReport.verp("bounces", "+")))
                .singleElement().asString().contains("\"verp_recipient\":null");

        Mail one = FakeMail.builder().name("m").sender(MaybeSender.nullSender())
                .recipients(new MailAddress("bounces+alice=example.com@bounce.example.com"),
                        new MailAddress("BOUNCES+Alice=Example.com@bounce2.example.com"),
                        new MailAddress("postmaster@bounce.example.com"))
                .mimeMessage(ReportSamples.message(ReportSamples.DSN)).build();
        List<String> lines = LogReport.lines(one, MailReports.of(one), 0, LogReport.verp("bounces", "+"));
        assertThat(lines).singleElement().asString().contains("\"verp_recipient\":\"alice@example.com\"");
    }
}
