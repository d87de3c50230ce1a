package dev.authpack.authres;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which {@code Authentication-Results} fields may be believed, by authserv-id (RFC 8601 §5, §7.1). As in
 * SpamAssassin's AuthRes plugin ({@code authres_trusted_authserv}, {@code authres_ignored_authserv}), only fields
 * from a trusted authserv-id are used, and ignored ids are skipped even if also trusted. In addition, a field that
 * claims our own id is never used: what we found is in our own results, and a copy in the message may be forged.
 *
 * <p>Ids compare case-insensitively, as the domain names they usually are. With no trusted id, no field is used.
 *
 * @param trusted the trusted authserv-ids, lower-case
 * @param ignored the ignored authserv-ids, lower-case
 * @param ownId   our own authserv-id, lower-case, if known
 */
public record AuthResultsTrust(Set<String> trusted, Set<String> ignored, Optional<String> ownId) {
    /** Trusts nothing: every field is {@link FieldTrust#UNTRUSTED}. */
    public static final AuthResultsTrust NONE = new AuthResultsTrust(Set.of(), Set.of(), Optional.empty());

    public AuthResultsTrust {
        trusted = normalize(trusted);
        ignored = normalize(ignored);
        ownId = Objects.requireNonNull(ownId, "ownId").map(AuthResultsTrust::lower).filter(id -> !id.isEmpty());
    }

    /** A policy; {@code ownId} may be null when unknown. Blank ids are dropped. */
    public static AuthResultsTrust of(Collection<String> trusted, Collection<String> ignored, String ownId) {
        return new AuthResultsTrust(Set.copyOf(trusted), Set.copyOf(ignored), Optional.ofNullable(ownId));
    }

    /** The same policy with {@code ownId} (may be null) as our own authserv-id. */
    public AuthResultsTrust withOwnId(String ownId) {
        return new AuthResultsTrust(trusted, ignored, Optional.ofNullable(ownId));
    }

    /**
     * Classifies a field. {@code fieldBody} is the raw body, for the "claims to be ours" test (the same one the
     * mailets use to remove forged fields: {@link AuthServIds#claims}); {@code authservId} is the id the parser
     * read, if any. A field whose id could not be read is untrusted (or ours, if it claims to be).
     */
    public FieldTrust classify(String fieldBody, Optional<String> authservId) {
        Optional<String> id = authservId.map(AuthResultsTrust::lower);
        if (ownId.isPresent() && (AuthServIds.claims(fieldBody, ownId.get()) || id.equals(ownId))) {
            return FieldTrust.OWN;
        }
        if (id.isEmpty()) {
            return FieldTrust.UNTRUSTED;
        }
        if (ignored.contains(id.get())) {
            return FieldTrust.IGNORED;
        }
        return trusted.contains(id.get()) ? FieldTrust.TRUSTED : FieldTrust.UNTRUSTED;
    }

    private static Set<String> normalize(Set<String> ids) {
        Set<String> out = new LinkedHashSet<>();
        for (String id : ids) {
            String lower = lower(id);
            if (!lower.isEmpty()) {
                out.add(lower);
            }
        }
        return Set.copyOf(out);
    }

    private static String lower(String id) {
        return id.strip().toLowerCase(Locale.ROOT);
    }
}
