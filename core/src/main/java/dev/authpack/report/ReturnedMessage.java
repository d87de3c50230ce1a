package dev.authpack.report;

/**
 * Headers of the original message returned in a report (RFC 3464 §2 third part, RFC 5965 §2 third part:
 * {@code message/rfc822}, {@code text/rfc822-headers}, or the headers quoted in a text bounce), so that the sender
 * can correlate. Each field is {@code null} when absent; encoded words (RFC 2047) are decoded.
 */
public record ReturnedMessage(String messageId, String from, String to, String subject) {
    /** No returned message, or none of its fields were found. */
    public static final ReturnedMessage NONE = new ReturnedMessage(null, null, null, null);

    public boolean isEmpty() {
        return messageId == null && from == null && to == null && subject == null;
    }
}
