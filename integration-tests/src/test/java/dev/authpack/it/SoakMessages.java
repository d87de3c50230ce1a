package dev.authpack.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The message texts of the soak. Every message starts with {@code X-Soak-Id}, then one or two forged
 * {@code Authentication-Results} fields claiming our authserv-id (each variant marked {@value #FORGED_MARK}), and
 * sometimes an upstream server's field (marked {@value #UPSTREAM_MARK}) which must survive. Signed and sealed
 * templates are sent unchanged below those fields (no signature covers fields added on top).
 */
final class SoakMessages {
    static final String FORGED_MARK = "soak-forged";
    static final String UPSTREAM_MARK = "soak-upstream";
    static final String UPSTREAM_ID = "upstream.soak.example";
    private static final String ID = Expectations.SERVER_ID;

    /**
     * Forms of a field claiming our authserv-id that must all be removed (RFC 8601 §5; issue 9 item 2: case,
     * comments, version, folding, trailing dot, trailing junk). Name to field value.
     */
    static final Map<String, String> FORGED = Map.of(
            "exact", ID + "; spf=pass " + mark("exact") + " smtp.mailfrom=ceo@bank.example",
            "upper-case", "MX.JAMES.TEST; dkim=pass " + mark("upper-case") + " header.d=bank.example",
            "comment-first", mark("comment-first") + " " + ID + "; dmarc=pass header.from=bank.example",
            "version", ID + " 1; arc=pass " + mark("version"),
            "folded", ID + ";\r\n\tspf=pass " + mark("folded") + "\r\n\tsmtp.mailfrom=bank.example",
            "trailing-dot", ID + ".; dmarc=pass " + mark("trailing-dot") + " header.from=bank.example",
            "trailing-junk", ID + "/1; dmarc=pass " + mark("trailing-junk") + " header.from=bank.example");
    /** The variant hostile mail carries among its odd fields: folded before and after the authserv-id. */
    static final String HOSTILE_FORGED = "hostile-folded";
    private static final List<String> FORGED_NAMES = FORGED.keySet().stream().sorted().toList();

    /** Longest hostile line: under the 998 octets of RFC 5322 §2.1.1, so SMTP carries it. */
    static final int LONG_LINE = 990;
    /** Continuation lines of the long folded field. */
    static final int FOLDED_LINES = 200;
    /** Fields of the many-fields block. */
    static final int MANY_FIELDS = 300;

    /** What was put into one message, for checking its delivered copy. */
    record Sent(long id, SoakCategory category, List<String> forged, boolean upstream) {
        Sent {
            forged = List.copyOf(forged);
        }
    }

    /** One message: what it carries and its text. */
    record Built(Sent sent, String text) {
    }

    /** The signed and sealed messages, made once per run with {@code bin/authpack}. */
    record Templates(String dkimOk, String dkimChaos, String arcSealed) {
    }

    private final Templates templates;

    SoakMessages(Templates templates) {
        this.templates = templates;
    }

    /** The comment that marks a forged variant: {@code (soak-forged-<variant>)}. */
    static String mark(String variant) {
        return "(" + FORGED_MARK + "-" + variant + ")";
    }

    /** The envelope sender that names this message: {@code s<id>.<label>@<MAIL FROM domain>}. */
    static String sender(long id, SoakCategory c) {
        return "s" + id + "." + c.label() + "@" + c.mailFromDomain();
    }

    /** The id from an envelope sender made by {@link #sender}, or -1. */
    static long idOf(String sender) {
        int dot = sender.indexOf('.');
        if (!sender.startsWith("s") || dot < 2) {
            return -1;
        }
        try {
            return Long.parseLong(sender.substring(1, dot));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    Built build(long id, SoakCategory category, Random random) {
        List<String> forged = new ArrayList<>();
        int count = 1 + random.nextInt(2);
        for (int i = 0; i < count; i++) {
            forged.add(FORGED_NAMES.get(random.nextInt(FORGED_NAMES.size())));
        }
        boolean upstream = random.nextBoolean();
        StringBuilder top = new StringBuilder("X-Soak-Id: " + id + "\r\n");
        forged.forEach(f -> top.append("Authentication-Results: ").append(FORGED.get(f)).append("\r\n"));
        if (upstream) {
            top.append("Authentication-Results: ").append(UPSTREAM_ID).append("; spf=pass (").append(UPSTREAM_MARK)
                    .append(") smtp.mailfrom=").append(category.mailFromDomain()).append("\r\n");
        }
        String rest = switch (category.kind()) {
            case PLAIN -> plain(category, id, false, random);
            case HOSTILE -> plain(category, id, true, random);
            case DKIM -> category == SoakCategory.DKIM_OK ? templates.dkimOk() : templates.dkimChaos();
            case ARC -> templates.arcSealed();
        };
        if (category.kind() == SoakCategory.Kind.HOSTILE) {
            forged.add(HOSTILE_FORGED); // among the odd fields below, not on top
        }
        return new Built(new Sent(id, category, forged, upstream), top + rest);
    }

    /** The unsigned message every DKIM template is made from: From the category's domain. */
    static String unsigned(String fromDomain) {
        return "From: Soak News <news@" + fromDomain + ">\r\n"
                + "To: " + JamesExtension.ALICE + "\r\n"
                + "Subject: soak, signed by " + fromDomain + "\r\n"
                + "Date: Sun, 06 Dec 2026 00:00:00 +0000\r\n"
                + "Message-ID: <soak-template@" + fromDomain + ">\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=us-ascii\r\n"
                + "\r\n"
                + "A signed message, sent many times.\r\n"
                + ".a line SMTP dot-stuffs\r\n";
    }

    private static String plain(SoakCategory c, long id, boolean hostile, Random random) {
        TestMessage m = TestMessage.create().from("Soak <soak@" + c.domain() + ">").subject("soak " + id)
                .body("Message " + id + " of the soak (" + c.label() + ").\r\n");
        if (hostile) {
            hostileFields(m, random);
        }
        return m.text();
    }

    /** Some of: a line near the length limit, a long folded field, many fields, odd names, empty values. */
    private static void hostileFields(TestMessage m, Random random) {
        if (random.nextBoolean()) {
            m.header("X-Soak-Long", "x".repeat(LONG_LINE - "X-Soak-Long: ".length()));
        }
        if (random.nextBoolean()) {
            StringBuilder folded = new StringBuilder("start");
            for (int i = 0; i < FOLDED_LINES; i++) {
                folded.append("\r\n\t").append("fold ").append(i).append(' ').append("y".repeat(50));
            }
            m.header("X-Soak-Folded", folded.toString());
        }
        if (random.nextBoolean()) {
            for (int i = 0; i < MANY_FIELDS; i++) {
                m.header("X-Soak-Many-" + i, String.valueOf(i));
            }
        }
        m.header("X-Odd!#$%&'*+-.^_`|~", "odd but legal field name");
        m.header("X-Empty", "");
        m.header("X-Blank", "   \t");
        m.header("Received", "from evil (" + ID + " [127.0.0.1]) by " + ID + "; Sun, 06 Dec 2026 00:00:00 +0000");
        m.header("Authentication-Results", "\r\n " + ID + "\r\n ;\r\n spf=pass " + mark(HOSTILE_FORGED));
        m.header("ARC-Authentication-Results", "i=1; " + ID + "; dmarc=pass");
        m.header("Subject", "a second Subject field");
    }
}
