package dev.authpack.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * RFC 3464 (and RFC 6533 global) delivery status notifications: the {@code message/delivery-status} part's
 * per-message fields (§2.2) and per-recipient groups (§2.3). When a report carries the fields in a text part
 * instead (a common malformation), they are read from there, before the returned original if the part quotes it
 * ({@link TextBounceParser#originalStart}): the original, and so what it holds, is whoever sent it.
 */
final class DsnParser {
    private DsnParser() {
    }

    static DeliveryReport parse(MimeScan scan, ReturnedMessages.Body body, ReturnedMessage original,
                                int maxRecipients, Deadline deadline) {
        String fields = null;
        for (MimeScan.Part part : scan.parts()) {
            String type = part.mimeType();
            if (type.equals("message/delivery-status") || type.equals("message/global-delivery-status")) {
                fields = part.text();
                break;
            }
        }
        if (fields == null) {
            for (MimeScan.Part part : scan.parts()) {
                if (!part.mimeType().startsWith("text/")) {
                    continue;
                }
                // only the report's own text: a returned original quoted after it is the original sender's
                // (review s21: its body's "Final-Recipient:" and "Action:" lines were read as the report's)
                String own = part.text().substring(0, TextBounceParser.originalStart(part.text()));
                if (hasRecipientFields(own)) {
                    fields = own.substring(firstFieldLine(own));
                    break;
                }
            }
        }
        if (fields == null) {
            return null;
        }
        List<Headers> groups = Headers.groups(fields, maxRecipients + 1);
        Headers perMessage = null;
        List<RecipientReport> recipients = new ArrayList<>();
        HumanText human = new HumanText(body.text());
        for (Headers group : groups) {
            deadline.check();
            boolean isRecipient = group.has("Final-Recipient") || group.has("Original-Recipient");
            if (!isRecipient) {
                if (perMessage == null) {
                    perMessage = group;
                }
                continue;
            }
            if (recipients.size() < maxRecipients) {
                recipients.add(recipient(group, human));
            }
        }
        if (recipients.isEmpty()) {
            return null;
        }
        Headers message = perMessage == null ? new Headers(List.of()) : perMessage;
        return new DeliveryReport(Source.RFC3464, typed(message.get("Reporting-MTA")),
                message.get("Original-Envelope-Id"), message.get("Arrival-Date"), recipients, original);
    }

    private static boolean hasRecipientFields(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        return (lower.contains("\nfinal-recipient:") || lower.startsWith("final-recipient:"))
                && (lower.contains("\naction:") || lower.contains("\nstatus:"));
    }

    private static int firstFieldLine(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        int reporting = lower.indexOf("\nreporting-mta:");
        int finalRcpt = lower.indexOf("\nfinal-recipient:");
        int at = reporting >= 0 && reporting < finalRcpt ? reporting : finalRcpt;
        return Math.max(0, at + 1);
    }

    private static RecipientReport recipient(Headers group, HumanText human) {
        String finalRecipient = address(group.get("Final-Recipient"));
        String originalRecipient = address(group.get("Original-Recipient"));
        if (finalRecipient == null) {
            finalRecipient = originalRecipient;
        }
        String action = Headers.lower(group.get("Action"));
        if (action != null) {
            action = action.split("[\\s(]")[0];
        }
        String diagnostic = typed(group.get("Diagnostic-Code"));
        String status = Classifier.statusIn(group.get("Status"));
        String fromDiagnostic = Classifier.statusIn(diagnostic);
        // a generic x.0.0 status says less than the status in the remote server's reply
        if (fromDiagnostic != null && (status == null || status.endsWith(".0.0"))
                && (status == null || status.charAt(0) == fromDiagnostic.charAt(0))) {
            status = fromDiagnostic;
        }
        String reply = Classifier.replyCodeIn(diagnostic);
        boolean delayed = "delayed".equals(action);
        Reason reason;
        if (action != null && (action.equals("delivered") || action.equals("relayed")
                || action.equals("expanded"))) {
            reason = Reason.DELIVERED;
        } else {
            reason = Classifier.classify(status, reply, diagnostic);
            if (reason == Reason.UNDEFINED && finalRecipient != null) {
                reason = human.fallback();
            }
            reason = Classifier.settle(reason, status,
                    Classifier.command(diagnostic + "\n" + human.dataContext(finalRecipient)), delayed);
            if (status == null) {
                status = Classifier.inferStatus(reason, reply, delayed);
            }
        }
        return new RecipientReport(finalRecipient, originalRecipient, action, status,
                typed(group.get("Remote-MTA")), diagnostic, reply, group.get("Last-Attempt-Date"), reason,
                reason.isHardBounce(status));
    }

    /**
     * The human-readable part (RFC 3464 §2 first part), at most {@link TextBounceParser#MAX_CONTEXT_CHARS}, with
     * what all recipients share computed once.
     */
    private static final class HumanText {
        private final String text;
        private final String lower;
        private Reason fallback;

        HumanText(String whole) {
            this.text = whole.length() > TextBounceParser.MAX_CONTEXT_CHARS
                    ? whole.substring(0, TextBounceParser.MAX_CONTEXT_CHARS) : whole;
            this.lower = text.toLowerCase(Locale.ROOT);
        }

        /** The reason the text as a whole gives (for recipients whose own fields give none). */
        Reason fallback() {
            if (fallback == null) {
                fallback = Classifier.fromText(TextBounceParser.section(null, text));
            }
            return fallback;
        }

        /**
         * Where the text shows that the remote server's reply to {@code address} came after DATA: the paragraph
         * that starts at the first mention of the address (Postfix: "(in reply to end of DATA command)"), or a
         * session transcript where {@code >>> DATA} is answered by a reply naming the address (Sendmail,
         * Courier).
         */
        String dataContext(String address) {
            if (address == null || address.isEmpty()) {
                return "";
            }
            int at = lower.indexOf(address);
            if (at < 0) {
                return "";
            }
            int end = lower.indexOf("\n\n", at);
            String paragraph = text.substring(at, end < 0 ? text.length() : end);
            return answeredData(address) ? paragraph + "\n>>> DATA" : paragraph;
        }

        /** A transcript line {@code >>> DATA} whose answer ({@code <<< ...}, the next line) names the address. */
        private boolean answeredData(String address) {
        for (int at = lower.indexOf(">>> data"); at >= 0; at = lower.indexOf(">>> data", at + 1)) {
            int i = at + ">>> data".length();
            while (i < lower.length() && Character.isWhitespace(lower.charAt(i)) && lower.charAt(i) != '\n') {
                i++;
            }
            if (i >= lower.length() || lower.charAt(i) != '\n') {
                continue;
            }
            while (i < lower.length() && Character.isWhitespace(lower.charAt(i))) {
                i++;
            }
            int end = lower.indexOf('\n', i);
            String reply = lower.substring(i, end < 0 ? lower.length() : end);
            if (reply.startsWith("<<< ") && reply.contains(address)) {
                return true;
            }
        }
        return false;
    }
    }

    /** RFC 3464 §2.1.2 "type; value": the value. */
    static String typed(String value) {
        if (value == null) {
            return null;
        }
        int semi = value.indexOf(';');
        String v = semi >= 0 && semi < 20 && !value.substring(0, semi).contains(" ")
                ? value.substring(semi + 1).strip() : value.strip();
        return v.isEmpty() ? null : v;
    }

    private static String address(String value) {
        String v = typed(value);
        if (v == null) {
            return null;
        }
        // the '<' and '"' that open the value and the '>' and '"' that close it: one scan from each end (the
        // regex "^[<\"]+|[>\"]+$" was quadratic in a run of '>' not at the end: review s20)
        int start = 0;
        int end = v.length();
        while (start < end && (v.charAt(start) == '<' || v.charAt(start) == '"')) {
            start++;
        }
        while (end > start && (v.charAt(end - 1) == '>' || v.charAt(end - 1) == '"')) {
            end--;
        }
        v = v.substring(start, end).strip();
        if (isUtf8Type(value)) {
            v = embeddedUnicode(v);
        }
        return v.isEmpty() ? null : v.toLowerCase(Locale.ROOT);
    }

    /** RFC 6533 §3: the address type {@code utf-8} ("utf-8; ..."). */
    private static boolean isUtf8Type(String value) {
        int semi = value.indexOf(';');
        return semi > 0 && value.substring(0, semi).strip().equalsIgnoreCase("utf-8");
    }

    /**
     * RFC 6533 §3 EmbeddedUnicodeChar ({@code \x{HHHH}}: a utf-8 address's non-ASCII character, always so in a
     * message/delivery-status part) decoded. HEXPOINT is 2 to 6 ASCII hex digits (not fullwidth or other Unicode
     * digits, which {@code Character.digit} takes). One naming an ASCII character, a surrogate, a code point beyond
     * U+10FFFF, or a control or format character (C1 such as U+0085, bidi controls, U+2028/2029; review s23)
     * stays as written, so decoding never makes an invisible or line-breaking character. One scan.
     */
    static String embeddedUnicode(String address) {
        int at = address.indexOf("\\x{");
        if (at < 0) {
            return address;
        }
        StringBuilder out = new StringBuilder(address.length());
        int copied = 0;
        for (; at >= 0; at = address.indexOf("\\x{", at + 1)) {
            int close = at + 3;
            int codePoint = 0;
            while (close < address.length() && close - at - 3 < 6 && asciiHexDigit(address.charAt(close)) >= 0) {
                codePoint = codePoint * 16 + asciiHexDigit(address.charAt(close));
                close++;
            }
            if (close < at + 5 || close >= address.length() || address.charAt(close) != '}'
                    || !decodable(codePoint)) {
                continue;
            }
            out.append(address, copied, at).appendCodePoint(codePoint);
            copied = close + 1;
            at = close;
        }
        return out.append(address, copied, address.length()).toString();
    }

    /** RFC 5234 HEXDIG (ASCII only, either case) as its value, or -1. */
    private static int asciiHexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
            return (c | 0x20) - 'a' + 10;
        }
        return -1;
    }

    /** A code point decoding may make: past ASCII, a character (not a surrogate), not a control or format one. */
    private static boolean decodable(int codePoint) {
        if (codePoint < 0x80 || codePoint > Character.MAX_CODE_POINT || Character.isISOControl(codePoint)) {
            return false;
        }
        int type = Character.getType(codePoint);
        return type != Character.SURROGATE && type != Character.FORMAT && type != Character.LINE_SEPARATOR
                && type != Character.PARAGRAPH_SEPARATOR;
    }
}
