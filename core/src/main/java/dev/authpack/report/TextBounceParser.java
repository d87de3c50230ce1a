package dev.authpack.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Non-standard (text) bounces: the family is recognised by its wording ({@link TextBounceFamily}), then failed
 * recipients are read generically from the per-recipient section: an address at the start of a line (optionally
 * in angle brackets or quotes, or after {@code RCPT TO:}) opens a recipient, whose diagnostic is the text that
 * follows up to the next recipient; the SMTP reply code and RFC 3463 status are taken from that text, and the
 * status inferred from the reason when absent. {@code X-Failed-Recipients} (Exim) gives the recipients when the
 * text has none.
 */
final class TextBounceParser {
    static final int MAX_DIAGNOSTIC_CHARS = 1000;

    /** The characters of an address's local part (as this parser reads one). */
    private static final String LOCAL_CHAR = "[A-Za-z0-9._%+\\-=/'!#$&*?^{|}~]";
    /**
     * An address. The local part is possessive ('@' is not one of its characters, so giving some back could never
     * help): a run of local-part characters without '@' is read once from each start, not once per length.
     */
    private static final String ADDRESS = LOCAL_CHAR + "++@[A-Za-z0-9](?:[A-Za-z0-9\\-.]*[A-Za-z0-9])?";
    /**
     * An address opening a line: {@code <a@b>:}, {@code "a@b"}, {@code a@b (reason)}, or after a short label
     * ({@code RCPT TO:<a@b>}, {@code Could not be delivered to: <a@b>}, {@code Recipient address: a@b}). The
     * leading {@code [>*-]++} is possessive: '-' and '*' are local-part characters too, and giving them back to the
     * address (which then fails at the same '@') made a line of dashes quadratic.
     */
    private static final Pattern RECIPIENT_LINE = Pattern.compile(
            "^\\s*(?:[>*-]++\\s*)?(?:(RCPT TO|[A-Za-z][A-Za-z0-9 ,'()-]{0,60}?)\\s*:\\s*)?"
                    + "[<\"']?(?:mailto:)?(" + ADDRESS + ")[>\"']?(?=$|[\\s:.,;()\\]>]|\\.\\.\\.)",
            Pattern.CASE_INSENSITIVE);
    /**
     * Header fields of the returned original that a notice repeats in its own text (Exchange's "To: ... Subject:
     * ... Sent: ..." above its recipient list, Messaging Server's header block): their values are whatever the
     * original's sender wrote, so a line labelled with one never names a recipient (review s23 R1).
     */
    private static final Set<String> ORIGINAL_FIELDS = Set.of("to", "cc", "bcc", "from", "sender", "reply-to",
            "subject", "sent", "date", "message-id", "message id", "in-reply-to", "references", "resent-to",
            "resent-cc", "resent-from", "resent-sender", "resent-date", "return-path", "delivered-to");
    /**
     * An address anywhere in a text: at most one per run of address characters (local-part characters and '@'),
     * read from the run's start (the address a later start in the same run would find ends at the same '@', so the
     * first start finds it or none does): each run is read once, linear time in a long run without '@' (was
     * quadratic). What follows an address that ends inside its run is garbage of the same word and not read as
     * another address (review s21: in {@code a@b_c@d@e}, "d@e" was found after the second '@', a different address
     * than the pattern before session 20 found; both were pieces of one word).
     */
    private static final Pattern ANY_ADDRESS = Pattern.compile("(?<!" + LOCAL_CHAR + "|@)" + ADDRESS);
    /**
     * An SMTP transcript's command or a sentence naming the refused recipient anywhere in a line
     * ({@code Sent <<< RCPT TO:<a@b>}, {@code rejected recipient <a@b>}, {@code undeliverable to a@b}).
     */
    private static final Pattern RCPT_TO = Pattern.compile(
            "(?:RCPT TO:\\s*|rejected recipient\\s+|undeliverable to\\s+|delivered to\\s+)<?(" + ADDRESS + ")",
            Pattern.CASE_INSENSITIVE);
    /**
     * Where a line quotes the refusing server's reply: an SMTP reply code, or "said:" ("Remote host said:", Postfix's
     * "host ... said:"). The reply's words are whoever runs that server (review s23 R4): an address after it, even
     * in "RCPT TO:" words, is not one the MTA names.
     */
    private static final Pattern REMOTE_REPLY = Pattern.compile("said:|" + Classifier.REPLY.pattern(),
            Pattern.CASE_INSENSITIVE);
    /**
     * Where the returned original starts in the text (the families' separators; Exim's "------ This is a copy of
     * the headers" of its DMARC failure report too). Linear time: tried at each line
     * start, the leading blanks are {@code [ \t\f\x0B]} ({@code \s} without the line ends: {@code \s*} ran over
     * every following empty line, quadratic in a run of them), and "--" is followed by a single {@code .*} (after
     * {@code -{2,}} the two quantifiers shared the dashes, quadratic in a line of dashes).
     */
    private static final String SEPARATOR =
            "^[ \\t\\f\\x0B]*(?:--.*(?:original message|copy of the (?:message|headers)|message follows|"
                    + "returned message|bounced e-?mail|headers of the original|undelivered message|"
                    + "message headers follow|Original-Message)|"
                    + "Original message follows|Below this line is a copy|"
                    + "------ This is a copy of the message|Content-Type: message/|"
                    + "bounced e-?mail:|The original message headers|Received: from|Return-Path:\\s*<)";
    private static final Pattern ORIGINAL_STARTS = Pattern.compile(
            SEPARATOR + "|^(?:Message-ID|MIME-Version|Date|Subject|From):",
            Pattern.CASE_INSENSITIVE | Pattern.MULTILINE);
    /**
     * Where the quoted original surely starts: a separator line, or the trace fields ({@code Received: from},
     * {@code Return-Path: <}) every relayed message's header opens with; not a bare {@code Subject:} or
     * {@code Date:} line, which a notice's own text may quote (x6's "Subject: '...'" above its recipients). What
     * comes after it is the original sender's text, never the bounce's wording nor its per-recipient section.
     */
    private static final Pattern QUOTED_ORIGINAL = Pattern.compile(SEPARATOR,
            Pattern.CASE_INSENSITIVE | Pattern.MULTILINE);
    private static final Set<String> NOT_RECIPIENTS = Set.of("mailer-daemon", "postmaster", "mail-daemon",
            "mailerdaemon", "noreply", "no-reply", "root", "abuse");

