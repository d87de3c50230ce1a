package dev.authpack.authres;

import java.util.Locale;

/** How an {@code Authentication-Results} field's authserv-id stands under an {@link AuthResultsTrust} policy. */
public enum FieldTrust {
    /** From a listed trusted authserv-id: its results are used (when the field parses). */
    TRUSTED,
    /** From an authserv-id not listed as trusted: anyone could have written it, so it is never used. */
    UNTRUSTED,
    /**
     * From a trusted authserv-id, but not believed in this message: the mail did not come from where the id is
     * trusted from (its {@link TrustScope}), or the field is below the {@code Received} field that server wrote,
     * so someone wrote it before the mail reached that server.
     */
    OFF_PATH,
    /** From a listed ignored authserv-id (even if also listed as trusted): never used. */
    IGNORED,
    /**
     * Claims our own authserv-id: never used. Our results come from our own check, so such a field is either a
     * copy of them or forged by the sender (RFC 8601 §5); MailAuthCheck removes the forged ones.
     */
    OWN;

    /**
     * The lower-case word used in JSON and logs ({@code trusted}, {@code untrusted}, {@code off-path},
     * {@code ignored}, {@code own}).
     */
    public String word() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
