package dev.authpack.dmarc;

import dev.authpack.dns.DomainNames;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.authpack.mail.HeaderField;
import dev.authpack.mail.MessageParseException;
import dev.authpack.mail.RawMessage;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.authpack.fuzz.FuzzInput.check;

/**
 * DMARC's best-effort From reading: {@link FromFieldScan#of(byte[])} on a raw message, then {@link DmarcAuthors#read}
 * the way {@link DmarcEvaluator} calls it (with the strict parser's From values when {@link RawMessage} accepts the
 * message, else without them and with its problem). The first byte is the bound on author domains (1 to 8); the
 * rest is the message, raw bytes.
 *
 * <p>Allowed: nothing is thrown. Invariants: the scan keeps at most {@code MAX_FROM_FIELDS} values and possible
 * continuations and at most {@code MAX_FROM_BYTES} characters of values, its values hold no CR or LF and are
 * trimmed; at most one domain past the bound, {@code tooMany} exactly when past it; every domain is already
 * normalised ({@code DomainNames.canonical(d).equals(d)}); the field count covers the scanned values;
 * complete as the scan; the same input gives an equal scan. Linear time: the one-second hang limit catches a
 * super-linear case.
 */
class FromFieldScanFuzzTest {

    @FuzzTest
    void read(byte[] data) {
        fuzzerTestOneInput(data);
    }

    public static void fuzzerTestOneInput(byte[] data) {
        if (data.length == 0) {
            return;
        }
        int max = 1 + (data[0] & 0x07);
        byte[] message = Arrays.copyOfRange(data, 1, data.length);
        String shown = new String(message, StandardCharsets.ISO_8859_1);

        FromFieldScan scan = FromFieldScan.of(message);
        check(scan.values().size() + scan.possibleContinuations().size() <= FromFieldScan.MAX_FROM_FIELDS,
                "too many From fields kept: " + scan.values().size() + " + " + scan.possibleContinuations().size(),
                shown);
        int chars = 0;
        for (String v : scan.values()) {
            chars += v.length();
            check(v.indexOf('\r') < 0 && v.indexOf('\n') < 0, "line break in From value '" + v + "'", shown);
            check(v.equals(v.strip()), "From value not trimmed '" + v + "'", shown);
        }
        check(chars <= FromFieldScan.MAX_FROM_BYTES, "From values too long: " + chars, shown);
        check(scan.equals(FromFieldScan.of(message)), "scan not deterministic", shown);

        List<String> strict = null;
        String problem = null;
        try {
            strict = new ArrayList<>();
            for (HeaderField f : RawMessage.parse(message).fields("From")) {
                strict.add(f.unfoldedValue());
            }
        } catch (MessageParseException e) {
            strict = null;
            problem = e.getMessage();
        }
        DmarcAuthors authors = DmarcAuthors.read(strict, scan, problem, max);
        check(authors.domains().size() <= max + 1, "too many domains: " + authors.domains().size(), shown);
        check(authors.tooMany() == authors.domains().size() > max, "tooMany " + authors, shown);
        check(authors.fields() >= scan.values().size(), "field count " + authors.fields(), shown);
        check(authors.complete() == scan.complete(), "complete " + authors, shown);
        for (String domain : authors.domains()) {
            String again;
            try {
                again = DomainNames.canonical(domain);
            } catch (IllegalArgumentException e) {
                throw new AssertionError("author domain '" + domain + "' is not a valid domain: " + e.getMessage()
                        + " (input " + shown + ")");
            }
            check(again.equals(domain), "author domain '" + domain + "' not normalised", shown);
        }
    }
}
