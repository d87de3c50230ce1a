package dev.authpack.authres;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review s17: a message whose FIRST line ends with a bare LF is never read as a CRLF-only reader reads it
 * (AuthResultsRewrite: crlfReaders = !usesBareLf), though its later lines may end with CR LF. A CRLF-only reader
 * (the reading docs/security.md promises for "a CRLF message") still reads every line after a CR LF as a field.
 */
class ReviewS17RewriteTest {
    private static final String ID = "mx.example.org";
    private static final String OURS = "Authentication-Results: mx.example.org;\r\n\tspf=pass smtp.mailfrom=a.example";

    /** Fields of a CRLF-only reader, up to its empty line: [name-and-body text]. */
    static List<String> crlfOnlyFields(String m) {
        List<String> fields = new ArrayList<>();
        int pos = 0;
        StringBuilder cur = null;
        while (pos < m.length()) {
            int e = m.indexOf("\r\n", pos);
            String line = e < 0 ? m.substring(pos) : m.substring(pos, e);
            pos = e < 0 ? m.length() : e + 2;
            if (line.isEmpty()) {
                break;
            }
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && cur != null) {
                cur.append("\r\n").append(line);
            } else {
                if (cur != null) {
                    fields.add(cur.toString());
                }
                cur = new StringBuilder(line);
            }
        }
        if (cur != null) {
            fields.add(cur.toString());
        }
        return fields;
    }

    /** Fields of a CRLF-only reader claiming our id: ours among them. */
    static long claims(String out) {
        return crlfOnlyFields(out).stream().filter(f -> {
            int colon = f.indexOf(':');
            if (colon < 0) {
                return false;
            }
            String name = f.substring(0, colon).strip();
            return name.equalsIgnoreCase("Authentication-Results") && AuthServIds.claims(f.substring(colon + 1), ID);
        }).count();
    }

    /**
     * No forged field claims our id for a CRLF-only reader: the one field claiming it is ours, first and exactly as
     * written (with LF line ends, that reader ran ours on into the message's first line: two claims, ours not whole).
     */
    private static void onlyOursClaims(String out) {
        assertThat(crlfOnlyFields(out)).as(out).first().isEqualTo(OURS);
        assertThat(claims(out)).as(out).isEqualTo(1);
    }

    private static String rewrite(String message) {
        return new String(AuthResultsRewrite.rewrite(message.getBytes(StandardCharsets.UTF_8), ID, OURS).message(),
                StandardCharsets.UTF_8);
    }

    /** A forged field only a CRLF-only reader sees (name folded over a bare LF), first line ending in a bare LF. */
    @Test
    void forgedFieldAfterCrlfSurvivesWhenFirstLineEndsInBareLf() {
        String message = "X-First: a\nFrom: a@example.com\r\n"
                + "Authentication-Results\n: mx.example.org; dkim=pass header.d=paypal.com\r\n"
                + "Subject: s\r\n\r\nbody\r\n";
        onlyOursClaims(rewrite(message));
    }

    /** The s16 "\n\r\n" header end, first line ending in a bare LF: the CRLF-only reader reads on into the body. */
    @Test
    void crlfOnlyReaderReadsForgedFieldInBodyWhenFirstLineEndsInBareLf() {
        String message = "X-First: a\nFrom: a@example.com\r\nSubject: s\n\r\n"
                + "Authentication-Results: mx.example.org; dkim=pass header.d=paypal.com\r\n\r\nbody\r\n";
        onlyOursClaims(rewrite(message));
    }
}
