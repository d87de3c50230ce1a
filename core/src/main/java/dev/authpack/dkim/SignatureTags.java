package dev.authpack.dkim;

import dev.authpack.dkim.internal.TagList;
import dev.authpack.mail.HeaderField;

import java.util.Locale;

/**
 * The checks of the tags a DKIM-Signature (RFC 6376 §3.5) shares with ARC-Message-Signature and ARC-Seal
 * (RFC 8617 §4.1.2, §4.1.3): required tags, base64 values, d=, s=, t=, x=, c=. Each failure is a
 * {@link TagValueException} whose message is the reason both verifiers report; each caller wraps it in its own
 * exception.
 */
public final class SignatureTags {
    private static final int MAX_TIME_DIGITS = 12;

    private SignatureTags() {
    }

    /** A tag that is missing or does not hold what it must; the message says which and why. */
    public static final class TagValueException extends Exception {
        private static final long serialVersionUID = 1L;

        TagValueException(String reason) {
            super(reason, null, false, false);
        }
    }

    /** Each of {@code names} must be present, checked in the order given. */
    public static void requireTags(TagList tags, String... names) throws TagValueException {
        for (String name : names) {
            if (!tags.has(name)) {
                throw new TagValueException("missing required tag " + name + "=");
            }
        }
    }

    /** A present base64 tag (b=, bh=), whitespace ignored; it must not be empty. */
    public static byte[] base64(TagList tags, String name) throws TagValueException {
        byte[] value = tags.base64(name);
        if (value == null) {
            throw new TagValueException(name + "= is not valid base64");
        }
        if (value.length == 0) {
            // only whitespace: any base64 character would decode to at least one octet, or be refused
            throw new TagValueException(name + "= is empty");
        }
        return value;
    }

    /** d=, present, lower case; a domain name of at least two labels. */
    public static String domain(TagList tags) throws TagValueException {
        String domain = tags.get("d").toLowerCase(Locale.ROOT);
        if (!DkimSignature.isDomainName(domain, true)) {
            throw new TagValueException("d= is not a domain name: " + tags.get("d"));
        }
        return domain;
    }

    /** s=, present, lower case; one or more labels. */
    public static String selector(TagList tags) throws TagValueException {
        String selector = tags.get("s").toLowerCase(Locale.ROOT);
        if (!DkimSignature.isDomainName(selector, false)) {
            throw new TagValueException("s= is not a valid selector: " + tags.get("s"));
        }
        return selector;
    }

    /** t= or x=: seconds since the epoch, at most 12 digits; -1 when absent. */
    public static long time(TagList tags, String name) throws TagValueException {
        String value = tags.get(name);
        if (value == null) {
            return -1;
        }
        if (value.isEmpty() || value.length() > MAX_TIME_DIGITS || !allDigits(value)) {
            throw new TagValueException(name + "= is not a time of at most " + MAX_TIME_DIGITS + " digits: " + value);
        }
        return Long.parseLong(value);
    }

    /** x= must not be earlier than t= (RFC 6376 §3.5); -1 is absent. */
    public static void checkTimeOrder(long timestamp, long expiration) throws TagValueException {
        if (timestamp >= 0 && expiration >= 0 && expiration < timestamp) {
            throw new TagValueException("x= (" + expiration + ") is earlier than t= (" + timestamp + ")");
        }
    }

    /**
     * c=: "header/body", "X" alone meaning X/simple; {@code absent} when there is no c=. {@code lowerCaseOnly}:
     * refuse upper-case spellings too.
     */
    public static Canonicalization[] canonicalization(String c, Canonicalization[] absent, boolean lowerCaseOnly)
            throws TagValueException {
        if (c == null) {
            return absent;
        }
        int slash = c.indexOf('/');
        Canonicalization header = Canonicalization.fromTag(slash < 0 ? c : c.substring(0, slash));
        Canonicalization body = slash < 0 ? Canonicalization.SIMPLE : Canonicalization.fromTag(c.substring(slash + 1));
        if (header == null || body == null || lowerCaseOnly && !c.equals(c.toLowerCase(Locale.ROOT))) {
            throw new TagValueException("unsupported canonicalization c=" + c);
        }
        return new Canonicalization[] {header, body};
    }

    public static boolean allDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** The DNS name of the key record: {@code selector._domainkey.domain} (RFC 6376 §3.6.2.1). */
    public static String keyName(String selector, String domain) {
        return selector + "._domainkey." + domain;
    }

    /** The raw field with the value of its b= tag, and the whitespace around it, deleted (RFC 6376 §3.7). */
    public static byte[] withoutSignatureValue(HeaderField field, TagList.Tag b) {
        return withoutSignatureValue(field.rawBytes(), field.valueOffset(), b);
    }

    /**
     * {@link #withoutSignatureValue(HeaderField, TagList.Tag)} of a field's raw octets, whose value starts at
     * {@code valueOffset}.
     */
    public static byte[] withoutSignatureValue(byte[] raw, int valueOffset, TagList.Tag b) {
        int from = valueOffset + b.afterEquals();
        int to = valueOffset + b.end();
        byte[] out = new byte[raw.length - (to - from)];
        System.arraycopy(raw, 0, out, 0, from);
        System.arraycopy(raw, to, out, from, raw.length - to);
        return out;
    }
}
