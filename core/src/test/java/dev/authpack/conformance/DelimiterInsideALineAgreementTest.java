package dev.authpack.conformance;

import dev.authpack.mail.DelimiterInsideALineCases;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * MimeTree's "delimiter inside a line" is {@link dev.authpack.mail.OctetSearch#insideALine}, the same as
 * report.MimeScan's ({@code report.MimeScanInsideALineAgreementTest}: the same cases). Before, an occurrence in
 * the close delimiter "-----" of boundary "-" counted: the message was not rebuilt (final review s21).
 */
class DelimiterInsideALineAgreementTest {
    @Test
    void mimeTreeReadsTheSharedCases() {
        for (DelimiterInsideALineCases.Case c : DelimiterInsideALineCases.all()) {
            MimeTree tree = MimeTree.parse(c.message(), ConformanceLimits.DEFAULT);
            assertThat(MimeTree.delimiterInsideALine(c.message(), tree.root())).as(c.name()).isEqualTo(c.inside());
        }
    }
}
