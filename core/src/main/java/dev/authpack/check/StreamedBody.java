package dev.authpack.check;

import dev.authpack.dkim.internal.BodyHasher;

/**
 * The body hashes of a message checked from its header section, its body streamed once
 * ({@link MailAuthChecker#hashBody}), for {@link MailAuthChecker#startHeaderOnly}.
 *
 * @param hashes  the DKIM and ARC body hashes of the body, every key the header section's signatures need; null
 *                when the body was not hashed
 * @param problem why the body could not be hashed (read error, a message that changed between the reads), or null;
 *                the signatures are then not verified, as for a body not read
 * @param octets  body octets hashed
 */
public record StreamedBody(BodyHasher.Computed hashes, String problem, long octets) {
    /** Not hashed: nothing to hash (no signature, no ARC Set), or a header section that is not clean. */
    public static final StreamedBody NONE = new StreamedBody(null, null, 0);

    static StreamedBody failed(String problem) {
        return new StreamedBody(null, problem, 0);
    }
}
