package dev.authpack.report;

import java.util.Set;

/** The returned original (RFC 3464 §2 / RFC 5965 §2 third part) and the human-readable text of a report. */
final class ReturnedMessages {
    private static final Set<String> ORIGINAL_TYPES = Set.of("message/rfc822", "text/rfc822-headers",
            "message/global", "message/global-headers", "message/partial");

    private ReturnedMessages() {
    }

    static ReturnedMessage find(MimeScan scan) {
        for (MimeScan.Part part : scan.parts()) {
            if (ORIGINAL_TYPES.contains(part.mimeType())) {
                Headers headers = Headers.headerBlock(part.text());
                ReturnedMessage original = new ReturnedMessage(headers.get("Message-ID"), headers.decoded("From"),
                        headers.decoded("To"), headers.decoded("Subject"));
                if (!original.isEmpty()) {
                    return original;
                }
            }
        }
        return ReturnedMessage.NONE;
    }

    /**
     * The header block of the original a text bounce quotes after its own words (qmail's "--- Below this line is a
     * copy of the message.", Exim's "------ This is a copy of the message, including all the headers. ------", or
     * the original's {@code Received:} / {@code Return-Path:} opening it; {@link TextBounceParser#quotedOriginalStart}),
     * or {@link ReturnedMessage#NONE}: the Message-ID a sender binds the bounce to its own mail with (review s23: a
     * text bounce had none, though the record said it did).
     */
    static ReturnedMessage quoted(String text) {
        int start = TextBounceParser.quotedOriginalStart(text);
        if (start >= text.length()) {
            return ReturnedMessage.NONE;
        }
        String rest = text.substring(start);
        String lower = rest.stripLeading().toLowerCase(java.util.Locale.ROOT);
        if (!lower.startsWith("received:") && !lower.startsWith("return-path:")) {
            // a separator line: the header block starts after it
            int lineEnd = rest.indexOf('\n');
            rest = lineEnd < 0 ? "" : rest.substring(lineEnd + 1);
        }
        Headers headers = Headers.headerBlock(rest);
        return new ReturnedMessage(headers.get("Message-ID"), headers.decoded("From"), headers.decoded("To"),
                headers.decoded("Subject"));
    }

    /**
     * An HTML part's text: line-ending tags ({@code <br>}, {@code <br/>}, {@code </p>}, {@code </div>},
     * {@code </tr>}, any ASCII case) become line ends, then other tags ({@code <} up to the next {@code >}) go, then
     * the common entities are decoded. Two plain scans (regular expressions cost a tenth of the whole parse).
     */
    static String htmlText(String html) {
        if (html.indexOf('<') < 0 && html.indexOf('&') < 0) {
            return html;
        }
        String text = withoutTags(withLineEnds(html));
        return text.replace("&lt;", "<").replace("&gt;", ">").replace("&nbsp;", " ").replace("&amp;", "&");
    }

    /** Each line-ending tag replaced by a line end, left to right. */
    private static String withLineEnds(String html) {
        StringBuilder out = null;
        int copied = 0;
        for (int at = html.indexOf('<'); at >= 0; at = html.indexOf('<', at + 1)) {
            int end = lineEndTagEnd(html, at);
            if (end > 0) {
                if (out == null) {
                    out = new StringBuilder(html.length());
                }
                out.append(html, copied, at).append('\n');
                copied = end;
                at = end - 1;
            }
        }
        return out == null ? html : out.append(html, copied, html.length()).toString();
    }

    /** Where a line-ending tag starting at {@code at} ends (exclusive), or -1. */
    private static int lineEndTagEnd(String html, int at) {
        if (startsWithAsciiIgnoreCase(html, at, "<br")) {
            int i = at + 3;
            while (i < html.length() && Classifier.isSpace(html.charAt(i))) {
                i++;
            }
            if (i < html.length() && html.charAt(i) == '/') {
                i++;
            }
            return i < html.length() && html.charAt(i) == '>' ? i + 1 : -1;
        }
        for (String tag : CLOSING_LINE_END_TAGS) {
            if (startsWithAsciiIgnoreCase(html, at, tag)) {
                return at + tag.length();
            }
        }
        return -1;
    }

    /** {@code tag} (lower case) at {@code at}, ASCII letters in any case (as the regex flag CASE_INSENSITIVE). */
    private static boolean startsWithAsciiIgnoreCase(String text, int at, String tag) {
        if (at + tag.length() > text.length()) {
            return false;
        }
        for (int i = 0; i < tag.length(); i++) {
            char c = text.charAt(at + i);
            if (c >= 'A' && c <= 'Z') {
                c = (char) (c + ('a' - 'A'));
            }
            if (c != tag.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static final String[] CLOSING_LINE_END_TAGS = {"</p>", "</div>", "</tr>"};

    /** Every {@code <} up to and including the next {@code >} removed; a {@code <} with no {@code >} after it stays. */
    private static String withoutTags(String text) {
        int open = text.indexOf('<');
        if (open < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int copied = 0;
        while (open >= 0) {
            int close = text.indexOf('>', open + 1);
            if (close < 0) {
                break;
            }
            out.append(text, copied, open);
            copied = close + 1;
            open = text.indexOf('<', copied);
        }
        return out.append(text, copied, text.length()).toString();
    }

    /** A scan's {@link #bodyText}, built at most once per parse and shared by the parsers that read it. */
    static final class Body {
        private final MimeScan scan;
        private String text;

        Body(MimeScan scan) {
            this.scan = scan;
        }

        String text() {
            if (text == null) {
                text = bodyText(scan);
            }
            return text;
        }
    }

    /** The text/* parts (HTML with tags removed), in order, which a text bounce is read from. */
    static String bodyText(MimeScan scan) {
        StringBuilder text = new StringBuilder();
        for (MimeScan.Part part : scan.parts()) {
            if (part.mimeType().equals("text/plain") || part.mimeType().equals("text/html")
                    && text.isEmpty()) {
                String t = part.mimeType().equals("text/html") ? htmlText(part.text()) : part.text();
                text.append(t).append('\n');
            }
        }
        return text.toString();
    }
}
