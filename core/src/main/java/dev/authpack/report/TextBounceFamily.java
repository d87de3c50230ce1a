package dev.authpack.report;

import java.util.List;
import java.util.regex.Pattern;

/**
 * One MTA family's text bounce format: how to recognise it (a phrase of the family's fixed wording) and where its
 * per-recipient section starts; recipients and diagnostics are then read by {@link TextBounceParser}'s generic
 * extraction. Written from the families' message templates, not from individual samples.
 *
 * @param name  the family (for logs)
 * @param marks the family's fixed wording, any of which identifies it (case-insensitive)
 * @param start where the per-recipient section starts, or {@code null} for the whole text
 * @param meaning the reason every notice of the family gives, whatever its language, or {@code null} when the
 *                text has to say
 */
record TextBounceFamily(String name, Pattern marks, Pattern start, Reason meaning, List<String> literalMarks,
                        List<Guarded> otherMarks) {
    /** An alternative that needs a regular expression, run only where its plain leading words occur. */
    record Guarded(String guard, Pattern pattern) {
    }

    TextBounceFamily(String name, Pattern marks, Pattern start, Reason meaning) {
        this(name, marks, start, meaning, literals(marks.pattern()), others(marks.pattern()));
    }

    /**
     * Whether the text has the family's wording: the plain phrases of {@link #marks} are looked up with
     * {@code indexOf} in the lower-cased text ({@code lower}), only the alternatives that are real patterns run as
     * a regular expression (a case-insensitive alternation of many phrases is slow on long texts).
     */
    boolean matches(String text, String lower) {
        for (String literal : literalMarks) {
            if (lower.contains(literal)) {
                return true;
            }
        }
        for (Guarded other : otherMarks) {
            if (lower.contains(other.guard()) && other.pattern().matcher(text).find()) {
                return true;
            }
        }
        return false;
    }

    /** The top-level alternatives of a pattern. */
    private static List<String> alternatives(String pattern) {
        java.util.List<String> out = new java.util.ArrayList<>();
        int depth = 0;
        int from = 0;
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '(' || c == '[') {
                depth++;
            } else if (c == ')' || c == ']') {
                depth--;
            } else if (c == '|' && depth == 0) {
                out.add(pattern.substring(from, i));
                from = i + 1;
            }
        }
        out.add(pattern.substring(from));
        return out;
    }

    /** An alternative as plain lower-case text, or {@code null} if it uses regular-expression syntax. */
    private static String literal(String alternative) {
        String plain = alternative.replace("\\.", ".").replace("\\(", "(").replace("\\)", ")");
        String check = alternative.replace("\\.", "").replace("\\(", "").replace("\\)", "");
        for (char c : check.toCharArray()) {
            if ("\\.*+?[]{}()^$|".indexOf(c) >= 0) {
                return null;
            }
        }
        return plain.toLowerCase(java.util.Locale.ROOT);
    }

    private static List<String> literals(String pattern) {
        return alternatives(pattern).stream().map(TextBounceFamily::literal).filter(java.util.Objects::nonNull)
                .toList();
    }

    private static List<Guarded> others(String pattern) {
        return alternatives(pattern).stream().filter(a -> literal(a) == null)
                .map(a -> new Guarded(leadingWords(a), Pattern.compile(a, Pattern.CASE_INSENSITIVE))).toList();
    }

    /** The plain text an alternative starts with, lower case, up to its first regular-expression syntax. */
    private static String leadingWords(String alternative) {
        int end = 0;
        while (end < alternative.length() && "\\.*+?[]{}()^$|".indexOf(alternative.charAt(end)) < 0) {
            end++;
        }
        // a quantifier applies to the character before it, which is then optional
        if (end < alternative.length() && "*?{".indexOf(alternative.charAt(end)) >= 0 && end > 0) {
            end--;
        }
        return alternative.substring(0, end).toLowerCase(java.util.Locale.ROOT);
    }

    private static TextBounceFamily family(String name, String marks, String start) {
        return family(name, marks, start, null);
    }

    private static TextBounceFamily family(String name, String marks, String start, Reason meaning) {
        return new TextBounceFamily(name, Pattern.compile(marks, Pattern.CASE_INSENSITIVE),
                start == null ? null : Pattern.compile(start, Pattern.CASE_INSENSITIVE), meaning);
    }

    /**
     * Families, most specific wording first. Every pattern runs in linear time in the text (each start does a
     * bounded amount of work): a name or subject between fixed words is at most 1000 characters
     * ({@code .{0,1000}}: with {@code .*} each occurrence of the leading words read the rest of its line, quadratic
     * in a line repeating them), and "Subject: ... was not delivered" is {@code .{0,1000}\s} (on the line) or
     * {@code .{0,1000}+\s+} (across the line end): what {@code .*\s+} matched, without retrying {@code \s+} from
     * each character of a run of blanks (quadratic).
     */
    static final List<TextBounceFamily> ALL = List.of(
            // Google Groups answers a post it does not accept (no such group, or the sender may not post) with a
            // notice translated into the sender's language, signed "Google Groups" with its help address
            family("googlegroups", "groups\\.google\\.com/support", null, Reason.REJECTED),
            family("postfix", "This is the mail system at host|The mail system\\s*$|"
                    + "I'm sorry to have to inform you that your message could not", "The mail system|could not be"),
            family("sendmail", "The following addresses had (permanent fatal|transient non-fatal) errors|"
                    + "Transcript of session follows|The original message was received at",
                    "The following addresses had|Transcript of session follows"),
            family("exim", "This message was created automatically by mail delivery software|"
                    + "A message that you sent could not be delivered to one or more of its|"
                    + "A message that you sent has not yet been delivered",
                    "could not be delivered to one or more|has not yet been delivered|following address"),
            family("qmail", "This is the qmail-send program|I'm afraid I wasn't able to deliver your message",
                    "wasn't able to deliver your message"),
            family("exchange", "Delivery has failed to these recipients or groups|"
                    + "Your message did not reach some or all of the intended recipients|"
                    + "The following recipient\\(s\\) (could not be reached|cannot be reached)|"
                    + "Your message to .{0,1000} couldn't be delivered|Diagnostic information for administrators|"
                    + "did not reach the following recipient",
                    // not the Internet Mail Connector's greeting "did not reach some or all of the intended
                    // recipients": the original's To/Subject/Sent it repeats follow it, its list starts at "could
                    // not be reached" (review s23 R1)
                    "Delivery has failed to these recipients|did not reach(?! some or all)|could not be reached|"
                            + "cannot be reached|couldn't be delivered"),
            family("domino", "Your message\\s+Subject:(?:.{0,1000}\\s|.{0,1000}+\\s+)was not delivered to|was not delivered to:|"
                    + "The following recipients? (was|were) not delivered|Lotus Notes|Domino", "not delivered to"),
            family("courier", "This is a delivery status notification from|Courier mail server at",
                    "following address|could not be delivered"),
            family("gmail", "Delivery to the following recipients? failed|"
                    + "Google tried to deliver your message|"
                    + "Message not delivered|The response from the remote server was|"
                    + "Delivery to the following recipient has been delayed",
                    "Delivery to the following recipient|Google tried|Message not delivered"),
            family("yahoo", "Sorry, we were unable to deliver your message to the following address|"
                    + "Message from yahoo\\.com", "unable to deliver your message"),
            family("amazonses", "The following message to <?.{0,1000}>? was undeliverable|"
                    + "An error occurred while trying to deliver the mail to the following recipients|"
                    + "amazonses\\.com", "was undeliverable|following recipients"),
            family("sendgrid", "This is an automatically generated message from SendGrid|sendgrid\\.net",
                    null),
            family("opensmtpd", "Hi!\\s+This is the MAILER-DAEMON|"
                    + "An error has occurred while attempting to deliver a message for the following list of",
                    "following list of recipients|following recipients"),
            family("messagingserver", "This report relates to a message you sent with the following header",
                    "Recipient address|following header"),
            family("mcafee-mxlogic-barracuda-trend", "Unable to deliver message to the following|"
                    + "Your message could not be delivered to the following recipients|"
                    + "could not deliver (the|your) message to",
                    "following"),
            family("generic", "Undeliverable|undelivered|Delivery (Status Notification|failure|failed)|"
                    + "could not be delivered|Returned mail|failure notice|was not delivered|"
                    + "permanent (error|failure)|delivery problem|non[- ]?delivery|delivery has failed|"
                    + "unable to deliver|could not deliver|couldn't be delivered|delivery error|"
                    + "Mail delivery failed|not be delivered|message was rejected",
                    null)
    );
}
