package dev.authpack.report;

import java.util.ArrayList;
import java.util.List;

/**
 * RFC 5965 ARF reports ({@code message/feedback-report} part, §3) with RFC 6591 §3 auth-failure fields, and two
 * provider variants without that part: Microsoft's JMRP (from staff@hotmail.com, without a delivery-status part, a
 * returned message with {@code X-HmXmrOriginalRecipient}) and Apple Mail's unsubscribe request ({@code X-Apple-Unsubscribe: true},
 * reported as opt-out), and Exim's DMARC failure report in text (auth-failure).
 */
final class FeedbackParser {
    private FeedbackParser() {
    }

    /** The report found in {@code scan}, or null; at most {@code maxRecipients} original recipients are kept. */
    static FeedbackReport parse(MimeScan scan, Headers top, ReturnedMessage original, int maxRecipients) {
        for (MimeScan.Part part : scan.parts()) {
            if (part.mimeType().equals("message/feedback-report")) {
                List<Headers> groups = Headers.groups(part.text(), 1);
                Headers f = groups.isEmpty() ? new Headers(List.of()) : groups.get(0);
                return standard(f, original, maxRecipients);
            }
        }
        String apple = Headers.lower(top.get("X-Apple-Unsubscribe"));
        if ("true".equals(apple)) {
            List<String> to = top.get("To") == null ? List.of() : TextBounceParser.addresses(top.get("To"));
            return variant("opt-out", top.get("From"), first(to, maxRecipients), original);
        }
        for (MimeScan.Part part : jmrpSender(top.get("From")) && !hasStatusPart(scan) ? scan.parts()
                : List.<MimeScan.Part>of()) {
            if (part.mimeType().equals("message/rfc822")) {
                Headers returned = Headers.headerBlock(part.text());
                String jmrp = returned.get("X-HmXmrOriginalRecipient");
                if (jmrp != null) {
                    return variant("abuse", original.from(), first(TextBounceParser.addresses(jmrp), maxRecipients),
                            original);
                }
            }
        }
        for (MimeScan.Part part : scan.parts()) {
            if (part.mimeType().equals("text/plain")) {
                FeedbackReport exim = eximDmarc(part.text(), original);
                if (exim != null) {
                    return exim;
                }
            }
        }
        return null;
    }

    /** The address Microsoft sends its JMRP complaints from (sisimai's samples arf-22 to arf-24). */
    private static final String JMRP_SENDER = "staff@hotmail.com";

    /**
     * Whether {@code from} is Microsoft's feedback loop: the returned message's X-HmXmrOriginalRecipient is in a
     * header the original's sender wrote, so any bounce returning the original would carry it (review s21: a genuine
     * DSN was read as an abuse complaint about the address the attacker put there); and any address at hotmail.com,
     * outlook.com, live.com, msn.com is anyone's (final review s21: a forward from a free account was a complaint).
     */
    private static boolean jmrpSender(String from) {
        if (from == null) {
            return false;
        }
        List<String> addresses = TextBounceParser.addresses(from);
        return addresses.size() == 1 && addresses.get(0).equals(JMRP_SENDER);
    }

    private static boolean hasStatusPart(MimeScan scan) {
        return scan.parts().stream().anyMatch(p -> p.mimeType().equals("message/delivery-status")
                || p.mimeType().equals("message/global-delivery-status"));
    }

    /** Exim's DMARC forensic report (src/dmarc.c), the fixed wording of its first line. */
    private static final String EXIM_DMARC = "has failed the published DMARC";
    /** Exim's line before the copy of the received header section. */
    private static final String EXIM_COPY = "copy of the headers";
    /** Leading blanks without the line ends ({@code ^\s*} ran over every following empty line: quadratic). */
    private static final java.util.regex.Pattern EXIM_FIELD = java.util.regex.Pattern.compile(
            "(?m)^[ \\t\\f\\x0B]*(Sender Domain|Sender IP Address|Received Date|SPF Alignment|DKIM Alignment):"
                    + "[ \\t]*(\\S[^\\n]*)?$");