    /** At most this much of the bounce text is searched for per-recipient context and the fallback reason. */
    static final int MAX_CONTEXT_CHARS = 16 * 1024;

    private TextBounceParser() {
    }

    /**
     * What all recipients of one bounce share, computed once, so that the cost stays linear in the number of
     * recipients: the bounce's section (at most {@link #MAX_CONTEXT_CHARS}), whether it is a delay warning, and
     * (lazily) the reason its text gives and its first SMTP reply line.
     */
    static final class Context {
        private final String section;
        private final boolean delayed;
        private Reason fallback;
        private String replyLine;

        private final Reason meaning;
        private final Deadline deadline;

        Context(String wholeText) {
            this(wholeText, null, Deadline.NONE);
        }

        /** With the family's fixed meaning, if it has one, as the reason when a recipient's text gives none. */
        Context(String wholeText, TextBounceFamily family, Deadline deadline) {
            this.deadline = deadline;
            this.meaning = family == null ? null : family.meaning();
            String s = section(null, wholeText);
            this.section = s.length() > MAX_CONTEXT_CHARS ? s.substring(0, MAX_CONTEXT_CHARS) : s;
            // a warning's words in the bounce's own text, not in the original it quotes (the sender's: review s23)
            this.delayed = isDelay(wholeText.substring(0, quotedOriginalStart(wholeText)));
        }

        Reason fallback() {
            if (fallback == null) {
                fallback = meaning != null ? meaning : Classifier.fromText(section);
            }
            return fallback;
        }

        String replyLine() {
            if (replyLine == null) {
                replyLine = "";
                for (String line : section.split("\n")) {
                    if (Classifier.REPLY.matcher(line).find() && Classifier.statusIn(line) != null) {
                        replyLine = line.strip();
                        break;
                    }
                }
            }
            return replyLine;
        }
    }

    /**
     * The family whose wording the text has, or {@code null}: read from the subject and the bounce's own text, up
     * to where it surely quotes the returned original ({@link #quotedOriginalStart}), whose text is whoever sent it (review s23:
     * another family's wording there chose the family, and with it where the recipients were read).
     */
    static TextBounceFamily family(String subject, String text) {
        // a family's wording opens its notice: the subject and the first MAX_CONTEXT_CHARS of the text
        String head = text.length() > MAX_CONTEXT_CHARS ? text.substring(0, MAX_CONTEXT_CHARS) : text;
        head = head.substring(0, quotedOriginalStart(head));
        String haystack = (subject == null ? "" : subject) + "\n" + head;
        String lower = haystack.toLowerCase(Locale.ROOT);
        for (TextBounceFamily family : TextBounceFamily.ALL) {
            if (family.matches(haystack, lower)) {
                return family;
            }
        }
        return null;
    }

