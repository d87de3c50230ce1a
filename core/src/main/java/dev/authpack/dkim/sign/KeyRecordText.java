package dev.authpack.dkim.sign;

import dev.authpack.dkim.DkimSignOptions;
import dev.authpack.dkim.DkimSigningKey;

/**
 * The DNS record that publishes a signing key's public half (RFC 6376 §3.6.2.2), as a line of an RFC 1035 zone
 * file: {@code sel._domainkey.example.com. IN TXT "v=DKIM1; k=rsa; p=MIIB..." "..."}. A TXT character-string holds
 * at most 255 octets, so the record is split into several strings, which DNS clients join (RFC 6376 §3.6.2.2).
 */
public final class KeyRecordText {
    /** The longest character-string of a TXT record (RFC 1035 §3.3). */
    public static final int MAX_STRING = 255;

    private KeyRecordText() {
    }

    /** {@code selector._domainkey.domain.} (lower case, absolute). */
    public static String recordName(String selector, String domain) {
        DkimSignOptions checked = DkimSignOptions.of(domain, selector);
        return checked.selector() + "._domainkey." + checked.domain() + ".";
    }

    /**
     * The zone line for the key.
     *
     * @throws IllegalArgumentException if the selector or domain is not valid
     */
    public static String zoneLine(String selector, String domain, DkimSigningKey key) {
        return recordName(selector, domain) + " IN TXT " + quotedStrings(key.publicKeyRecord());
    }

    /** The text as quoted character-strings of at most {@value #MAX_STRING} octets, separated by spaces. */
    public static String quotedStrings(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i += MAX_STRING) {
            if (i > 0) {
                out.append(' ');
            }
            String part = text.substring(i, Math.min(text.length(), i + MAX_STRING));
            out.append('"').append(part.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return out.toString();
    }
}
