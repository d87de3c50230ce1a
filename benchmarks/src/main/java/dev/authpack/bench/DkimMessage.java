package dev.authpack.bench;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * The unsigned message of the DKIM benchmarks: a newsletter of about 10 KB as a mail server receives it, with CRLF
 * line endings, two Received fields, the usual originator, destination, identification and list fields, and a
 * multipart/alternative body (a quoted-printable text/plain part and a text/html part). The prose is pseudo-random
 * words from a fixed seed, so every run measures the same bytes. A few lines end in spaces or tabs and some have
 * runs of spaces, so relaxed canonicalization has work to do, as with real mail.
 */
public final class DkimMessage {
    /** The message is built up to this size, not over (header and body, before any DKIM-Signature is added). */
    public static final int TARGET_OCTETS = 10 * 1024;

    private static final String CRLF = "\r\n";
    private static final String BOUNDARY = "=_b7a2f0c94e1d3a66_alt";
    private static final List<String> WORDS = List.of(
            "the", "release", "of", "our", "new", "mail", "server", "brings", "faster", "delivery", "and",
            "better", "filtering", "for", "every", "team", "we", "have", "improved", "reports", "with", "clear",
            "charts", "your", "account", "settings", "now", "include", "options", "to", "manage", "domains",
            "keys", "and", "signatures", "in", "one", "place", "customers", "asked", "about", "quotas", "so",
            "this", "month", "limits", "grow", "at", "no", "cost", "read", "more", "on", "blog", "join",
            "webinar", "next", "week", "questions", "answered", "by", "engineers", "thank", "you", "using",
            "service", "security", "update", "migration", "guide", "archive", "calendar", "invoice", "support");

    private DkimMessage() {
    }

    /** The message bytes (a new array each call; the content is always the same). */
    public static byte[] newsletter() {
        return newsletter(0);
    }

