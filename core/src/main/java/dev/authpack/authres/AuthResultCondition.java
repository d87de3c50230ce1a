package dev.authpack.authres;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The condition of the {@code HasAuthResult} matcher (docs/HasAuthResult.md), the analogue of SpamAssassin's
 * {@code check_authres_result(method, result)}:
 *
 * <pre>
 * condition = clause *( ";" clause )
 * clause    = test / "trusted-authserv=" trusted *( "," trusted ) / "ignored-authserv=" ids
 * test      = method "=" word *( "," word )      ; word: a result word, or "missing"
 * trusted   = authserv-id [ "@" ( "any" / ip-address / cidr-range ) ]
 * ids       = authserv-id *( "," authserv-id )
 * </pre>
 *
 * A trusted id is believed only for mail from where its scope says ({@link TrustScope}): {@code id@10.1.0.0/16}
 * from that network (repeat the id for more), a bare {@code id} from the receiving server's own trusted networks,
 * {@code id@any} from anywhere. ({@code @} cannot be part of an authserv-id: RFC 8601 §2.2 makes it a token, and
 * {@code @} is a tspecial of RFC 2045 §5.1.)
 *
 * Spaces around names, words and separators do not matter; case does not matter. The condition holds when every
 * test holds (AND); a test holds when the method's newest trusted result ({@link TrustedAuthResults#result}) is
 * one of its words, or, for {@code missing}, when there is no result for the method. Method names must be
 * registered ones or experimental {@code x-} names, and result words must be ones the method has, so that a typo
 * stops James at startup instead of never matching.
 */
public final class AuthResultCondition {
    public static final String TRUSTED_KEY = "trusted-authserv";
    public static final String IGNORED_KEY = "ignored-authserv";
    /** The word that matches when the method has no result. */
    public static final String MISSING = "missing";
    private static final int MAX_CONDITION_CHARS = 4096;
    private static final Pattern KEYWORD = Pattern.compile("[a-z0-9][a-z0-9_-]*");
    private static final Pattern AUTHSERV_ID = Pattern.compile("[^\\s\";,()@]+");

    private final List<MethodTest> tests;
    private final AuthResultsTrust trust;

    private AuthResultCondition(List<MethodTest> tests, AuthResultsTrust trust) {
        this.tests = List.copyOf(tests);
        this.trust = trust;
    }

    /**
     * One test: {@code method} has one of {@code words} as its newest trusted result ({@code missing}: none).
     *
     * @param method lower-case method name
     * @param words  lower-case result words, possibly {@code missing}
     */
    public record MethodTest(String method, Set<String> words) {
        public MethodTest {
            words = Set.copyOf(words);
        }

        public boolean matches(Optional<String> result) {
            return result.map(r -> words.contains(r.toLowerCase(Locale.ROOT))).orElse(words.contains(MISSING));
        }
    }

    /**
     * Parses a condition.
     *
     * @throws IllegalArgumentException with a message saying what is wrong, for a malformed condition
     */
    public static AuthResultCondition parse(String condition) {
        if (condition == null || condition.isBlank()) {
            // no "(expected ...)" here: the matcher's message says what a condition is, once
            throw new IllegalArgumentException("empty condition");
        }
        if (condition.length() > MAX_CONDITION_CHARS) {
            throw new IllegalArgumentException("condition longer than " + MAX_CONDITION_CHARS + " characters");
        }
        List<MethodTest> tests = new ArrayList<>();
        Set<String> methods = new LinkedHashSet<>();
        Map<String, TrustScope> trusted = null;
        List<String> ignored = null;
        for (String clause : condition.split(";", -1)) {
            String text = clause.strip();
            if (text.isEmpty()) {
                throw new IllegalArgumentException("empty clause (two ';' in a row, or a ';' at either end)");
            }
            int equals = text.indexOf('=');
            if (equals < 0) {
                throw new IllegalArgumentException("'" + text + "' has no '=' (a clause is method=result, "
                        + TRUSTED_KEY + "=ID or " + IGNORED_KEY + "=ID)");
            }
            String key = text.substring(0, equals).strip().toLowerCase(Locale.ROOT);
            List<String> values = list(text.substring(equals + 1), key);
            if (key.equals(TRUSTED_KEY)) {
                if (trusted != null) {
                    throw new IllegalArgumentException(TRUSTED_KEY + " given twice (list the ids with commas)");
                }
                trusted = trustedIds(values);
            } else if (key.equals(IGNORED_KEY)) {
                if (ignored != null) {
                    throw new IllegalArgumentException(IGNORED_KEY + " given twice (list the ids with commas)");
                }
                values.forEach(id -> authservId(IGNORED_KEY, id));
                ignored = values;
            } else {
                tests.add(test(key, values));
                if (!methods.add(key)) {
                    throw new IllegalArgumentException("method " + key
                            + " tested twice (list its result words with commas: " + key + "=pass,none)");
                }
            }
        }
        if (tests.isEmpty()) {
            throw new IllegalArgumentException("no method=result test (e.g. dkim=pass)");
        }
        return new AuthResultCondition(tests, AuthResultsTrust.scoped(trusted == null ? Map.of() : trusted,
                ignored == null ? List.of() : ignored, null));
    }

