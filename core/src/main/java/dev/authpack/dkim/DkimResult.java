package dev.authpack.dkim;

import java.util.Objects;

/**
 * The result of one DKIM-Signature field.
 *
 * @param status     the RFC 8601 result
 * @param reason     why (RFC 6376 wording where it has one); null for a plain pass
 * @param domain     d= (lower case), or null when the field was unreadable
 * @param identity   the AUID: i= decoded, or {@code @d} when i= is absent; null when unreadable
 * @param selector   s= (lower case), or null
 * @param algorithm  a= as written, or null
 * @param signatureStart the first 8 characters of b= without whitespace (RFC 6008 {@code header.b}), or null
 * @param testing    the key record has {@code t=y}: the signer is testing DKIM (RFC 6376 §3.6.1), and receivers
 *                   are asked not to treat the message differently from unsigned mail
 * @param fieldIndex position of the DKIM-Signature field in the header section (0 = topmost)
 * @param localOverload a {@code temperror} because the key lookup was not sent, this server's DNS resolver being at
 *                   its bound ({@link dev.authpack.dns.DnsLookup#localOverload()}): it says nothing about the
 *                   signer's domain, and asking again later may verify the signature. Only ever true for
 *                   {@code temperror}.
 */
public record DkimResult(DkimStatus status, String reason, String domain, String identity, String selector,
                         String algorithm, String signatureStart, boolean testing, int fieldIndex,
                         boolean localOverload) {
    /** RFC 6008 §4: 8 characters are plenty to tell signatures apart. */
    public static final int SIGNATURE_START_LENGTH = 8;
    /** How the reason of a signature left unverified by the verifier's per-message cap starts. */
    static final String NOT_VERIFIED = "not verified: more than ";

    public DkimResult {
        Objects.requireNonNull(status, "status");
        if (localOverload && status != DkimStatus.TEMPERROR) {
            throw new IllegalArgumentException("a local overload is a temperror, not " + status.word());
        }
    }

    /** A result that is not a temperror caused by a local overload. */
    public DkimResult(DkimStatus status, String reason, String domain, String identity, String selector,
                      String algorithm, String signatureStart, boolean testing, int fieldIndex) {
        this(status, reason, domain, identity, selector, algorithm, signatureStart, testing, fieldIndex, false);
    }

    public boolean passed() {
        return status == DkimStatus.PASS;
    }

    /**
     * The verifier left this signature alone (no key lookup, no hashing) because the message had more signatures
     * than {@link DkimVerifyOptions#maxSignatures()}; the status is {@code policy}.
     */
    public boolean notVerified() {
        return status == DkimStatus.POLICY && reason != null && reason.startsWith(NOT_VERIFIED);
    }
}