    /**
     * Exim's DMARC failure report without a message/feedback-report part: a text part ("A message claiming to be
     * from you has failed the published DMARC policy for your domain." then {@code Sender Domain:},
     * {@code Sender IP Address:}, {@code Received Date:}, {@code SPF Alignment:}, {@code DKIM Alignment:}) and a copy
     * of the received header ("------ This is a copy of the headers ..."). Read as the RFC 6591 auth-failure report it
     * stands for ({@code standard} false), with the Authentication-Results fields of that copy; null without a Sender
     * IP Address. Its wording and fields are read only from the report's own text, before the quoted original
     * ({@link TextBounceParser#originalStart}, the rule of text bounces): the copy of the received header is the
     * sender's (review s21), and so is the body a bounce quotes (final review s21: a qmail bounce of a message
     * imitating Exim's text was read as a report, and the bounce lost).
     */
    private static FeedbackReport eximDmarc(String text, ReturnedMessage original) {
        if (!text.contains(EXIM_DMARC)) {
            return null;
        }
        int start = TextBounceParser.originalStart(text);
        String own = text.substring(0, start);
        if (!own.contains(EXIM_DMARC)) {
            return null;
        }
        java.util.Map<String, String> fields = new java.util.HashMap<>();
        java.util.regex.Matcher m = EXIM_FIELD.matcher(own);
        while (m.find() && fields.size() < 16) {
            fields.putIfAbsent(m.group(1), m.group(2) == null ? null : m.group(2).strip());
        }
        String ip = fields.get("Sender IP Address");
        if (ip == null) {
            return null;
        }
        List<String> authResults = List.of();
        if (start < text.length()) {
            // the copy: after Exim's separator line ("------ This is a copy of the headers ...")
            int lineEnd = text.indexOf('\n', start);
            boolean separator = lineEnd >= 0 && text.substring(start, lineEnd).contains(EXIM_COPY);
            authResults = Headers.headerBlock(separator ? text.substring(lineEnd + 1) : text.substring(start))
                    .all("Authentication-Results");
        }
        List<String> aligned = new ArrayList<>();
        if ("yes".equalsIgnoreCase(fields.get("DKIM Alignment"))) {
            aligned.add("dkim");
        }
        if ("yes".equalsIgnoreCase(fields.get("SPF Alignment"))) {
            aligned.add("spf");
        }
        String domain = fields.get("Sender Domain");
        return new FeedbackReport("auth-failure", null, null, null, List.of(), fields.get("Received Date"), ip,
                domain == null ? List.of() : List.of(domain), List.of(), null, authResults, "dmarc", null, null,
                null, null, null, aligned.isEmpty() ? "none" : String.join(",", aligned), false, original);
    }

    private static List<String> first(List<String> values, int max) {
        return values.size() <= max ? values : values.subList(0, max);
    }

    private static FeedbackReport standard(Headers f, ReturnedMessage original, int maxRecipients) {
        String type = Headers.lower(f.get("Feedback-Type"));
        List<String> uris = new ArrayList<>(f.all("Reported-URI"));
        return new FeedbackReport(type == null ? "abuse" : type, f.get("User-Agent"), f.get("Version"),
                f.get("Original-Mail-From"), first(f.all("Original-Rcpt-To"), maxRecipients), arrivalDate(f),
                f.get("Source-IP"), f.all("Reported-Domain"), uris, f.get("Incidents"),
                f.all("Authentication-Results"), f.get("Auth-Failure"), f.get("DKIM-Domain"),
                f.get("DKIM-Selector"), f.get("DKIM-Identity"), f.get("SPF-DNS"), f.get("Delivery-Result"),
                f.get("Identity-Alignment"), type != null, original);
    }

    /** RFC 5965 §3.2 Arrival-Date, or Received-Date, its name in the ARF drafts that feedback loops still send. */
    private static String arrivalDate(Headers f) {
        String arrival = f.get("Arrival-Date");
        return arrival != null ? arrival : f.get("Received-Date");
    }

    private static FeedbackReport variant(String type, String mailFrom, List<String> rcptTo,
                                          ReturnedMessage original) {
        return new FeedbackReport(type, null, null, mailFrom, rcptTo, null, null, List.of(), List.of(), null,
                List.of(), null, null, null, null, null, null, null, false, original);
    }
}
