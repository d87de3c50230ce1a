package dev.authpack.dmarc;

/**
 * The {@code psd} tag (RFC 9989 §4.7): whether the record's domain is a Public Suffix Domain. {@link #YES} and
 * {@link #NO} stop a DNS Tree Walk; {@link #UNKNOWN} (the default, {@code psd=u}) does not.
 */
public enum PsdFlag {
    YES, NO, UNKNOWN;

    public String letter() {
        return this == YES ? "y" : this == NO ? "n" : "u";
    }
}
