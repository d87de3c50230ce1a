package dev.authpack.report;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Final review s20 (attacker): DMARC aggregate reports within every documented limit (gzip ratio at most 100,
 * 16 MiB of XML, 10,000 records, 100 results per record, 1 s parse) that cost far more than a report should.
 */
class ReviewS20FinalAggregateTest {
    private static final Runtime RT = Runtime.getRuntime();

    static byte[] gzip(byte[] b) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(out)) {
            g.write(b);
        }
        return out.toByteArray();
    }

    /**
     * About {@code octets} of XML: records of 100 empty {@code <dkim/>} results each (10,000 records at most), and
     * enough random text in an element the parser skips that the gzip is within the ratio of 100.
     */
    static byte[] report(int octets) {
        StringBuilder sb = new StringBuilder("<feedback><report_metadata><org_name>x</org_name></report_metadata>");
        String record = "<record><row><source_ip>192.0.2.1</source_ip><count>1</count></row><auth_results>"
                + "<dkim/>".repeat(100) + "</auth_results></record>";
        for (int n = 0; n < 10_000 && sb.length() + record.length() < octets; n++) {
            sb.append(record);
        }
        Random random = new Random(1);
        sb.append("<x_padding>");
        for (int i = 0; i < octets / 45; i++) {
            sb.append((char) ('a' + random.nextInt(26)));
        }
        sb.append("</x_padding></feedback>");
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] mail(byte[] gz) {
        String b64 = Base64.getMimeEncoder().encodeToString(gz);
        return ("From: noreply-dmarc-support@google.com\r\nTo: rua@example.com\r\n"
                + "Subject: Report domain: example.com Submitter: google.com Report-ID: 1\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: application/gzip; name=\"r.xml.gz\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n" + b64 + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static long used() {
        System.gc();
        return RT.totalMemory() - RT.freeMemory();
    }

    /**
     * A report e-mail of ~110 KB (a gzip of 4 MiB of XML, ratio under 100): the parse and the tree that becomes the
     * authpack.report attribute of the mail hold hundreds of thousands of results, ~200 MB of heap and tens of MB
     * of JSON per mail. On s20-lead this fails.
     */
    @Test
    void aSmallReportMailDoesNotBecomeHundredsOfMegabytes() throws Exception {
        byte[] xml = report(4 * 1024 * 1024);
        byte[] gz = gzip(xml);
        byte[] message = mail(gz);
        assertThat((long) xml.length).isLessThan(100L * gz.length);
        assertThat(message.length).isLessThan(ReportLimits.DEFAULT_MAX_OCTETS);
        ReportParser parser = new ReportParser();
        parser.parse(message, "");   // warm up
        long before = used();
        Report r = parser.parse(message, "");
        Map<String, Object> fields = ReportFields.of(r);
        long retained = used() - before;
        String json = JsonLine.of(fields);
        System.out.println("mail " + message.length + " octets, xml " + xml.length + ", gzip " + gz.length + ": "
                + fields.get("type") + ", records " + (fields.get("records") instanceof List<?> l ? l.size() : -1)
                + ", retained " + retained / (1024 * 1024) + " MB, JSON " + json.length() + " chars");
        assertThat(retained).as("heap held by one report's parse and attribute tree").isLessThan(32L << 20);
        assertThat(json.length()).as("the authpack.report attribute as JSON").isLessThan(4 << 20);
    }

    /**
     * A zip of 1.8 MB: a first entry that is not .xml (read as the report), then entries of 600 MiB of zeros that are
     * neither read nor counted but inflated whole by ZipInputStream.getNextEntry to reach the next entry, outside the
     * ratio bound and the parse deadline. On s20-lead this takes seconds.
     */
    @Test
    void aSkippedZipEntryIsNotInflatedPastTheDeadline() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("readme.txt"));
            zip.write("<feedback></feedback>".getBytes(StandardCharsets.US_ASCII));
            zip.closeEntry();
            byte[] zeros = new byte[1 << 20];
            for (int e = 0; e < 3; e++) {
                zip.putNextEntry(new ZipEntry("pad" + e + ".bin"));
                for (int i = 0; i < 600; i++) {
                    zip.write(zeros);
                }
                zip.closeEntry();
            }
        }
        byte[] file = out.toByteArray();
        long t0 = System.nanoTime();
        Report r = new ReportParser().parseFile(file, null);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("zip " + file.length + " octets: " + ms + " ms, " + ReportFields.of(r).get("type"));
        assertThat(ms).as("bounded by the 1 s parse deadline (with room)").isLessThan(1500);
    }

    /** Counts are added up without a bound: ten records of 999999999999999999 messages wrap to a negative total. */
    @Test
    void totalsDoNotOverflow() {
        String record = "<record><row><source_ip>192.0.2.1</source_ip><count>999999999999999999</count>"
                + "<policy_evaluated><disposition>none</disposition><dkim>fail</dkim><spf>fail</spf>"
                + "</policy_evaluated></row><identifiers><header_from>example.com</header_from></identifiers>"
                + "</record>";
        String xml = "<feedback><policy_published><domain>example.com</domain></policy_published>"
                + record.repeat(10) + "</feedback>";
        Report r = new ReportParser().parseFile(xml.getBytes(StandardCharsets.US_ASCII), null);
        Map<?, ?> summary = (Map<?, ?>) ReportFields.of(r).get("summary");
        System.out.println(summary);
        assertThat((Long) summary.get("total_messages")).isNotNegative();
        assertThat((Long) summary.get("dmarc_failing")).isNotNegative();
    }
}
