package dev.authpack.authres;

import dev.authpack.mail.HeaderLines;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link HeaderFieldScan}'s fast path (a field whose line ends are all LF or CRLF is read once for both readings)
 * gives the very fields the two readings give when each is read on its own, as the scan did before it.
 */
class HeaderFieldScanTest {
    private static final String[] PIECES = {
        "Authentication-Results: mx.example.org; spf=pass", "authentication-results:x", " Authentication-Results :y",
        "X-Other: value", "From: a@example.com", "\r\n", "\n", "\r", "\r\r\n", " ", "\t", "a", ":", "\r\n ",
        "\n\t", "\r ", "\u0000Authentication-Results: z",
    };

    @Test
    void readsEveryFieldAsBothReadingsDoOnTheirOwn() {
        Random random = new Random(20261207);
        int withBareCr = 0;
        for (int n = 0; n < 50_000; n++) {
            StringBuilder header = new StringBuilder();
            int pieces = 1 + random.nextInt(14);
            for (int i = 0; i < pieces; i++) {
                header.append(PIECES[random.nextInt(PIECES.length)]);
            }
            String ending = switch (random.nextInt(3)) {
                case 0 -> "\r\n\r\nbody\r\n";
                case 1 -> "\n\nbody\n";
                default -> "";
            };
            byte[] message = (header + ending).getBytes(StandardCharsets.ISO_8859_1);
            if (header.toString().matches("(?s).*\r(?!\n).*")) {
                withBareCr++;
            }
            assertThat(scanned(message)).as("%s", header.toString().replace("\r", "<CR>").replace("\n", "<LF>"))
                    .isEqualTo(bothReadings(message));
        }
        assertThat(withBareCr).as("cases with a bare CR (the general path)").isGreaterThan(10_000);
    }

    @Test
    void plainFieldsAreReadOnce() {
        byte[] message = ("Received: from a\r\n\tby b\r\nAuthentication-Results: mx.example.org;\r\n spf=pass\r\n"
                + "Subject: x\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII);
        List<HeaderFieldScan.Field> fields = scanned(message);
        assertThat(fields).hasSize(3);
        assertThat(fields.get(1).body(message)).isEqualTo(" mx.example.org;\r\n spf=pass\r\n");
        assertThat(fields.get(1).lfBodyText(message)).isEqualTo(fields.get(1).body(message));
        assertThat(fields.get(0).body(message)).isNull();
        assertThat(fields.get(2).lfBodyText(message)).isNull();
    }

    private static List<HeaderFieldScan.Field> scanned(byte[] message) {
        List<HeaderFieldScan.Field> fields = new ArrayList<>();
        HeaderFieldScan.scan(message, fields::add);
        return fields;
    }

    /** The scan without the fast path: javax.mail's reading, then the LF-only one where a LF line starts. */
    private static List<HeaderFieldScan.Field> bothReadings(byte[] message) {
        List<HeaderFieldScan.Field> fields = new ArrayList<>();
        int pos = 0;
        while (pos < message.length && !HeaderLines.endsHeaderSection(message, pos)) {
            int end = HeaderLines.fieldEnd(message, pos);
            int bodyStart = body(message, pos, end);
            int lfEnd = end;
            int lfBody = -1;
            if (HeaderLines.startsLfLine(message, pos)) {
                int lfFieldEnd = HeaderLines.lfFieldEnd(message, pos, message.length);
                lfBody = body(message, pos, lfFieldEnd);
                lfEnd = lfBody >= 0 ? lfFieldEnd : end;
            }
            fields.add(new HeaderFieldScan.Field(pos, end, bodyStart, lfBody, lfEnd));
            pos = end;
        }
        return fields;
    }

    /** The body start of an Authentication-Results field in [start, end), as HeaderFieldScan decides it. */
    private static int body(byte[] message, int start, int end) {
        // the name rule (javax.mail's trim of octets up to space, case ignored), on the field's own octets
        byte[] field = java.util.Arrays.copyOfRange(message, start, end);
        int colon = -1;
        for (int i = 0; i < field.length; i++) {
            if (field[i] == ':') {
                colon = i;
                break;
            }
        }
        if (colon < 0) {
            return -1;
        }
        String name = new String(field, 0, colon, StandardCharsets.UTF_8).replaceAll("^[\\x00-\\x20]+|[\\x00-\\x20]+$", "");
        return name.equalsIgnoreCase(AuthResultsWriter.FIELD_NAME) ? start + colon + 1 : -1;
    }
}