    /** {@code id}, {@code id@any}, {@code id@network}; an id listed several times is trusted from each place. */
    private static Map<String, TrustScope> trustedIds(List<String> values) {
        Map<String, TrustScope> scopes = new LinkedHashMap<>();
        for (String value : values) {
            int at = value.indexOf('@');
            String id = authservId(TRUSTED_KEY, at < 0 ? value : value.substring(0, at).strip());
            TrustScope scope;
            try {
                scope = at < 0 ? TrustScope.OWN_NETWORKS : TrustScope.parse(value.substring(at + 1));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bad scope in " + TRUSTED_KEY + " '" + value + "': " + e.getMessage(), e);
            }
            scopes.merge(id.toLowerCase(Locale.ROOT), scope, TrustScope::plus);
        }
        return scopes;
    }

    private static String authservId(String key, String id) {
        if (!AUTHSERV_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("not an authserv-id in " + key + ": '" + id + "'"
                    + (id.indexOf('@') >= 0 && key.equals(IGNORED_KEY) ? " (an ignored id takes no @scope)" : ""));
        }
        return id;
    }

    private static MethodTest test(String method, List<String> words) {
        if (!KEYWORD.matcher(method).matches()) {
            throw new IllegalArgumentException("not a method name: '" + method + "'");
        }
        if (!RegisteredMethods.isAccepted(method)) {
            throw new IllegalArgumentException("unknown method '" + method + "' (registered methods: "
                    + RegisteredMethods.names() + "; experimental ones start with x-)");
        }
        Optional<Set<String>> known = RegisteredMethods.resultWords(method);
        Set<String> lowered = new LinkedHashSet<>();
        for (String word : words) {
            String w = word.toLowerCase(Locale.ROOT);
            boolean valid = w.equals(MISSING)
                    || known.map(k -> k.contains(w)).orElseGet(() -> KEYWORD.matcher(w).matches());
            if (!valid) {
                throw new IllegalArgumentException("'" + word + "' is not a result of " + method
                        + known.map(k -> " (results: " + String.join(", ", new TreeSet<>(k))
                        + ", or missing)").orElse(""));
            }
            lowered.add(w);
        }
        return new MethodTest(method, lowered);
    }

    private static List<String> list(String text, String key) {
        List<String> values = new ArrayList<>();
        for (String item : text.split(",", -1)) {
            String value = item.strip();
            if (value.isEmpty()) {
                throw new IllegalArgumentException("empty value in '" + key + "=" + text.strip() + "'");
            }
            values.add(value);
        }
        return values;
    }

    /** The tests, in the order written. */
    public List<MethodTest> tests() {
        return tests;
    }

    /**
     * The trusted authserv-ids written without a scope: believed only from the receiving server's own trusted
     * networks (worth a warning at startup: before this release they were believed from anywhere).
     */
    public List<String> bareTrustedIds() {
        return trust.scopes().entrySet().stream().filter(e -> e.getValue().ownNetworks()).map(Map.Entry::getKey)
                .sorted().toList();
    }

    /** The trusted authserv-ids believed from any client ({@code @any}). */
    public List<String> trustedFromAnywhere() {
        return trust.scopes().entrySet().stream().filter(e -> e.getValue().anywhere()).map(Map.Entry::getKey)
                .sorted().toList();
    }

    /** The trusted and ignored authserv-ids the condition names (no own id: that comes from the mail). */
    public AuthResultsTrust trust() {
        return trust;
    }

    /** Whether every test holds for these results. */
    public boolean matches(TrustedAuthResults results) {
        for (MethodTest test : tests) {
            if (!test.matches(results.result(test.method()))) {
                return false;
            }
        }
        return true;
    }

    /** The condition in canonical form, for logs. */
    @Override
    public String toString() {
        List<String> clauses = new ArrayList<>();
        for (MethodTest test : tests) {
            clauses.add(test.method() + "=" + test.words().stream().sorted().collect(Collectors.joining(",")));
        }
        if (!trust.scopes().isEmpty()) {
            List<String> entries = new ArrayList<>();
            trust.scopes().forEach((id, scope) -> scope.spellings()
                    .forEach(where -> entries.add(where.isEmpty() ? id : id + "@" + where)));
            clauses.add(TRUSTED_KEY + "=" + entries.stream().sorted().collect(Collectors.joining(",")));
        }
        if (!trust.ignored().isEmpty()) {
            clauses.add(IGNORED_KEY + "=" + trust.ignored().stream().sorted().collect(Collectors.joining(",")));
        }
        return String.join("; ", clauses);
    }
}
