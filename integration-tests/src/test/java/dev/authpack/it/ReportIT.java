package dev.authpack.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * IsOobBounce, IsArfReport and LogReport in a real James, with the mailets of conf-samples/report-snippet.xml as
 * they are in the root processor: a DSN and a text bounce to bounce.example.com are logged (the JSON lines of the
 * authpack.report logger are captured) and kept in the {@code bounces} repository; an ARF report to
 * fbl.example.com is logged and dropped; a report to relay.example.com is logged and relayed; ordinary mail and a
 * vacation reply to bounce.example.com are not matched, not logged, and relayed ({@code outgoing}); a DMARC
 * aggregate report (gzip attachment) to dmarc.example.com is matched by IsDmarcReport, logged as one summary line
 * and kept in the {@code dmarc-reports} repository. The client
 * (127.0.0.1) may relay by the sample relay policy.
 */
class ReportIT {
    private static final ListAppender<ILoggingEvent> LINES = new ListAppender<>();

    @RegisterExtension
    static final JamesExtension JAMES = new JamesExtension(b -> b
            .edit("mailetcontainer.xml", ReportIT::withSnippet));

    @BeforeAll
    static void captureLog() {
        LINES.start();
        Logger logger = (Logger) LoggerFactory.getLogger("authpack.report");
        // as docs/LogReport.md says: the logger must be at INFO (this harness' root level is WARN)
        logger.setLevel(Level.INFO);
        logger.addAppender(LINES);
    }

    @AfterAll
    static void release() {
        ((Logger) LoggerFactory.getLogger("authpack.report")).detachAppender(LINES);
    }