    /**
     * Variant {@code variant} of the newsletter: the same layout with its own prose (its own random seed) and its
     * own Message-ID, so a corpus of variants has distinct bodies and distinct signatures. Variant 0 is
     * {@link #newsletter()}.
     */
    public static byte[] newsletter(int variant) {
        Random random = new Random(20240611L + variant);
        StringBuilder m = new StringBuilder(TARGET_OCTETS + 1024);
        header(m, "Return-Path: <bounces+4711@news.example.com>");
        header(m, "Received: from mail-out.example.com (mail-out.example.com [192.0.2.25])\r\n"
                + "\tby mx.example.net (Postfix) with ESMTPS id 4Vz2kQ1xYdz9sWq\r\n"
                + "\tfor <alice@example.net>; Tue, 11 Jun 2024 09:15:02 +0000 (UTC)");
        header(m, "Received: from app17.internal.example.com (app17.internal.example.com [10.1.4.17])\r\n"
                + "\tby mail-out.example.com (Postfix) with ESMTP id 8C1F2A0031\r\n"
                + "\tfor <alice@example.net>; Tue, 11 Jun 2024 09:15:01 +0000 (UTC)");
        header(m, "From: \"Example News\" <news@example.com>");
        header(m, "Reply-To: Example Support <support@example.com>");
        header(m, "To: Alice Example <alice@example.net>");
        header(m, "Subject: =?UTF-8?Q?June_update:_faster_delivery,_new_reports_and_more?=");
        header(m, "Date: Tue, 11 Jun 2024 09:15:00 +0000");
        header(m, "Message-ID: <20240611091500." + (4711 + variant) + ".3f9c2b7e@news.example.com>");
        header(m, "MIME-Version: 1.0");
        header(m, "Content-Type: multipart/alternative;\r\n boundary=\"" + BOUNDARY + "\"");
        header(m, "List-Id: Example News <news.example.com>");
        header(m, "List-Unsubscribe: <https://news.example.com/u/4711/3f9c2b7e>,\r\n"
                + " <mailto:unsubscribe+4711@news.example.com>");
        header(m, "List-Unsubscribe-Post: List-Unsubscribe=One-Click");
        header(m, "X-Mailer: Example Mailer 4.2");
        m.append(CRLF);
        m.append("This is a multi-part message in MIME format.").append(CRLF).append(CRLF);

        m.append("--").append(BOUNDARY).append(CRLF);
        m.append("Content-Type: text/plain; charset=utf-8").append(CRLF);
        m.append("Content-Transfer-Encoding: quoted-printable").append(CRLF).append(CRLF);
        m.append("Hello Alice,").append(CRLF).append(CRLF);
        int textEnd = m.length() + 3600;
        int paragraph = 0;
        while (m.length() < textEnd) {
            for (String line : paragraph(random, 5 + random.nextInt(4), 72)) {
                m.append(line);
                // some lines keep trailing whitespace, as editors and templates leave it
                m.append(paragraph % 3 == 1 ? " \t" : "").append(CRLF);
            }
            m.append(CRLF);
            paragraph++;
        }
        m.append("Read online: https://news.example.com/2024/06/?id=3D4711").append(CRLF);
        m.append("Unsubscribe: https://news.example.com/u/4711/3f9c2b7e").append(CRLF).append(CRLF);

        m.append("--").append(BOUNDARY).append(CRLF);
        m.append("Content-Type: text/html; charset=utf-8").append(CRLF);
        m.append("Content-Transfer-Encoding: 7bit").append(CRLF).append(CRLF);
        m.append("<!DOCTYPE html>").append(CRLF);
        m.append("<html><head><meta charset=\"utf-8\"><title>June update</title></head>").append(CRLF);
        m.append("<body style=\"font-family: Arial, sans-serif;  color: #222222;\">").append(CRLF);
        m.append("<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\">").append(CRLF);
        String closing = "</table>" + CRLF + "<p style=\"font-size: 12px; color: #777777;\">"
                + "<a href=\"https://news.example.com/u/4711/3f9c2b7e\">Unsubscribe</a></p>" + CRLF
                + "</body></html>" + CRLF + CRLF + "--" + BOUNDARY + "--" + CRLF;
        // article rows while a whole one fits, then a last row filled line by line up to the target size
        while (true) {
            StringBuilder row = new StringBuilder(1024);
            row.append("  <tr><td style=\"padding: 8px 16px;\">").append(CRLF);
            row.append("    <h2 style=\"margin: 0;\">").append(String.join(" ", paragraph(random, 1, 40)))
                    .append("</h2>").append(CRLF);
            for (String line : paragraph(random, 4 + random.nextInt(3), 70)) {
                row.append("    ").append(line).append(CRLF);
            }
            row.append("    <a href=\"https://news.example.com/2024/06/").append(random.nextInt(1000))
                    .append("\">Read more</a>").append(CRLF);
            row.append("  </td></tr>").append(CRLF);
            if (m.length() + row.length() + closing.length() > TARGET_OCTETS) {
                break;
            }
            m.append(row);
        }
        String open = "  <tr><td style=\"padding: 8px 16px;\">" + CRLF;
        String close = "  </td></tr>" + CRLF;
        m.append(open);
        while (true) {
            String line = "    " + paragraph(random, 1, 70).get(0) + CRLF;
            if (m.length() + line.length() + close.length() + closing.length() > TARGET_OCTETS) {
                break;
            }
            m.append(line);
        }
        m.append(close);
        m.append(closing);
        return m.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static void header(StringBuilder m, String field) {
        m.append(field).append(CRLF);
    }

    /** {@code lines} lines of words, each at most {@code width} characters. */
    private static List<String> paragraph(Random random, int lines, int width) {
        String[] out = new String[lines];
        for (int i = 0; i < lines; i++) {
            StringBuilder line = new StringBuilder(width);
            while (true) {
                String word = WORDS.get(random.nextInt(WORDS.size()));
                if (line.length() + 1 + word.length() > width) {
                    break;
                }
                // now and then two spaces between words (relaxed canonicalization reduces them to one)
                line.append(line.length() == 0 ? "" : random.nextInt(12) == 0 ? "  " : " ").append(word);
            }
            out[i] = line.toString();
        }
        return List.of(out);
    }
}
