package dev.authpack.report;

import dev.authpack.mail.DelimiterInsideALineCases;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * MimeScan's "delimiter inside a line" is {@link dev.authpack.mail.OctetSearch#eachInsideALine}, the same as
 * conformance.MimeTree's ({@code conformance.DelimiterInsideALineAgreementTest}: the same cases).
 */
class MimeScanInsideALineAgreementTest {
    @Test
    void mimeScanReadsTheSharedCases() {
        for (DelimiterInsideALineCases.Case c : DelimiterInsideALineCases.all()) {
            byte[] copy = c.message().clone();
            assertThat(MimeScan.neutraliseInsideLines(copy, c.delimiter())).as(c.name()).isEqualTo(c.inside());
        }
    }
}
