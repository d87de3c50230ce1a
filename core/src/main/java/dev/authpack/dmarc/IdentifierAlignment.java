package dev.authpack.dmarc;

import java.util.concurrent.CompletableFuture;

/**
 * Whether one authenticated identifier (SPF MAIL FROM domain, DKIM {@code d=}) is aligned with the author domain
 * (RFC 9989 §4.4, RFC 7489 §3.1), deciding without DNS wherever the answer cannot depend on it, and never letting
 * a DNS failure at a name the author's organization does not own make the outcome unknown (docs/dmarc.md
 * "Fail-closed rules").
 *
 * <p>Strict: identical names. Relaxed, RFC 7489: the same Public Suffix List organizational domain, no DNS.
 * Relaxed, RFC 9989: the same Organizational Domain, by DNS Tree Walk (§4.10.2). An Organizational Domain is the
 * name itself or one of its ancestors, so the identifier's can equal the author's ({@code O_A}) only when the
 * identifier is {@code O_A} or below it. Hence:
 * <ol>
 *   <li>no common ancestor (different top-level domains): not aligned, no DNS;</li>
 *   <li>the author's walk is complete and the identifier is not at or below {@code O_A}: not aligned, no DNS
 *       (the attacker's own {@code _dmarc} names are never asked);</li>
 *   <li>otherwise the identifier's walk runs. Its names are {@code O_A} and below (the author's organization) or
 *       ancestors the author's walk already asked, so a failure there is the author's: alignment unknown.</li>
 *   <li>when the author's own walk failed ({@code O_A} unknown, the author's record being known): a failure at a
 *       name that is neither an ancestor of the author domain nor at or below it belongs to the identifier's owner
 *       and means not aligned; an identifier whose Organizational Domain is not an ancestor-or-self of the author
 *       domain is not aligned; else unknown.</li>
 * </ol>
 */
final class IdentifierAlignment {
    /**
     * The alignment of one identifier; {@code localOverload}: {@code UNKNOWN} because a lookup that decides it was
     * not sent by this server's resolver ({@link PolicyLookup#localOverload()}).
     */
    record Alignment(String identifier, State state, String detail, boolean localOverload) {
        enum State { ALIGNED, NOT_ALIGNED, UNKNOWN }

        Alignment(String identifier, State state, String detail) {
            this(identifier, state, detail, false);
        }
    }

    private IdentifierAlignment() {
    }

    /**
     * @param authorWalk the author's tree walk (RFC 9989), or null in RFC 7489 mode
     */
    static CompletableFuture<Alignment> align(String author, String identifier, AlignmentMode mode, DmarcMode spec,
                                              TreeWalk.Outcome authorWalk, DmarcLookups lookups) {
        if (identifier.equals(author)) {
            return done(identifier, Alignment.State.ALIGNED, null);
        }
        String common = TreeWalk.commonAncestor(author, identifier);
        if (mode == AlignmentMode.STRICT || common == null) {
            return done(identifier, Alignment.State.NOT_ALIGNED, null);
        }
        if (spec == DmarcMode.RFC7489) {
            boolean same = PublicSuffixOrgDomain.of(author).equals(PublicSuffixOrgDomain.of(identifier));
            return done(identifier, same ? Alignment.State.ALIGNED : Alignment.State.NOT_ALIGNED, null);
        }
        if (!authorWalk.failed() && !TreeWalk.isAtOrBelow(identifier, authorWalk.orgDomain())) {
            return done(identifier, Alignment.State.NOT_ALIGNED, null);
        }
        return lookups.walk(identifier).thenApply(walk -> decide(author, identifier, authorWalk, walk));
    }

    private static Alignment decide(String author, String identifier, TreeWalk.Outcome authorWalk,
                                    TreeWalk.Outcome walk) {
        if (walk.failed()) {
            String failed = walk.errorDomain();
            boolean authors = !authorWalk.failed() || TreeWalk.isAtOrBelow(author, failed)
                    || TreeWalk.isAtOrBelow(failed, author);
            return authors ? new Alignment(identifier, Alignment.State.UNKNOWN, walk.error(), walk.errorOverload())
                    : new Alignment(identifier, Alignment.State.NOT_ALIGNED, null);
        }
        if (authorWalk.failed()) {
            return TreeWalk.isAtOrBelow(author, walk.orgDomain())
                    ? new Alignment(identifier, Alignment.State.UNKNOWN, authorWalk.error(), authorWalk.errorOverload())
                    : new Alignment(identifier, Alignment.State.NOT_ALIGNED, null);
        }
        return new Alignment(identifier, walk.orgDomain().equals(authorWalk.orgDomain())
                ? Alignment.State.ALIGNED : Alignment.State.NOT_ALIGNED, null);
    }

    private static CompletableFuture<Alignment> done(String identifier, Alignment.State state, String detail) {
        return CompletableFuture.completedFuture(new Alignment(identifier, state, detail));
    }
}
