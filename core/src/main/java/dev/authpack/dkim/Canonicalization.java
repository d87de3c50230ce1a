package dev.authpack.dkim;

/** The two canonicalization algorithms of RFC 6376 §3.4, for header ({@code c=X/}) or body ({@code c=/X}). */
public enum Canonicalization {
    SIMPLE("simple"), RELAXED("relaxed");

    private final String tag;

    Canonicalization(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }

    /** The algorithm of this name (case-insensitive), or null if unknown. */
    public static Canonicalization fromTag(String value) {
        for (Canonicalization c : values()) {
            if (c.tag.equalsIgnoreCase(value)) {
                return c;
            }
        }
        return null;
    }
}
