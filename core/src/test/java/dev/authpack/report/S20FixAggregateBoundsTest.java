package dev.authpack.report;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Session 20 fixes of the final review's findings on aggregate reports (H1, H4, L3) and the report package's
 * regular expressions (H2): the bounds hold and what they drop is still counted.
 */
class S20FixAggregateBoundsTest {
    private static final ReportParser PARSER = new ReportParser();

    private static String record(String ip, long count, String dkim, String spf, String results) {
        return "<record><row><source_ip>" + ip + "</source_ip><count>" + count + "</count><policy_evaluated>"
                + "<disposition>none</disposition><dkim>" + dkim + "</dkim><spf>" + spf + "</spf></policy_evaluated>"
                + "</row><identifiers><header_from>example.com</header_from></identifiers><auth_results>" + results
                + "</auth_results></record>";
    }

    private static AggregateReport aggregate(ReportParser parser, String records) {
        String xml = "<feedback><report_metadata><org_name>r.example</org_name></report_metadata>"
                + "<policy_published><domain>example.com</domain></policy_published>" + records + "</feedback>";
        return (AggregateReport) parser.parseFile(xml.getBytes(StandardCharsets.UTF_8), null);
    }

    /** H1: records past maxKeptResults are not kept but counted; the first ones are kept whole. */
    @Test
    void recordsBeyondTheResultBudgetAreOnlyCounted() {
        String dkim = "<dkim><domain>d.example</domain><result>pass</result></dkim>".repeat(10);
        StringBuilder records = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            records.append(record("192.0.2." + i, 3, "fail", "fail", dkim));
        }
        ReportParser small = new ReportParser(ReportLimits.DEFAULTS.withKeptResults(55));
        AggregateReport a = aggregate(small, records.toString());
        assertThat(a.records()).hasSize(5);
        assertThat(a.records()).allSatisfy(r -> assertThat(r.dkimResults()).hasSize(10));
        assertThat(a.truncated()).isTrue();
        assertThat(a.summary().records()).isEqualTo(20);
        assertThat(a.totalMessages()).isEqualTo(60);
        assertThat(a.summary().dmarcFailing()).isEqualTo(60);
        assertThat(a.summary().topFailingSources()).hasSize(AggregateReport.TOP_FAILING_SOURCES);
        Map<?, ?> summary = (Map<?, ?>) ReportFields.of(a).get("summary");
        assertThat(summary.get("records")).isEqualTo(20L);
        assertThat(summary.get("records_kept")).isEqualTo(5L);
        // within the budget nothing is dropped
        AggregateReport all = aggregate(PARSER, records.toString());
        assertThat(all.records()).hasSize(20);
        assertThat(all.truncated()).isFalse();
    }

    /** H1: the plain-value tree (the mail attribute) lists the first ReportFields.LISTED_RECORDS records. */
    @Test
    void theAttributeListsTheFirstRecordsAndTheCommandLineMore() {
        StringBuilder records = new StringBuilder();
        for (int i = 0; i < 150; i++) {
            records.append(record("198.51.100." + (i % 250), 1, "pass", "pass", ""));
        }
        AggregateReport a = aggregate(PARSER, records.toString());
        assertThat(a.records()).hasSize(150);
        assertThat((List<?>) ReportFields.of(a).get("records")).hasSize(ReportFields.LISTED_RECORDS);
        assertThat((List<?>) ReportFields.of(a, ReportLimits.DEFAULT_MAX_RECORDS).get("records")).hasSize(150);
        assertThat(((Map<?, ?>) ReportFields.of(a).get("summary")).get("records")).isEqualTo(150L);
        // and at most ReportFields.LISTED_RESULTS results in all
        String many = "<dkim><domain>d.example</domain></dkim>".repeat(60);
        StringBuilder heavy = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            heavy.append(record("198.51.100." + i, 1, "pass", "pass", many + many.replace("dkim", "spf")));
        }
        AggregateReport b = aggregate(PARSER, heavy.toString());
        assertThat(b.records()).hasSize(30);
        assertThat((List<?>) ReportFields.of(b).get("records")).hasSize(ReportFields.LISTED_RESULTS / 120);
        assertThat((List<?>) ReportFields.of(b, 1000).get("records")).hasSize(30);
    }

    /**
     * H1: only elements at their place in the schema are kept, each once unless it repeats there; an element out of
     * place (here 10,000 report_metadata-like elements inside a record, and a second row) costs nothing.
     */
    @Test
    void elementsOutOfPlaceAndRepeatedSingletonsAreSkipped() {
        String stray = "<org_name>x</org_name>".repeat(10_000);
        String rec = record("192.0.2.9", 4, "pass", "fail", "<spf><domain>s.example</domain></spf>")
                .replace("<row>", stray + "<row>")
                .replace("</row>", "</row><row><source_ip>203.0.113.1</source_ip><count>99</count></row>");
        AggregateReport a = aggregate(PARSER, rec);
        assertThat(a.records()).singleElement().satisfies(r -> {
            assertThat(r.sourceIp()).isEqualTo("192.0.2.9");
            assertThat(r.count()).isEqualTo(4);
            assertThat(r.spfResults()).extracting(AggregateReport.SpfResult::domain).containsExactly("s.example");
        });
        assertThat(a.metadata().orgName()).isEqualTo("r.example");
        assertThat(a.truncated()).isFalse();
    }

    /** L3: a count beyond MAX_COUNT (or too long for a long) is MAX_COUNT; totals stop there. */
    @Test
    void countsAreCapped() {
        AggregateReport a = aggregate(PARSER, record("192.0.2.1", 5, "pass", "pass", "")
                .replace("<count>5</count>", "<count>123456789012345678901234567890</count>")
                + record("192.0.2.2", 7, "pass", "pass", ""));
        assertThat(a.records().get(0).count()).isEqualTo(AggregateReport.MAX_COUNT);
        assertThat(a.totalMessages()).isEqualTo(AggregateReport.MAX_COUNT);
        assertThat(new AggregateReport.Row(null, Long.MAX_VALUE, null, null, null, List.of(), null, null, null,
                List.of(), List.of()).count()).isEqualTo(AggregateReport.MAX_COUNT);
    }

    /** H4: the entries skipped to reach the report count against the same bound as the report. */
    @Test
    void skippedZipEntriesCountAgainstTheBound() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("readme.txt"));
            zip.write("read me".getBytes(StandardCharsets.US_ASCII));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("padding.bin"));
            zip.write(new byte[20 << 20]);
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("report.xml"));
            zip.write("<feedback></feedback>".getBytes(StandardCharsets.US_ASCII));
            zip.closeEntry();
        }
        Report r = PARSER.parseFile(out.toByteArray(), null);
        assertThat(r).isInstanceOf(NotAReport.class);
        assertThat(((NotAReport) r).reason()).contains("zip expands beyond", "decompression bomb");
        // a small skipped entry before the report is fine
        ByteArrayOutputStream ok = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(ok)) {
            zip.putNextEntry(new ZipEntry("dir/"));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("readme.txt"));
            zip.write("read me".getBytes(StandardCharsets.US_ASCII));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("report.xml"));
            zip.write("<feedback><version>1.0</version></feedback>".getBytes(StandardCharsets.US_ASCII));
            zip.closeEntry();
        }
        assertThat(((AggregateReport) PARSER.parseFile(ok.toByteArray(), null)).version()).isEqualTo("1.0");
    }

    /** H2: the repair's MARKUP accepts what it accepted (tags with and without attributes) and escapes the rest. */
    @Test
    void repairKeepsMarkupAndEscapesStrayCharacters() {
        assertThat(AggregateXml.repair("<a x='1'>&<b/><c \t/>< d<e></e>&amp;</a>", Deadline.NONE))
                .isEqualTo("<a x='1'>&amp;<b/><c \t/>&lt; d<e></e>&amp;</a>");
        assertThat(AggregateXml.repair("<!-- c --><?pi?><![CDATA[x]]><a" + " ".repeat(10) + "<", Deadline.NONE))
                .isEqualTo("<!-- c --><?pi?><![CDATA[x]]>&lt;a" + " ".repeat(10) + "&lt;");
    }

    /**
     * Regexes on attacker text: DsnParser's BRACKETS ("[>\"]+$") was quadratic in a run of '>' that does not end the
     * value (120,000 of them: seconds, inside one field group, so past the deadline's checks).
     */
    @Test
    void aRunOfClosingBracketsInADsnAddressIsLinear() {
        String dsn = "From: MAILER-DAEMON@mx.example.net\r\nTo: s@example.org\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n"
                + "--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.net\r\n\r\n"
                + "Final-Recipient: rfc822; <\"gone@example.com" + ">".repeat(120_000) + "x\"\r\n"
                + "Action: failed\r\nStatus: 5.1.1\r\n\r\n--B--\r\n";
        long t0 = System.nanoTime();
        Report r = PARSER.parse(dsn.getBytes(StandardCharsets.US_ASCII), "");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ms).as("parse time").isLessThan(1_500);
        assertThat(r).isInstanceOf(DeliveryReport.class);
        assertThat(((DeliveryReport) r).recipients().get(0).finalRecipient()).startsWith("gone@example.com>>");
    }
}
