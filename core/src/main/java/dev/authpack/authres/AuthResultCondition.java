package dev.authpack.authres;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
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
 * clause    = test / "trusted-authserv=" ids / "ignored-authserv=" ids
 * test      = method "=" word *( "," word )      ; word: a result word, or "missing"
 * ids       = authserv-id *( "," authserv-id )
 * </pre>
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
    private static final Pattern AUTHSERV_ID = Pattern.compile("[^\\s\";,()]+");

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
            throw new IllegalArgumentException("empty condition (expected method=result[,result...], e.g. dkim=pass)");
        }
        if (condition.length() > MAX_CONDITION_CHARS) {
            throw new IllegalArgumentException("condition longer than " + MAX_CONDITION_CHARS + " characters");
        }
        List<MethodTest> tests = new ArrayList<>();
        Set<String> methods = new LinkedHashSet<>();
        List<String> trusted = null;
        List<String> ignored = null;
        for (String clause : condition.split(";", -1)) {
            String text = clause.strip();
            if (text.isEmpty()) {
                throw new IllegalArgumentException("empty clause (two ';' in a row, or a ';' at either end)");
            }
            int equals = text.indexOf('=');
            if (equals < 0) {
                throw new IllegalArgumentException("'" + text + "' has no '=' (expected method=result,"
                        + " " + TRUSTED_KEY + "=ID or " + IGNORED_KEY + "=ID)");
            }
            String key = text.substring(0, equals).strip().toLowerCase(Locale.ROOT);
            List<String> values = list(text.substring(equals + 1), key);
            if (key.equals(TRUSTED_KEY) || key.equals(IGNORED_KEY)) {
                for (String id : values) {
                    if (!AUTHSERV_ID.matcher(id).matches()) {
                        throw new IllegalArgumentException("not an authserv-id in " + key + ": '" + id + "'");
                    }
                }
                if (key.equals(TRUSTED_KEY)) {
                    if (trusted != null) {
                        throw new IllegalArgumentException(TRUSTED_KEY + " given twice (list the ids with commas)");
                    }
                    trusted = values;
                } else {
                    if (ignored != null) {
                        throw new IllegalArgumentException(IGNORED_KEY + " given twice (list the ids with commas)");
                    }
                    ignored = values;
                }
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
        return new AuthResultCondition(tests, AuthResultsTrust.of(trusted == null ? List.of() : trusted,
                ignored == null ? List.of() : ignored, null));
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
        if (!trust.trusted().isEmpty()) {
            clauses.add(TRUSTED_KEY + "=" + trust.trusted().stream().sorted().collect(Collectors.joining(",")));
        }
        if (!trust.ignored().isEmpty()) {
            clauses.add(IGNORED_KEY + "=" + trust.ignored().stream().sorted().collect(Collectors.joining(",")));
        }
        return String.join("; ", clauses);
    }
}
