package dev.authpack.report;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Final review s20 (attacker): AggregateXml.repair, run when the first read fails (one stray '&' is enough), looks
 * at each '<' with MARKUP, whose "(?:\s+[^<>]*)?/?>" can split a run of white space between its two quantifiers in
 * as many ways as the run is long, and backtracks over the rest for each: quadratic in a run of spaces that does
 * not end in '>', outside the parse deadline.
 */
class ReviewS20FinalRepairTest {
    static long millis(int spaces) {
        String xml = "<feedback>&amp;&<report_metadata><a" + " ".repeat(spaces) + "<x/></report_metadata></feedback>";
        long t0 = System.nanoTime();
        Report r = new ReportParser().parseFile(xml.getBytes(StandardCharsets.US_ASCII), null);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println(spaces + " spaces: " + ms + " ms, " + ReportFields.of(r).get("type") + " "
                + ReportFields.of(r).get("reason"));
        return ms;
    }

    @Test
    void aRunOfSpacesAfterAStrayTagStartIsLinear() {
        millis(2_000);
        millis(8_000);
        assertThat(millis(32_000)).as("32,000 spaces, within the 1 s parse deadline").isLessThan(1_500);
    }

    /** The same through the matchers' path: an e-mail whose Subject is RFC 7489's, the XML as its text/xml body. */
    @Test
    void theSameInAReportMail() {
        String xml = "<feedback><a" + " ".repeat(32_000) + "<x/></feedback>";
        String mail = "From: dmarc@reporter.example\r\nTo: rua@example.com\r\n"
                + "Subject: Report Domain: example.com Submitter: reporter.example Report-ID: 1\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: text/xml\r\n\r\n" + xml + "\r\n";
        long t0 = System.nanoTime();
        Report r = new ReportParser().parse(mail.getBytes(StandardCharsets.US_ASCII), "dmarc@reporter.example");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("mail of " + mail.length() + " octets: " + ms + " ms, " + ReportFields.of(r));
        assertThat(ms).as("a 32 KB report mail, within the 1 s parse deadline").isLessThan(1_500);
    }
}
