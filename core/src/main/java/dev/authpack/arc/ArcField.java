package dev.authpack.arc;

import dev.authpack.dkim.internal.TagList;
import dev.authpack.dkim.internal.TagSyntaxException;
import dev.authpack.mail.HeaderField;

/**
 * One ARC header field with its instance number.
 *
 * @param kind     which of the three fields
 * @param field    the raw field
 * @param instance the {@code i=} value (1 or more), or 0 when it could not be read
 * @param tags     the tag-list (ARC-Seal, ARC-Message-Signature), or null for ARC-Authentication-Results and when
 *                 it did not parse
 * @param payload  ARC-Authentication-Results: the authres-payload after {@code i=N;}; null otherwise
 * @param problem  why the field cannot be used (syntax, instance), or null
 */
record ArcField(ArcFieldKind kind, HeaderField field, int instance, TagList tags, String payload, String problem) {
    /** Instance values are 1*2DIGIT (RFC 8617 §4.2.1); up to this many digits are read to report a bad value. */
    private static final int MAX_INSTANCE_DIGITS = 6;

    static ArcField read(ArcFieldKind kind, HeaderField field) {
        String value = field.rawValue();
        if (kind == ArcFieldKind.AUTHENTICATION_RESULTS) {
            return readAuthenticationResults(field, value);
        }
        TagList tags;
        try {
            // RFC 8617 §4.1.2/§4.1.3: the DKIM tag-list grammar, strictly (";;" is an error)
            tags = TagList.parseStrict(value);
        } catch (TagSyntaxException e) {
            return new ArcField(kind, field, 0, null, null, kind.fieldName() + ": " + e.getMessage());
        }
        String i = tags.get("i");
        if (i == null) {
            return new ArcField(kind, field, 0, tags, null, kind.fieldName() + " has no i= tag");
        }
        int instance = instance(i, 0, i.length());
        if (instance <= 0) {
            return new ArcField(kind, field, 0, tags, null, kind.fieldName() + " i=" + i
                    + " is not an instance number");
        }
        return new ArcField(kind, field, instance, tags, null, null);
    }

    /**
     * {@code arc-info = instance [CFWS] ";" authres-payload},
     * {@code instance = [CFWS] %s"i" [CFWS] "=" [CFWS] 1*2DIGIT} (RFC 8617 §4.1.1, §4.2.1).
     */
    private static ArcField readAuthenticationResults(HeaderField field, String value) {
        String name = ArcFieldKind.AUTHENTICATION_RESULTS.fieldName();
        int p = ArcText.skipCfws(value, 0);
        if (p < 0 || p >= value.length() || value.charAt(p) != 'i') {
            return new ArcField(ArcFieldKind.AUTHENTICATION_RESULTS, field, 0, null, null,
                    name + " does not start with the instance tag i=");
        }
        p = ArcText.skipCfws(value, p + 1);
        if (p < 0 || p >= value.length() || value.charAt(p) != '=') {
            return new ArcField(ArcFieldKind.AUTHENTICATION_RESULTS, field, 0, null, null,
                    name + " does not start with the instance tag i=");
        }
        p = ArcText.skipCfws(value, p + 1);
        int digits = p;
        while (digits >= 0 && digits < value.length() && value.charAt(digits) >= '0' && value.charAt(digits) <= '9') {
            digits++;
        }
        int instance = p < 0 ? 0 : instance(value, p, digits);
        int semicolon = instance > 0 ? ArcText.skipCfws(value, digits) : -1;
        if (instance <= 0) {
            return new ArcField(ArcFieldKind.AUTHENTICATION_RESULTS, field, 0, null, null,
                    name + ": i= is not followed by an instance number");
        }
        if (semicolon < 0 || semicolon >= value.length() || value.charAt(semicolon) != ';') {
            return new ArcField(ArcFieldKind.AUTHENTICATION_RESULTS, field, instance, null, null,
                    name + " i=" + instance + " is not followed by ';'");
        }
        return new ArcField(ArcFieldKind.AUTHENTICATION_RESULTS, field, instance, null,
                value.substring(semicolon + 1), null);
    }

    /** The digits {@code s[from, to)} as a positive number, or 0 when they are not 1 to 6 digits or are 0. */
    private static int instance(String s, int from, int to) {
        if (to <= from || to - from > MAX_INSTANCE_DIGITS) {
            return 0;
        }
        int n = 0;
        for (int k = from; k < to; k++) {
            char c = s.charAt(k);
            if (c < '0' || c > '9') {
                return 0;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    boolean usable() {
        return problem == null;
    }
}