    /**
     * Failed recipients read from {@code text}; addresses in {@code excluded} (the bounce's own sender and
     * recipient, lower case) are never recipients.
     */
    static List<RecipientReport> recipients(TextBounceFamily family, String text, Context context,
                                            Set<String> excluded, int maxRecipients) {
        String section = section(family, text);
        Map<String, StringBuilder> diagnostics = new LinkedHashMap<>();
        StringBuilder current = null;
        // the indent of the line that opened the current recipient, and whether a remote reply was quoted since:
        // the lines indented deeper that follow it, up to an empty line, continue that reply (Postfix wraps it), the
        // remote server's words, whose addresses are not recipients (review s23 R4)
        int openIndent = 0;
        boolean inReply = false;
        for (String line : section.split("\n")) {
            context.deadline.check();
            if (line.isBlank()) {
                inReply = false;
                continue;
            }
            int indent = indent(line);
            boolean continuesReply = inReply && indent > openIndent;
            String address = continuesReply || line.indexOf('@') < 0 ? null : recipientAddress(line);
            if (address != null && !excluded.contains(address) && !isSystemAddress(address)) {
                StringBuilder existing = diagnostics.get(address);
                if (existing == null && diagnostics.size() < maxRecipients) {
                    existing = new StringBuilder();
                    diagnostics.put(address, existing);
                }
                current = existing;
                openIndent = indent;
                inReply = REMOTE_REPLY.matcher(line).find();
                // the whole line: a label before the address ("Unknown user: a@b") is often the reason
                append(current, line.strip());
                continue;
            }
            inReply = inReply || current != null && REMOTE_REPLY.matcher(line).find();
            append(current, line.strip());
        }
        List<RecipientReport> result = new ArrayList<>();
        diagnostics.forEach((address, diagnostic) -> result.add(recipient(address, diagnostic.toString().strip(),
                context)));
        return result;
    }

    /**
     * The address a line opens a recipient with ({@link #RECIPIENT_LINE}, else {@link #RCPT_TO}), lower case, or
     * {@code null}. Both need an address, so a line without '@' is not run through them.
     */
    private static String recipientAddress(String line) {
        Matcher m = RECIPIENT_LINE.matcher(line);
        if (m.find()) {
            String label = m.group(1);
            if (label != null && ORIGINAL_FIELDS.contains(label.strip().toLowerCase(Locale.ROOT))) {
                return null;
            }
            return m.group(2).toLowerCase(Locale.ROOT);
        }
        Matcher rcpt = RCPT_TO.matcher(line);
        if (!rcpt.find()) {
            return null;
        }
        // after a reply code or "said:" the line quotes the remote's reply: its words, not the MTA's
        if (REMOTE_REPLY.matcher(line).region(0, rcpt.start()).find()) {
            return null;
        }
        return rcpt.group(1).toLowerCase(Locale.ROOT);
    }

    /** A recipient; with an empty diagnostic (named only by {@code X-Failed-Recipients}) the bounce's reply. */
    static RecipientReport recipient(String address, String diagnostic, Context context) {
        String diag = diagnostic.isEmpty() ? context.replyLine() : diagnostic;
        String reply = Classifier.replyCodeIn(diag);
        String status = Classifier.statusIn(diag);
        boolean delayed = context.delayed;
        Reason reason = classify(status, reply, diag, context);
        if (status == null) {
            status = Classifier.inferStatus(reason, reply, delayed);
        }
        return new RecipientReport(address, null, delayed ? "delayed" : "failed", status, null,
                diag.isEmpty() ? null : diag, reply, null, reason, reason.isHardBounce(status));
    }

    private static Reason classify(String status, String reply, String diagnostic, Context context) {
        String replyText = replyText(diagnostic);
        Reason reason = replyText == null ? Reason.UNDEFINED : Classifier.classify(status, reply, replyText);
        if (reason == Reason.UNDEFINED) {
            reason = Classifier.classify(status, reply, diagnostic);
        }
        if (reason == Reason.UNDEFINED) {
            reason = context.fallback();
        }
        return Classifier.settle(reason, status, Classifier.command(diagnostic), context.delayed);
    }

    /** The first SMTP reply in a diagnostic: from its reply code to a reply with another code, or the end. */
    private static String replyText(String diagnostic) {
        Matcher m = Classifier.REPLY.matcher(diagnostic);
        if (!m.find()) {
            return null;
        }
        int start = m.start(1);
        String code = m.group(1);
        // up to a later reply with another code (a transcript may hold several replies)
        while (m.find()) {
            if (!m.group(1).equals(code)) {
                return diagnostic.substring(start, m.start(1));
            }
        }
        return diagnostic.substring(start);
    }

