package dev.authpack.dkim;

/** The signing algorithms of the {@code a=} tag (RFC 6376 §3.3, RFC 8463 §3). */
public enum DkimAlgorithm {
    /** Historic; RFC 8301 §3.1: verifiers must not consider it valid, signers must not use it. */
    RSA_SHA1("rsa-sha1", KeyType.RSA, "sha1", "SHA-1", "SHA1withRSA"),
    RSA_SHA256("rsa-sha256", KeyType.RSA, "sha256", "SHA-256", "SHA256withRSA"),
    ED25519_SHA256("ed25519-sha256", KeyType.ED25519, "sha256", "SHA-256", null);

    /** The {@code k=} key types of key records. */
    public enum KeyType {
        RSA("rsa"), ED25519("ed25519");

        private final String tag;

        KeyType(String tag) {
            this.tag = tag;
        }

        /** The {@code k=} value. */
        public String tag() {
            return tag;
        }
    }

    private final String tag;
    private final KeyType keyType;
    private final String hashTag;
    private final String digestName;
    private final String jcaSignature;

    DkimAlgorithm(String tag, KeyType keyType, String hashTag, String digestName, String jcaSignature) {
        this.tag = tag;
        this.keyType = keyType;
        this.hashTag = hashTag;
        this.digestName = digestName;
        this.jcaSignature = jcaSignature;
    }

    /** The {@code a=} value, such as {@code rsa-sha256}. */
    public String tag() {
        return tag;
    }

    public KeyType keyType() {
        return keyType;
    }

    /** The hash name as key records list it in {@code h=} ({@code sha1}, {@code sha256}). */
    public String hashTag() {
        return hashTag;
    }

    /** The JCA {@code MessageDigest} name. */
    public String digestName() {
        return digestName;
    }

    /** The JCA {@code Signature} name (RSA only). */
    String jcaSignature() {
        return jcaSignature;
    }

    /** The algorithm named by an {@code a=} value (case-insensitive), or null if unknown. */
    public static DkimAlgorithm fromTag(String value) {
        for (DkimAlgorithm a : values()) {
            if (a.tag.equalsIgnoreCase(value)) {
                return a;
            }
        }
        return null;
    }
}
