package dev.authpack.dkim.sign;

import java.util.List;

/**
 * What {@link TableSigner#sign} did with a message.
 *
 * @param status     signed, or why not
 * @param message    the signed message (the input with the new fields on top), or null when not signed; from
 *                   {@link TableSigner#signStreamed}, the signed header section (the body follows it unchanged)
 * @param signatures what signed, top first ({@code d=example.com s=sel a=rsa-sha256}); empty when not signed
 * @param authorDomain the From domain, or null when there is none
 * @param reason     why the message was not signed (null when signed)
 */
public record SignOutcome(Status status, byte[] message, List<String> signatures, String authorDomain,
                          String reason) {

    public enum Status {
        /** One or more DKIM-Signature fields were added. */
        SIGNED,
        /** The author domain matches no pattern of the signing table. */
        NO_KEY,
        /** The message has no usable author domain (no From, several, or an unusable address). */
        NO_AUTHOR_DOMAIN,
        /** The author domain is not the submitter's ({@link Submitter#mismatch}): not signed. */
        SENDER_MISMATCH,
        /**
         * The From field shows an address at a domain that is neither its author domain nor a signing domain, nor
         * below one ({@link SenderDomain#foreignDomainShown}): not signed.
         */
        DISPLAYED_DOMAIN,
        /** The header section cannot be read. */
        UNREADABLE
    }

    public SignOutcome {
        signatures = List.copyOf(signatures);
    }

    public boolean signed() {
        return status == Status.SIGNED;
    }

    static SignOutcome notSigned(Status status, String authorDomain, String reason) {
        return new SignOutcome(status, null, List.of(), authorDomain, reason);
    }
}
