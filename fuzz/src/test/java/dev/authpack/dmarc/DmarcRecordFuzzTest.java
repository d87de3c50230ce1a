package dev.authpack.dmarc;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.authpack.fuzz.FuzzInput;

import static dev.authpack.fuzz.FuzzInput.check;

/**
 * {@link DmarcRecordParser} on arbitrary TXT record text.
 *
 * <p>Allowed: nothing is thrown (invalid tags are values: defaults plus {@link DmarcRecord#invalidTags()}).
 * Invariants: {@code pct} within 0..100, {@code ri} not negative, at most {@link DmarcRecordParser#MAX_REPORT_URIS}
 * URIs per tag, an invalid {@code p} is not also a policy, the record keeps its text.
 */
class DmarcRecordFuzzTest {

    @FuzzTest
    void parse(byte[] data) {
        fuzzerTestOneInput(data);
    }

    public static void fuzzerTestOneInput(byte[] data) {
        String txt = FuzzInput.text(data);
        boolean isRecord = DmarcRecordParser.isDmarcRecord(txt);
        DmarcRecord record = DmarcRecordParser.parse(txt, DmarcOptions.DEFAULT_MAX_RECORD_LENGTH);
        check(record.text().equals(txt), "text not kept", txt);
        check(record.pct() >= 0 && record.pct() <= 100, "pct out of range: " + record.pct(), txt);
        check(record.ri() >= 0, "negative ri", txt);
        check(record.rua().size() <= DmarcRecordParser.MAX_REPORT_URIS
                && record.ruf().size() <= DmarcRecordParser.MAX_REPORT_URIS, "too many report URIs", txt);
        check(!(record.isInvalid("p") && record.p() != null), "p both invalid and set", txt);
        if (isRecord && txt.length() <= DmarcOptions.DEFAULT_MAX_RECORD_LENGTH) {
            check(record.equals(DmarcRecordParser.parse(txt, DmarcOptions.DEFAULT_MAX_RECORD_LENGTH)),
                    "parsing is not deterministic", txt);
        }
    }
}
