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

    private static final java.util.regex.Pattern HTML_LINE_END = java.util.regex.Pattern.compile(
            "<br\\s*/?>|</p>|</div>|</tr>", java.util.regex.Pattern.CASE_INSENSITIVE);
    private static final java.util.regex.Pattern HTML_TAG = java.util.regex.Pattern.compile("<[^>]*>");

    /** An HTML part's text: line-ending tags become line ends, other tags go, the common entities are decoded. */
    private static String htmlText(String html) {
        if (html.indexOf('<') < 0 && html.indexOf('&') < 0) {
            return html;
        }
        String text = HTML_TAG.matcher(HTML_LINE_END.matcher(html).replaceAll("\n")).replaceAll("");
        return text.replace("&lt;", "<").replace("&gt;", ">").replace("&nbsp;", " ").replace("&amp;", "&");
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