    static boolean isDelay(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        return lower.contains("this is a warning only") || lower.contains("will be retried")
                || lower.contains("has not yet been delivered") || lower.contains("delivery has been delayed")
                || lower.contains("still trying") || lower.contains("will continue trying")
                || lower.contains("no action is required on your part") || lower.contains("delayed mail");
    }

    /** The number of blanks a line starts with. */
    private static int indent(String line) {
        int i = 0;
        while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    private static boolean isSystemAddress(String address) {
        String local = address.substring(0, address.indexOf('@'));
        return NOT_RECIPIENTS.contains(local);
    }

    /**
     * The text from the family's section start to the returned original. The start is looked for only in the
     * bounce's own text, before the original ({@link #quotedOriginalStart}): the start phrase in the quoted original (the
     * sender's words) made the section the original's text, whose addresses became failed recipients (review s23).
     */
    static String section(TextBounceFamily family, String text) {
        int from = 0;
        if (family != null && family.start() != null) {
            Matcher start = family.start().matcher(text);
            start.region(0, quotedOriginalStart(text)).useAnchoringBounds(false).useTransparentBounds(true);
            if (start.find()) {
                from = start.start();
            }
        }
        Matcher end = ORIGINAL_STARTS.matcher(text);
        int to = text.length();
        while (end.find()) {
            if (end.start() > from) {
                to = end.start();
                break;
            }
        }
        return text.substring(from, to);
    }

    /**
     * Where the returned original starts in {@code text} ({@link #ORIGINAL_STARTS} after its first octet), a
     * delivery-status part's Content-Type line not counted (a DSN whose delimiter line is broken has its fields in
     * the text); the text's length when it quotes none.
     */
    static int originalStart(String text) {
        return firstStart(ORIGINAL_STARTS.matcher(text), text);
    }

    /** The first match of {@code end} after the text's first octet that is not a delivery-status Content-Type. */
    private static int firstStart(Matcher end, String text) {
        while (end.find()) {
            boolean statusPart = end.group().endsWith("/") && (text.regionMatches(true, end.end(), "delivery-status", 0,
                    15) || text.regionMatches(true, end.end(), "global-delivery-status", 0, 22));
            if (end.start() > 0 && !statusPart) {
                return end.start();
            }
        }
        return text.length();
    }

    /**
     * Where {@code text} surely quotes the returned original ({@link #QUOTED_ORIGINAL} after its first octet, a
     * delivery-status part's Content-Type line not counted); the text's length when it quotes none.
     */
    static int quotedOriginalStart(String text) {
        return firstStart(QUOTED_ORIGINAL.matcher(text), text);
    }

    private static void append(StringBuilder diagnostic, String text) {
        if (diagnostic == null || text.isEmpty() || diagnostic.length() >= MAX_DIAGNOSTIC_CHARS) {
            return;
        }
        if (!diagnostic.isEmpty()) {
            diagnostic.append(' ');
        }
        diagnostic.append(text, 0, Math.min(text.length(), MAX_DIAGNOSTIC_CHARS - diagnostic.length()));
    }

    /**
     * The single recipient of the original quoted after the bounce text (its {@code To:} field), for bounces that
     * name the failed address only there; {@code null} when there is none or more than one.
     */
    static String quotedOriginalRecipient(String text, Set<String> excluded) {
        Matcher end = ORIGINAL_STARTS.matcher(text.length() > MAX_CONTEXT_CHARS * 4
                ? text.substring(0, MAX_CONTEXT_CHARS * 4) : text);
        if (!end.find()) {
            return null;
        }
        String[] lines = text.substring(end.start()).split("\n", 60);
        for (int i = 0; i < Math.min(lines.length, 59); i++) {
            if (lines[i].regionMatches(true, 0, "To:", 0, 3)) {
                List<String> found = addresses(lines[i]);
                found.removeIf(excluded::contains);
                return found.size() == 1 ? found.get(0) : null;
            }
        }
        return null;
    }

    /** Addresses of an {@code X-Failed-Recipients} field (Exim). */
    static List<String> addresses(String value) {
        List<String> out = new ArrayList<>();
        Matcher m = ANY_ADDRESS.matcher(value);
        while (m.find()) {
            out.add(m.group().toLowerCase(Locale.ROOT));
        }
        return out;
    }
}
