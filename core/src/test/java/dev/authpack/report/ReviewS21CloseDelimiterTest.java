package dev.authpack.report;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A close delimiter followed on its line by "--" and the boundary again ("--b--b", boundary "b"). RFC 2046 §5.1.1
 * (note to implementors: a delimiter is matched at the beginning of a line, "an exact match of the entire
 * candidate line is not required") and mime4j read the line as the close delimiter "--b--" and skip the rest of
 * it: what follows is the epilogue, which no client shows. MimeScan took the second "--b" for a delimiter inside a
 * line and made its second '-' text ("--b-~b"): the close marker was gone, mime4j 0.8.9 then read the whole line
 * as text (after the boundary it wants "--", blanks or the line end), and the epilogue became the text part's
 * text: forged delivery-status fields for ceo@victim.example, which the report parsers read from a text part as
 * a common malformation, where a client shows nothing (helper 89, s21).
 */
class ReviewS21CloseDelimiterTest {
    private static final String EPILOGUE = "Content-Type: message/delivery-status\r\n\r\n"
            + "Reporting-MTA: dns; mx.victim.example\r\n\r\nFinal-Recipient: rfc822; ceo@victim.example\r\n"
            + "Action: failed\r\nStatus: 5.1.1\r\n";

    private static String report(String closeLine) {
        return "From: someone@sender.example\r\nTo: a@example.com\r\nSubject: Undelivered mail\r\n"
                + "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n"
                + "--b\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
                + closeLine + "\r\n" + EPILOGUE;
    }

    @Test
    void whatFollowsACloseDelimiterOnItsLineIsNoDelimiter() {
        for (String close : new String[] {"--b--b", "--b--b--", "--b----b", "--b-- --b", "--b--b--b"}) {
            byte[] bytes = report(close).getBytes(StandardCharsets.ISO_8859_1);
            MimeScan scan = MimeScan.of(bytes, ReportLimits.DEFAULTS);
            assertThat(scan.parts()).as(close).extracting(MimeScan.Part::mimeType).containsExactly("text/plain");
            assertThat(scan.parts().get(0).text()).as(close).doesNotContain("ceo@victim.example");
            assertThat(scan.problem()).as(close).isNull();
            // the report read is the one read from the plain close delimiter a client sees
            assertThat(new ReportParser().parse(bytes, "")).as(close)
                    .isEqualTo(new ReportParser().parse(report("--b--").getBytes(StandardCharsets.ISO_8859_1), ""));
        }
    }

    /** The same for boundary "-", whose close delimiter "-----" followed by '-' holds "---" once more. */
    @Test
    void theCloseDelimiterOfBoundaryDashFollowedByADash() {
        String message = "From: someone@sender.example\r\nTo: a@example.com\r\nSubject: Undelivered mail\r\n"
                + "Content-Type: multipart/report; report-type=delivery-status; boundary=\"-\"\r\n\r\n"
                + "---\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
                + "------\r\n" + EPILOGUE;
        MimeScan scan = MimeScan.of(message.getBytes(StandardCharsets.ISO_8859_1), ReportLimits.DEFAULTS);
        assertThat(scan.parts()).extracting(MimeScan.Part::mimeType).containsExactly("text/plain");
        assertThat(scan.parts().get(0).text()).doesNotContain("ceo@victim.example");
        assertThat(scan.problem()).isNull();
    }
}
