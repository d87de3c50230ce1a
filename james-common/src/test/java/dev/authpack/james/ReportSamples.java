package dev.authpack.james;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;

/** Reports and non-reports for the tests of IsOobBounce, IsArfReport, IsDmarcReport, LogReport and MailReports. */
public final class ReportSamples {
    /** An RFC 3464 DSN: one failed recipient (5.1.1) and one delivered. */
    public static final String DSN = """
            From: Mail Delivery System <MAILER-DAEMON@mx.example.net>
            To: bounces+42@bounce.example.com
            Subject: Undelivered Mail Returned to Sender
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="B"

            --B
            Content-Type: text/plain

            I'm sorry to have to inform you that your message could not be delivered.

            --B
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mx.example.net

            Final-Recipient: rfc822; gone@example.net
            Action: failed
            Status: 5.1.1
            Diagnostic-Code: smtp; 550 5.1.1 <gone@example.net>: Recipient address rejected: User unknown

            Final-Recipient: rfc822; here@example.net
            Action: delivered
            Status: 2.0.0

            --B
            Content-Type: text/rfc822-headers

            From: news@example.com
            To: gone@example.net
            Subject: Our news
            Message-ID: <news-1@example.com>

            --B--
            """;

    /** An Exim text bounce with X-Failed-Recipients. */
    public static final String TEXT_BOUNCE = """
            From: Mail Delivery System <Mailer-Daemon@mx.example.net>
            To: bounces+43@bounce.example.com
            Subject: Mail delivery failed: returning message to sender
            Auto-Submitted: auto-replied
            X-Failed-Recipients: full@example.net

            This message was created automatically by mail delivery software.

            A message that you sent could not be delivered to one or more of its
            recipients. This is a permanent error. The following address(es) failed:

              full@example.net
                host mx.example.net [192.0.2.9]
                SMTP error from remote mail server after RCPT TO:<full@example.net>:
                552 5.2.2 Mailbox full

            ------ This is a copy of the message, including all the headers. ------

            From: news@example.com
            To: full@example.net
            Subject: Our news
            Message-ID: <news-2@example.com>

            Hello
            """;

    /** An RFC 5965 abuse report. */
    public static final String ARF = """
            From: Feedback Loop <fbl@isp.example>
            To: fbl@fbl.example.com
            Subject: FW: Our news
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=feedback-report; boundary="F"

            --F
            Content-Type: text/plain

            This is an email abuse report.

            --F
            Content-Type: message/feedback-report

            Feedback-Type: abuse
            User-Agent: SomeGenerator/1.0
            Version: 1
            Original-Mail-From: <bounces+44@bounce.example.com>
            Original-Rcpt-To: <user@isp.example>
            Source-IP: 192.0.2.1
            Reported-Domain: example.com

            --F
            Content-Type: message/rfc822

            From: news@example.com
            To: user@isp.example
            Subject: Our news
            Message-ID: <news-3@example.com>

            Hello
            --F--
            """;

    /** Ordinary mail to a bounce domain. */
    public static final String ORDINARY = """
            From: Alice <alice@example.org>
            To: bounces+45@bounce.example.com
            Subject: Question about the newsletter
            Message-ID: <q@example.org>

            Could you tell me why my message was not delivered last week?
            """;

    /** An RFC 3834 vacation reply to a bounce address. */
    public static final String VACATION = """
            From: Bob <bob@example.net>
            To: bounces+46@bounce.example.com
            Subject: Out of office: Our news
            Auto-Submitted: auto-replied

            I am away until Monday; your message will not be read before then.
            """;

    private ReportSamples() {
    }

    /** The XML of a DMARC aggregate report (RFC 7489 §7.2): 10 messages, 7 failing DMARC from 192.0.2.66. */
    public static final String DMARC_XML = """
            <?xml version="1.0" encoding="UTF-8"?>
            <feedback>
              <report_metadata><org_name>receiver.example</org_name><email>dmarc@receiver.example</email>
                <report_id>rid-7</report_id><date_range><begin>1700000000</begin><end>1700086399</end></date_range>
              </report_metadata>
              <policy_published><domain>example.com</domain><adkim>r</adkim><aspf>r</aspf><p>reject</p></policy_published>
              <record><row><source_ip>192.0.2.10</source_ip><count>3</count><policy_evaluated><disposition>none</disposition>
                <dkim>pass</dkim><spf>fail</spf></policy_evaluated></row><identifiers><header_from>example.com</header_from>
                </identifiers><auth_results><dkim><domain>example.com</domain><selector>s1</selector><result>pass</result></dkim>
                <spf><domain>example.com</domain><result>fail</result></spf></auth_results></record>
              <record><row><source_ip>192.0.2.66</source_ip><count>7</count><policy_evaluated><disposition>reject</disposition>
                <dkim>fail</dkim><spf>fail</spf></policy_evaluated></row><identifiers><header_from>example.com</header_from>
                </identifiers><auth_results><spf><domain>evil.example</domain><result>pass</result></spf></auth_results></record>
            </feedback>
            """;

    /** A report e-mail as Google sends them: the RFC 7489 §7.2.1.1 Subject and the XML gzipped, base64. */
    public static final String DMARC = dmarcMail(DMARC_XML);

    /** {@link #DMARC} with other XML attached. */
    public static String dmarcMail(String xml) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out)) {
            gz.write(xml.getBytes(StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return "From: noreply-dmarc-support@receiver.example\n"
                + "To: rua@dmarc.example.com\n"
                + "Subject: Report domain: example.com Submitter: receiver.example Report-ID: rid-7\n"
                + "MIME-Version: 1.0\n"
                + "Content-Type: multipart/mixed; boundary=\"R\"\n\n"
                + "--R\nContent-Type: text/plain\n\nThis is an aggregate report from receiver.example.\n"
                + "--R\nContent-Type: application/gzip\nContent-Transfer-Encoding: base64\n"
                + "Content-Disposition: attachment; filename=\"receiver.example!example.com!1700000000!1700086399.xml.gz\"\n\n"
                + java.util.Base64.getMimeEncoder(76, new byte[]{'\n'}).encodeToString(out.toByteArray())
                + "\n--R--\n";
    }

    public static byte[] bytes(String message) {
        return message.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    public static MimeMessage message(String message) throws MessagingException {
        return MimeMessageBytes.from(bytes(message));
    }
}
