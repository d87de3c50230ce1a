package dev.authpack.report;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** DMARC aggregate reports (RFC 7489 §7.2): recognition in e-mails and files, leniency, and the hardening. */
class AggregateReportTest {
    private static final ReportParser PARSER = new ReportParser();

    static String xml(String records) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <feedback>
                  <report_metadata><org_name>Receiver</org_name><email>dmarc@receiver.example</email>
                    <report_id>r-1</report_id><date_range><begin>1700000000</begin><end>1700086399</end></date_range>
                    <error>one</error></report_metadata>
                  <policy_published><domain>example.com</domain><adkim>R</adkim><aspf>s</aspf><p>Reject</p>
                    <pct>100</pct></policy_published>
                """ + records + "</feedback>\n";
    }

    static String record(String ip, int count, String dkim, String spf) {
        return "<record><row><source_ip>" + ip + "</source_ip><count>" + count + "</count><policy_evaluated>"
                + "<disposition>NONE</disposition><dkim>" + dkim + "</dkim><spf>" + spf + "</spf>"
                + "<reason><type>forwarded</type><comment></comment></reason></policy_evaluated></row>"
                + "<identifiers><header_from>example.com</header_from><envelope_from>bounce.example.com"
                + "</envelope_from></identifiers><auth_results><dkim><domain>example.com</domain>"
                + "<selector>s1</selector><result>PASS</result></dkim><spf><domain>bounce.example.com</domain>"
                + "<scope>mfrom</scope><result>SoftFail</result></spf></auth_results></record>\n";
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    static byte[] zip(String name, byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry(name));
            zip.write(data);
            zip.closeEntry();
        }
        return out.toByteArray();
    }

    /** A report e-mail as reporters send it: a text part and the report attached, base64. */
    static byte[] mail(String subject, String type, String fileName, byte[] attachment) {
        String b64 = Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(attachment);
        return ("From: noreply@receiver.example\r\nTo: rua@example.com\r\nSubject: " + subject + "\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
                + "--b1\r\nContent-Type: text/plain\r\n\r\nThis is an aggregate report.\r\n"
                + "--b1\r\nContent-Type: " + type + "\r\nContent-Transfer-Encoding: base64\r\n"
                + "Content-Disposition: attachment; filename=\"" + fileName + "\"\r\n\r\n" + b64 + "\r\n--b1--\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    static final String SUBJECT = "Report Domain: example.com Submitter: receiver.example Report-ID: <r-1>";

    @Test
    void readsAndNormalisesAReport() {
        Report report = PARSER.parseFile(xml(record("192.0.2.1", 3, "fail", "pass")
                + record("192.0.2.2", 5, "FAIL", "fail")).getBytes(StandardCharsets.UTF_8), null);
        assertThat(report).isInstanceOf(AggregateReport.class);
        AggregateReport a = (AggregateReport) report;
        assertThat(a.compression()).isEqualTo("none");
        assertThat(a.metadata().orgName()).isEqualTo("Receiver");
        assertThat(a.metadata().begin()).isEqualTo(1700000000L);
        assertThat(a.metadata().errors()).containsExactly("one");
        assertThat(a.policy().adkim()).isEqualTo("r");
        assertThat(a.policy().p()).isEqualTo("reject");
        assertThat(a.policy().np()).isNull();
        AggregateReport.Row row = a.records().get(1);
        assertThat(row.disposition()).isEqualTo("none");
        assertThat(row.dkim()).isEqualTo("fail");
        assertThat(row.reasons()).containsExactly(new AggregateReport.Reason("forwarded", null));
        assertThat(row.dkimResults()).containsExactly(new AggregateReport.DkimResult("example.com", "s1", "pass", null));
        assertThat(row.spfResults()).containsExactly(
                new AggregateReport.SpfResult("bounce.example.com", "mfrom", "softfail", null));
        assertThat(a.totalMessages()).isEqualTo(8);
        assertThat(ReportFields.of(a).get("summary").toString())
                .contains("total_messages=8", "dkim_unaligned=8", "spf_unaligned=5", "dmarc_failing=5",
                        "top_failing_sources=[{source_ip=192.0.2.2, count=5}]");
    }

    @Test
    void recognisesAGzipAttachmentInAnEmail() throws IOException {
        byte[] gz = gzip(xml(record("192.0.2.1", 1, "pass", "pass")).getBytes(StandardCharsets.UTF_8));
        Report report = PARSER.parse(mail(SUBJECT, "application/gzip", "r!example.com!1!2.xml.gz", gz), "dmarc@r.example");
        assertThat(report).isInstanceOf(AggregateReport.class);
        assertThat(((AggregateReport) report).compression()).isEqualTo("gzip");
        assertThat(((AggregateReport) report).fileName()).isEqualTo("r!example.com!1!2.xml.gz");
        // an octet-stream with a .zip name, and a top-level body
        byte[] zip = zip("r.xml", xml("").getBytes(StandardCharsets.UTF_8));
        assertThat(PARSER.parse(mail(SUBJECT, "application/octet-stream", "r.zip", zip)))
                .isInstanceOf(AggregateReport.class);
        String top = "From: a@b.example\r\nSubject: hello\r\nContent-Type: application/zip\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n" + Base64.getMimeEncoder().encodeToString(zip) + "\r\n";
        assertThat(ReportParser.mayBeReport(name -> name.equals("Content-Type") ? "application/zip" : null, null))
                .isTrue();
        assertThat(PARSER.parse(top.getBytes(StandardCharsets.US_ASCII))).isInstanceOf(AggregateReport.class);
    }

    @Test
    void theSubjectIsAHintNotProof() {
        byte[] noAttachment = ("From: x@y.example\r\nSubject: " + SUBJECT + "\r\n\r\nnothing attached\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        assertThat(PARSER.parse(noAttachment)).isInstanceOf(NotAReport.class)
                .extracting(r -> ((NotAReport) r).kind()).isEqualTo(NotAReport.Kind.ORDINARY);
        // XML attached whose root is not <feedback>
        byte[] html = mail(SUBJECT, "text/xml", "r.xml", "<html><body/></html>".getBytes(StandardCharsets.US_ASCII));
        Report report = PARSER.parse(html);
        assertThat(report).isInstanceOf(NotAReport.class);
        assertThat(((NotAReport) report).reason()).contains("XML root is <html>, not <feedback>");
    }

    @Test
    void emptyFilesAreRejectedWithAReason() {
        assertThat(PARSER.parseFile(new byte[0], null)).isEqualTo(
                new NotAReport(NotAReport.Kind.UNPARSEABLE, "empty file"));
        assertThat(((NotAReport) PARSER.parseFile("  \n".getBytes(StandardCharsets.US_ASCII), null)).kind())
                .isEqualTo(NotAReport.Kind.UNPARSEABLE);
    }

    @Test
    void billionLaughsIsNotExpanded() {
        StringBuilder dtd = new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE feedback [\n <!ENTITY lol \"lol\">\n");
        for (int i = 1; i <= 9; i++) {
            dtd.append(" <!ENTITY lol").append(i).append(" \"").append(("&lol" + (i == 1 ? "" : i - 1) + ";")
                    .repeat(10)).append("\">\n");
        }
        String bomb = dtd + "]>\n<feedback><report_metadata><org_name>&lol9;</org_name></report_metadata></feedback>";
        long start = System.nanoTime();
        Report report = PARSER.parseFile(bomb.getBytes(StandardCharsets.US_ASCII), null);
        assertThat(report).isInstanceOf(NotAReport.class);
        assertThat(((NotAReport) report).reason()).contains("DOCTYPE");
        assertThat(System.nanoTime() - start).isLessThan(1_000_000_000L);
        // the parser itself, were the DOCTYPE check bypassed, refuses the DTD too
        assertThatThrownBy(() -> AggregateXml.readForTest(bomb)).isInstanceOf(javax.xml.stream.XMLStreamException.class);
    }

    @Test
    void externalEntitiesAreNeverRead() throws IOException {
        java.nio.file.Path secret = java.nio.file.Files.createTempFile("authpack-xxe", ".txt");
        java.nio.file.Files.writeString(secret, "TOP-SECRET-CONTENT");
        try {
            String xxe = "<?xml version=\"1.0\"?>\n<!DOCTYPE feedback [<!ENTITY x SYSTEM \"" + secret.toUri()
                    + "\">]>\n<feedback><report_metadata><org_name>&x;</org_name></report_metadata></feedback>";
            Report report = PARSER.parseFile(xxe.getBytes(StandardCharsets.US_ASCII), null);
            assertThat(report).isInstanceOf(NotAReport.class);
            assertThat(ReportFields.of(report).toString()).doesNotContain("TOP-SECRET");
            assertThatThrownBy(() -> AggregateXml.readForTest(xxe))
                    .isInstanceOf(javax.xml.stream.XMLStreamException.class)
                    .satisfies(e -> assertThat(String.valueOf(e.getMessage())).doesNotContain("TOP-SECRET"));
            // an undeclared entity without a DTD is text after repair, never a read
            String bare = xml("").replace("<org_name>Receiver", "<org_name>&x;");
            Report lenient = PARSER.parseFile(bare.getBytes(StandardCharsets.US_ASCII), null);
            assertThat(((AggregateReport) lenient).metadata().orgName()).isEqualTo("&x;");
        } finally {
            java.nio.file.Files.delete(secret);
        }
    }

    @Test
    void gzipAndZipBombsAreRejectedNotExpanded() throws IOException {
        byte[] zeros = new byte[40 * 1024 * 1024];
        byte[] gz = gzip(zeros);
        assertThat(gz.length).isLessThan(100_000);
        for (byte[] file : new byte[][]{gz, zip("bomb.xml", zeros)}) {
            Report bare = PARSER.parseFile(file, null);
            assertThat(bare).isInstanceOf(NotAReport.class);
            assertThat(((NotAReport) bare).kind()).isEqualTo(NotAReport.Kind.UNPARSEABLE);
            assertThat(((NotAReport) bare).reason()).contains("decompression bomb");
            Report mail = PARSER.parse(mail(SUBJECT, "application/gzip", "bomb.xml.gz", file));
            assertThat(((NotAReport) mail).reason()).contains("aggregate report unreadable", "decompression bomb");
        }
        // the ratio: 2 MiB of XML from 10 KB is more than 100 times, beyond the 1 MiB floor
        byte[] padded = xml("<!--" + " ".repeat(2 * 1024 * 1024) + "-->").getBytes(StandardCharsets.US_ASCII);
        Report ratio = PARSER.parseFile(gzip(padded), null);
        assertThat(((NotAReport) ratio).reason()).contains("100 times the compressed size");
        // the same within a larger ratio is read
        ReportParser lax = new ReportParser(ReportLimits.DEFAULTS.withAggregate(10, 10, 4 * 1024 * 1024, 100_000));
        assertThat(lax.parseFile(gzip(padded), null)).isInstanceOf(AggregateReport.class);
    }

    @Test
    void recordsAndResultsAreBounded() {
        StringBuilder records = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            records.append(record("192.0.2." + i, 1, "pass", "pass"));
        }
        String manyDkim = "<dkim><domain>d.example</domain><result>fail</result></dkim>".repeat(300);
        records.append(record("198.51.100.1", 1, "fail", "fail").replace("<auth_results>",
                "<auth_results>" + manyDkim));
        ReportParser small = new ReportParser(ReportLimits.DEFAULTS.withAggregate(60, 20, 1 << 20, 100));
        AggregateReport a = (AggregateReport) small.parseFile(xml(records.toString()).getBytes(StandardCharsets.UTF_8), null);
        assertThat(a.records()).hasSize(51);
        assertThat(a.records().get(50).dkimResults()).hasSize(20);
        assertThat(a.truncated()).isTrue();
        ReportParser fewer = new ReportParser(ReportLimits.DEFAULTS.withAggregate(10, 20, 1 << 20, 100));
        AggregateReport b = (AggregateReport) fewer.parseFile(xml(records.toString()).getBytes(StandardCharsets.UTF_8), null);
        assertThat(b.records()).hasSize(10);
        assertThat(b.truncated()).isTrue();
        assertThat(((AggregateReport) PARSER.parseFile(xml("").getBytes(StandardCharsets.UTF_8), null)).truncated())
                .isFalse();
    }

    @Test
    void strayMarkupIsReadLenientlyAndGarbageNeverThrows() {
        String broken = xml(record("192.0.2.1", 1, "fail", "fail")).replace("<email>dmarc@receiver.example",
                "<email><bad@x.example>");
        AggregateReport a = (AggregateReport) PARSER.parseFile(broken.getBytes(StandardCharsets.UTF_8), null);
        assertThat(a.metadata().email()).isEqualTo("<bad@x.example>");
        assertThat(a.problem()).startsWith("not well-formed XML");
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 300; i++) {
            byte[] junk = xml(record("192.0.2.1", 1, "pass", "pass")).getBytes(StandardCharsets.UTF_8);
            for (int k = 0; k < 1 + random.nextInt(20); k++) {
                junk[random.nextInt(junk.length)] = (byte) random.nextInt(256);
            }
            Report r = PARSER.parseFile(junk, null);
            assertThat(r).isNotNull();
            assertThat(ReportFields.of(r)).containsKey("type");
        }
        assertThat(PARSER.parseFile(new byte[]{0x1f, (byte) 0x8b, 1, 2, 3}, null)).isInstanceOf(NotAReport.class);
        assertThat(PARSER.parseFile(new byte[]{'P', 'K', 3, 4, 9, 9}, null)).isInstanceOf(NotAReport.class);
    }
}
