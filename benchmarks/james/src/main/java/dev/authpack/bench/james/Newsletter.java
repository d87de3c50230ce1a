package dev.authpack.bench.james;

import java.util.Random;

/**
 * A newsletter of about {@value #TARGET_SIZE} octets: multipart/alternative, a plain text and an HTML part, as a
 * mailing-list tool sends it. Lines are short, single-spaced and without trailing white space.
 */
final class Newsletter {
    /** Rough size of a message before signing, in octets. */
    static final int TARGET_SIZE = 10_000;
    private static final String[] WORDS = {"authentication", "results", "newsletter", "weekly", "digest", "update",
        "release", "notes", "community", "server", "mail", "delivery", "policy", "report", "domain", "signature",
        "header", "message", "reader", "subscribe", "archive", "feature", "security", "performance"};

    private Newsletter() {
    }

    /**
     * The unsigned message number {@code n} from {@code news@<domain>} to {@code recipient}; the text depends
     * on {@code n} only, so runs are repeatable.
     */
    static String text(String domain, String recipient, long n) {
        Random random = new Random(n);
        String boundary = "=_bench_" + n;
        StringBuilder plain = new StringBuilder();
        StringBuilder html = new StringBuilder("<html><body>\r\n");
        int item = 0;
        while (plain.length() + html.length() < TARGET_SIZE - 1_000) {
            item++;
            String title = sentence(random, 5);
            String text = sentence(random, 12) + "\r\n" + sentence(random, 12) + "\r\n";
            plain.append("* ").append(title).append("\r\n").append(text).append("\r\n");
            html.append("<h2>").append(title).append("</h2>\r\n<p>").append(text).append("<a href=\"https://")
                    .append(domain).append("/issue/").append(n).append("/").append(item).append("\">more</a></p>\r\n");
        }
        html.append("</body></html>\r\n");
        return "From: Bench News <news@" + domain + ">\r\n"
                + "To: <" + recipient + ">\r\n"
                + "Subject: Bench newsletter " + n + "\r\n"
                + "Date: Sun, 06 Dec 2026 00:00:00 +0000\r\n"
                + "Message-ID: <bench-" + n + "@" + domain + ">\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n"
                + "List-Id: <news." + domain + ">\r\n"
                + "List-Unsubscribe: <https://" + domain + "/unsubscribe>\r\n"
                + "\r\n"
                + "--" + boundary + "\r\n"
                + "Content-Type: text/plain; charset=us-ascii\r\n"
                + "\r\n"
                + plain
                + "--" + boundary + "\r\n"
                + "Content-Type: text/html; charset=us-ascii\r\n"
                + "\r\n"
                + html
                + "--" + boundary + "--\r\n";
    }

    private static String sentence(Random random, int words) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < words; i++) {
            s.append(i == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
        }
        return s.toString();
    }
}