    static String withSnippet(String xml) {
        String snippet;
        try {
            snippet = Files.readString(Locations.confSamples().resolve("report-snippet.xml"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(snippet).contains("IsOobBounce=bounce.example.com", "IsArfReport=fbl.example.com", "class=\"Null\"",
                "file://var/mail/bounces/");
        String postmaster = "<mailet match=\"All\" class=\"PostmasterAlias\"/>";
        assertThat(xml).as("mailetcontainer.xml template").contains(postmaster);
        assertThat(snippet).contains("IsDmarcReport=dmarc.example.com", "file://var/mail/dmarc-reports/");
        return xml.replace(postmaster, snippet.replace("file://var/mail/", "memory://var/mail/") + postmaster);
    }

    private static String dsn(String id) {
        return ("From: Mail Delivery System <MAILER-DAEMON@mx.remote.example>\n"
                + "To: bounces+1@bounce.example.com\nSubject: Undelivered Mail Returned to Sender\n"
                + "Message-ID: <" + id + ">\nMIME-Version: 1.0\n"
                + "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
                + "--B\nContent-Type: text/plain\n\nYour message could not be delivered.\n\n"
                + "--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.remote.example\n\n"
                + "Final-Recipient: rfc822; gone@remote.example\nAction: failed\nStatus: 5.1.1\n"
                + "Diagnostic-Code: smtp; 550 5.1.1 user unknown (in reply to RCPT TO command)\n\n"
                + "--B\nContent-Type: text/rfc822-headers\n\nFrom: news@james.test\nTo: gone@remote.example\n"
                + "Subject: News\nMessage-ID: <orig-" + id + ">\n\n--B--\n").replace("\n", "\r\n");
    }

    private static String textBounce(String id) {
        return ("From: Mail Delivery System <Mailer-Daemon@mx.remote.example>\nTo: bounces+2@bounce.example.com\n"
                + "Subject: Mail delivery failed: returning message to sender\nMessage-ID: <" + id + ">\n"
                + "Auto-Submitted: auto-replied\nX-Failed-Recipients: full@remote.example\n\n"
                + "This message was created automatically by mail delivery software.\n\n"
                + "A message that you sent could not be delivered to one or more of its\n"
                + "recipients. This is a permanent error. The following address(es) failed:\n\n"
                + "  full@remote.example\n    host mx.remote.example [192.0.2.9]\n"
                + "    SMTP error from remote mail server after RCPT TO:<full@remote.example>:\n"
                + "    552 5.2.2 Mailbox full\n").replace("\n", "\r\n");
    }

    private static String arf(String id, String to) {
        return ("From: Feedback Loop <fbl@isp.example>\nTo: " + to + "\nSubject: FW: News\n"
                + "Message-ID: <" + id + ">\nMIME-Version: 1.0\n"
                + "Content-Type: multipart/report; report-type=feedback-report; boundary=\"F\"\n\n"
                + "--F\nContent-Type: text/plain\n\nThis is an email abuse report.\n\n"
                + "--F\nContent-Type: message/feedback-report\n\nFeedback-Type: abuse\nUser-Agent: Gen/1.0\n"
                + "Version: 1\nOriginal-Mail-From: <bounces+3@bounce.example.com>\n"
                + "Original-Rcpt-To: <user@isp.example>\nSource-IP: 192.0.2.1\n\n"
                + "--F\nContent-Type: message/rfc822\n\nFrom: news@james.test\nTo: user@isp.example\n"
                + "Subject: News\nMessage-ID: <orig-" + id + ">\n\nHello\n--F--\n").replace("\n", "\r\n");
    }

    private static String ordinary(String id, String extraFields) {
        return ("From: Alice <alice@remote.example>\nTo: bounces+4@bounce.example.com\nSubject: Out of office\n"
                + extraFields + "Message-ID: <" + id + ">\n\nI am away; my last message was not delivered?\n")
                .replace("\n", "\r\n");
    }

    private static void send(String sender, String recipient, String message) {
        RawMail.create().mailFrom(sender).rcptTo(recipient).send(JAMES.server(), message);
    }

    private static Predicate<DeliveredMail> withId(String id) {
        return m -> m.headers("Message-ID").contains("<" + id + ">");
    }

    private static DeliveredMail await(String repository, String id) {
        return JAMES.server().awaitMail(repository, withId(id), AuthpackJames.DEFAULT_DELIVERY_TIMEOUT);
    }

    private static boolean isIn(String repository, String id) {
        return JAMES.server().mails(repository).stream().anyMatch(withId(id));
    }

    private static List<String> linesAbout(String text) {
        synchronized (LINES) {
            return LINES.list.stream().map(ILoggingEvent::getFormattedMessage).filter(l -> l.contains(text)).toList();
        }
    }

    private static String id() {
        return UUID.randomUUID() + "@it.example";
    }

    @Test
    void dsnIsLoggedAndKept() {
        String id = id();
        send("", "bounces+1@bounce.example.com", dsn(id));
        DeliveredMail mail = await("bounces", id);
        assertThat(mail.attribute("authpack.report", "type")).hasValue("dsn");
        assertThat(linesAbout("<orig-" + id + ">")).singleElement().asString()
                .startsWith("{\"type\":\"Bounce\"").contains("\"recipient\":\"gone@remote.example\"",
                        "\"enhanced_code\":\"5.1.1\"", "\"bounce_classification\":\"userunknown\"",
                        "\"hard_bounce\":true", "\"source\":\"rfc3464\"", "\"sender\":\"\"",
                        "\"reception_recipients\":[\"bounces+1@bounce.example.com\"]");
        assertThat(isIn("outgoing", id)).isFalse();
    }

    @Test
    void textBounceIsLoggedAndKept() {
        String id = id();
        send("", "bounces+2@bounce.example.com", textBounce(id));
        DeliveredMail mail = await("bounces", id);
        assertThat(mail.attribute("authpack.report", "source")).hasValue("text");
        assertThat(linesAbout("\"id\":\"" + mail.name() + "\"")).singleElement().asString()
                .contains("\"recipient\":\"full@remote.example\"", "\"enhanced_code\":\"5.2.2\"",
                        "\"code\":552", "\"bounce_classification\":\"mailboxfull\"", "\"hard_bounce\":false");
    }

    @Test
    void arfIsLoggedAndDropped() throws InterruptedException {
        String id = id();
        String marker = "<orig-" + id + ">";
        send("fbl@isp.example", "fbl@fbl.example.com", arf(id, "fbl@fbl.example.com"));
        awaitLine(marker);
        assertThat(linesAbout(marker)).singleElement().asString().startsWith("{\"type\":\"Feedback\"")
                .contains("\"feedback_type\":\"abuse\"", "\"source_ip\":\"192.0.2.1\"",
                        "\"original_rcpt_to\":[\"<user@isp.example>\"]");
        // Null ends it right after the line: once ordinary mail sent after it has been relayed, it is nowhere
        String sentinel = id();
        send("alice@remote.example", "bounces+5@bounce.example.com", ordinary(sentinel, ""));
        await("outgoing", sentinel);
        for (String repository : List.of("outgoing", "delivered", "bounces", "error")) {
            assertThat(isIn(repository, id)).as(repository).isFalse();
        }
    }

    @Test
    void reportToTheRelayDomainIsLoggedAndRelayed() {
        String id = id();
        send("fbl@isp.example", "desk@relay.example.com", arf(id, "desk@relay.example.com"));
        DeliveredMail mail = await("outgoing", id);
        assertThat(mail.attribute("authpack.report", "type")).hasValue("arf");
        assertThat(linesAbout("<orig-" + id + ">")).singleElement().asString().startsWith("{\"type\":\"Feedback\"");
    }

    private static String dmarcReport(String id, String reportId) throws IOException {
        String xml = "<?xml version=\"1.0\"?>\n<feedback><report_metadata><org_name>receiver.example</org_name>"
                + "<email>dmarc@receiver.example</email><report_id>" + reportId + "</report_id><date_range>"
                + "<begin>1700000000</begin><end>1700086399</end></date_range></report_metadata>"
                + "<policy_published><domain>james.test</domain><p>reject</p></policy_published>"
                + "<record><row><source_ip>192.0.2.66</source_ip><count>7</count><policy_evaluated>"
                + "<disposition>reject</disposition><dkim>fail</dkim><spf>fail</spf></policy_evaluated></row>"
                + "<identifiers><header_from>james.test</header_from></identifiers><auth_results><spf>"
                + "<domain>evil.example</domain><result>pass</result></spf></auth_results></record>"
                + "<record><row><source_ip>192.0.2.10</source_ip><count>3</count><policy_evaluated>"
                + "<disposition>none</disposition><dkim>pass</dkim><spf>pass</spf></policy_evaluated></row>"
                + "<identifiers><header_from>james.test</header_from></identifiers></record></feedback>\n";
        java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(gz)) {
            out.write(xml.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return ("From: noreply-dmarc-support@receiver.example\nTo: rua@dmarc.example.com\n"
                + "Subject: Report domain: james.test Submitter: receiver.example Report-ID: " + reportId + "\n"
                + "Message-ID: <" + id + ">\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"R\"\n\n"
                + "--R\nContent-Type: text/plain\n\nThis is an aggregate report from receiver.example.\n"
                + "--R\nContent-Type: application/gzip\nContent-Transfer-Encoding: base64\n"
                + "Content-Disposition: attachment; filename=\"receiver.example!james.test!1700000000!1700086399.xml.gz\"\n\n"
                + java.util.Base64.getMimeEncoder(76, new byte[]{'\n'}).encodeToString(gz.toByteArray())
                + "\n--R--\n").replace("\n", "\r\n");
    }

    @Test
    void dmarcAggregateReportIsMatchedLoggedAndKept() throws IOException {
        String id = id();
        String reportId = "rid-" + UUID.randomUUID();
        send("noreply-dmarc-support@receiver.example", "rua@dmarc.example.com", dmarcReport(id, reportId));
        DeliveredMail mail = await("dmarc-reports", id);
        assertThat(mail.attribute("authpack.report", "type")).hasValue("dmarc_aggregate");
        assertThat(linesAbout(reportId)).singleElement().asString().startsWith("{\"type\":\"DmarcAggregate\"")
                .contains("\"org_name\":\"receiver.example\"", "\"policy_domain\":\"james.test\"",
                        "\"total_messages\":10", "\"dkim_unaligned\":7", "\"spf_unaligned\":7",
                        "\"dmarc_failing\":7", "\"top_failing_sources\":[{\"source_ip\":\"192.0.2.66\",\"count\":7}]",
                        "\"reception_recipients\":[\"rua@dmarc.example.com\"]");
        assertThat(isIn("outgoing", id)).isFalse();
        // the same Subject without the report attached is ordinary mail: relayed, not logged
        String plain = id();
        send("alice@remote.example", "rua@dmarc.example.com", ordinary(plain, "")
                .replace("Subject: Out of office", "Subject: Report domain: james.test Submitter: x Report-ID: y")
                .replace("bounces+4@bounce.example.com", "rua@dmarc.example.com"));
        DeliveredMail relayed = await("outgoing", plain);
        assertThat(linesAbout(relayed.name())).isEmpty();
        assertThat(isIn("dmarc-reports", plain)).isFalse();
    }

    @Test
    void ordinaryMailAndVacationRepliesAreRelayedUnlogged() {
        String plain = id();
        String vacation = id();
        send("alice@remote.example", "bounces+4@bounce.example.com", ordinary(plain, ""));
        send("alice@remote.example", "bounces+4@bounce.example.com",
                ordinary(vacation, "Auto-Submitted: auto-replied\n"));
        DeliveredMail plainMail = await("outgoing", plain);
        DeliveredMail vacationMail = await("outgoing", vacation);
        assertThat(plainMail.attribute("authpack.report")).isEmpty();
        assertThat(vacationMail.attribute("authpack.report", "type")).isNotEqualTo(java.util.Optional.of("dsn"));
        assertThat(linesAbout(plainMail.name())).isEmpty();
        assertThat(linesAbout(vacationMail.name())).isEmpty();
        assertThat(isIn("bounces", plain)).isFalse();
        assertThat(isIn("bounces", vacation)).isFalse();
    }

    /** Waits for a captured line containing {@code text} (the mail is processed after the SMTP session). */
    private static void awaitLine(String text) throws InterruptedException {
        long end = System.nanoTime() + AuthpackJames.DEFAULT_DELIVERY_TIMEOUT.toNanos();
        while (linesAbout(text).isEmpty() && System.nanoTime() < end) {
            Thread.sleep(20);
        }
    }
}
