package dev.authpack.authres;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The IANA "Email Authentication Methods" and their result words (RFC 8601 §2.7 and the RFCs that registered
 * later methods), plus words real servers use (SpamAssassin's AuthRes accepts the same): {@code hardfail} for
 * spf and sender-id (RFC 5451), {@code bestguesspass} for dmarc (Microsoft). Used to refuse typos in
 * HasAuthResult conditions; the parser keeps every method and word it reads.
 */
final class RegisteredMethods {
    private static final Map<String, Set<String>> RESULTS = Map.ofEntries(
            Map.entry("arc", Set.of("pass", "fail", "none")),
            Map.entry("auth", Set.of("pass", "fail", "none", "temperror", "permerror")),
            Map.entry("bimi", Set.of("pass", "fail", "none", "temperror", "declined", "skipped")),
            Map.entry("dkim", Set.of("pass", "fail", "neutral", "none", "policy", "temperror", "permerror")),
            Map.entry("dkim-adsp", Set.of("pass", "fail", "none", "unknown", "discard", "nxdomain", "temperror",
                    "permerror")),
            Map.entry("dkim-atps", Set.of("pass", "fail", "neutral", "none", "temperror", "permerror")),
            Map.entry("dmarc", Set.of("pass", "fail", "none", "temperror", "permerror", "bestguesspass")),
            Map.entry("dnswl", Set.of("pass", "none", "temperror", "permerror")),
            Map.entry("domainkeys", Set.of("pass", "fail", "neutral", "none", "policy", "temperror", "permerror")),
            Map.entry("iprev", Set.of("pass", "fail", "temperror", "permerror")),
            Map.entry("rrvs", Set.of("pass", "fail", "none", "unknown", "temperror", "permerror")),
            Map.entry("sender-id", Set.of("pass", "fail", "softfail", "neutral", "none", "policy", "hardfail",
                    "temperror", "permerror")),
            Map.entry("smime", Set.of("pass", "fail", "neutral", "none", "policy", "temperror", "permerror")),
            Map.entry("spf", Set.of("pass", "fail", "softfail", "neutral", "none", "policy", "hardfail",
                    "temperror", "permerror")),
            Map.entry("vbr", Set.of("pass", "fail", "none", "temperror", "permerror")));

    private RegisteredMethods() {
    }

    /** The result words of a registered method; empty for an unregistered one. */
    static Optional<Set<String>> resultWords(String method) {
        return Optional.ofNullable(RESULTS.get(method));
    }

    /** Registered, or an experimental {@code x-} name. */
    static boolean isAccepted(String method) {
        return RESULTS.containsKey(method) || (method.startsWith("x-") && method.length() > 2);
    }

    static String names() {
        return String.join(", ", new TreeSet<>(RESULTS.keySet()));
    }
}
