package dev.authpack.authres;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which {@code Authentication-Results} fields may be believed (RFC 8601 §5, §7.1). As in SpamAssassin's AuthRes
 * plugin ({@code authres_trusted_authserv}, {@code authres_ignored_authserv}), only fields from a trusted
 * authserv-id are used, and ignored ids are skipped even if also trusted. A field that claims our own id is never
 * used: what we found is in our own results, and a copy in the message may be forged.
 *
 * <p>Trust is bound to the path ({@link #classify(String, Optional, Arrival, int)}): a trusted id is believed only
 * for mail that came from where its {@link TrustScope} says, and only in a field that server prepended, that is
 * above the {@code Received} field it wrote. Counting from the top, the receiving server's own {@code Received}
 * field is the first ({@value #MAX_RECEIVED_ABOVE} at most may be above a believed field); the trusted server's is
 * the second, and whatever is below it was written before the mail reached that server.
 *
 * <p>Ids compare case-insensitively, as the domain names they usually are. With no trusted id, no field is used.
 *
 * @param scopes  the trusted authserv-ids, lower-case, each with where its mail must come from
 * @param ignored the ignored authserv-ids, lower-case
 * @param ownId   our own authserv-id, lower-case, if known
 */
public record AuthResultsTrust(Map<String, TrustScope> scopes, Set<String> ignored, Optional<String> ownId) {
    /** Trusts nothing: every field is {@link FieldTrust#UNTRUSTED}. */
    public static final AuthResultsTrust NONE = new AuthResultsTrust(Map.of(), Set.of(), Optional.empty());
    /** {@code Received} fields that may be above a believed field: the receiving server's own. */
    public static final int MAX_RECEIVED_ABOVE = 1;

    public AuthResultsTrust {
        Map<String, TrustScope> lowered = new LinkedHashMap<>();
        Objects.requireNonNull(scopes, "scopes").forEach((id, scope) -> {
            String l = lower(id);
            if (!l.isEmpty()) {
                lowered.merge(l, scope, TrustScope::plus);
            }
        });
        scopes = Map.copyOf(lowered);
        ignored = normalize(ignored);
        ownId = Objects.requireNonNull(ownId, "ownId").map(AuthResultsTrust::lower).filter(id -> !id.isEmpty());
    }

    /**
     * A policy for tools that do not know how the message travelled (the CLI reading a file): each trusted id is
     * scoped {@link TrustScope#ANYWHERE}. {@code ownId} may be null when unknown. Blank ids are dropped.
     */
    public static AuthResultsTrust of(Collection<String> trusted, Collection<String> ignored, String ownId) {
        Map<String, TrustScope> scopes = new LinkedHashMap<>();
        trusted.forEach(id -> scopes.put(id, TrustScope.ANYWHERE));
        return new AuthResultsTrust(scopes, Set.copyOf(ignored), Optional.ofNullable(ownId));
    }

    /** A policy whose trusted ids are believed only from their scopes; {@code ownId} may be null. */
    public static AuthResultsTrust scoped(Map<String, TrustScope> trusted, Collection<String> ignored, String ownId) {
        return new AuthResultsTrust(trusted, Set.copyOf(ignored), Optional.ofNullable(ownId));
    }

    /** The same policy with {@code ownId} (may be null) as our own authserv-id. */
    public AuthResultsTrust withOwnId(String ownId) {
        return new AuthResultsTrust(scopes, ignored, Optional.ofNullable(ownId));
    }

    /** The trusted authserv-ids, lower-case. */
    public Set<String> trusted() {
        return scopes.keySet();
    }

    /**
     * Classifies a field by its authserv-id alone, for tools that do not know the path. {@code fieldBody} is the
     * raw body, for the "claims to be ours" test (the same one the mailets use to remove forged fields:
     * {@link AuthServIds#claims}); {@code authservId} is the id the parser read, if any. A field whose id could not
     * be read is untrusted (or ours, if it claims to be).
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
        return scopes.containsKey(id.get()) ? FieldTrust.TRUSTED : FieldTrust.UNTRUSTED;
    }

    /**
     * Classifies a field of a message that arrived so: a field from a trusted id is {@link FieldTrust#OFF_PATH}
     * unless the client is in the id's scope and at most {@value #MAX_RECEIVED_ABOVE} {@code Received} field is
     * above it.
     *
     * @param receivedAbove how many {@code Received} fields are above the field in the header
     */
    public FieldTrust classify(String fieldBody, Optional<String> authservId, Arrival arrival, int receivedAbove) {
        FieldTrust byName = classify(fieldBody, authservId);
        if (byName != FieldTrust.TRUSTED) {
            return byName;
        }
        TrustScope scope = scopes.get(lower(authservId.orElseThrow()));
        boolean onPath = receivedAbove <= MAX_RECEIVED_ABOVE && scope.admits(arrival);
        return onPath ? FieldTrust.TRUSTED : FieldTrust.OFF_PATH;
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
