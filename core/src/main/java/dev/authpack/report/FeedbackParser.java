package dev.authpack.report;

import java.util.ArrayList;
import java.util.List;

/**
 * RFC 5965 ARF reports ({@code message/feedback-report} part, §3) with RFC 6591 §3 auth-failure fields, and two
 * provider variants without that part: Microsoft's JMRP (a returned message with
 * {@code X-HmXmrOriginalRecipient}) and Apple Mail's unsubscribe request ({@code X-Apple-Unsubscribe: true},
 * reported as opt-out).
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
        for (MimeScan.Part part : scan.parts()) {
            if (part.mimeType().equals("message/rfc822")) {
                Headers returned = Headers.headerBlock(part.text());
                String jmrp = returned.get("X-HmXmrOriginalRecipient");
                if (jmrp != null) {
                    return variant("abuse", original.from(), first(TextBounceParser.addresses(jmrp), maxRecipients),
                            original);
                }
            }
        }
        return null;
    }

    private static List<String> first(List<String> values, int max) {
        return values.size() <= max ? values : values.subList(0, max);
    }

    private static FeedbackReport standard(Headers f, ReturnedMessage original, int maxRecipients) {
        String type = Headers.lower(f.get("Feedback-Type"));
        List<String> uris = new ArrayList<>(f.all("Reported-URI"));
        return new FeedbackReport(type == null ? "abuse" : type, f.get("User-Agent"), f.get("Version"),
                f.get("Original-Mail-From"), first(f.all("Original-Rcpt-To"), maxRecipients), f.get("Arrival-Date"),
                f.get("Source-IP"), f.all("Reported-Domain"), uris, f.get("Incidents"),
                f.all("Authentication-Results"), f.get("Auth-Failure"), f.get("DKIM-Domain"),
                f.get("DKIM-Selector"), f.get("DKIM-Identity"), f.get("SPF-DNS"), f.get("Delivery-Result"),
                f.get("Identity-Alignment"), type != null, original);
    }

    private static FeedbackReport variant(String type, String mailFrom, List<String> rcptTo,
                                          ReturnedMessage original) {
        return new FeedbackReport(type, null, null, mailFrom, rcptTo, null, null, List.of(), List.of(), null,
                List.of(), null, null, null, null, null, null, null, false, original);
    }
}
