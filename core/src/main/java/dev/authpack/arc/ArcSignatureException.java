package dev.authpack.arc;

/** An ARC-Seal or ARC-Message-Signature that cannot be verified; the message says why. */
final class ArcSignatureException extends Exception {
    private static final long serialVersionUID = 1L;

    ArcSignatureException(String message) {
        super(message, null, false, false);
    }
}
