package dev.authpack.authres;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The results a message's {@code Authentication-Results} fields give under a trust policy: every field parsed
 * and classified, and per method the newest trusted result.
 *
 * <p>Rules (docs/authentication-results.md, "Trust"):
 * <ul>
 *   <li>Fields are read top to bottom, that is newest first (RFC 8601 §4: each hop prepends its field), at most
 *       {@link #MAX_FIELDS}. Our own results, when given, count as a field above all of them.</li>
 *   <li>Only a field that parses and whose authserv-id is trusted is used ({@link EvaluatedField#used()}); when
 *       the path is known ({@link #evaluate(List, List, AuthResultsTrust, Arrival)}), only if the mail came from
 *       where that id is trusted from and the field is above that server's {@code Received} field
 *       ({@link AuthResultsTrust#classify(String, Optional, Arrival, int)}).</li>
 *   <li>For each method, the first (newest) used field with a result for it decides. Within that field,
 *       for {@code spf} the results with {@code smtp.mailfrom} count when there are any (the HELO result speaks
 *       only without a MAIL FROM result); then, for the methods with one result per signature ({@code dkim},
 *       {@code domainkeys}, {@code smime}), {@code pass} wins if any of the results passed (as in SpamAssassin's
 *       AuthRes: one good DKIM signature is enough); for any other method {@code pass} only if all passed (several
 *       {@code dmarc} results are several author domains: RFC 9989 §11.5, the strictest applies). Otherwise the
 *       strictest result that did not pass ({@link #STRICTEST_FIRST}: fail, softfail, policy, permerror,
 *       temperror, neutral, none, then any other word; among equals the first listed).</li>
 * </ul>
 */
public final class TrustedAuthResults {
    /** Fields read from one message; further (older) ones are not looked at. */
    public static final int MAX_FIELDS = 100;
    /**
     * Methods with one result per signature (RFC 8601 §2.7.1): one that passed authenticates its signer, whatever
     * the others say. Several results of any other method in one field are about several subjects (the author
     * domains of one message, for {@code dmarc}), and one that did not pass must not be hidden by one that did
     * (review s22).
     */
    private static final Set<String> PER_SIGNATURE = Set.of("dkim", "domainkeys", "smime");
    /**
     * The result words of RFC 8601 §2.7 that did not pass, strictest first: what a receiver acts on most severely
     * comes first. {@code fail} (the check says the mail is not authentic), {@code softfail}, {@code policy} (a
     * local policy refused it), then the errors ({@code permerror} before {@code temperror}: a broken record stays
     * broken), {@code neutral}, {@code none} (nothing to check). Of several results of one method in one field the strictest is the summary (review s22: RFC 9989 §11.5,
     * the strictest applies; {@code dmarc=none} for one author domain listed first hid {@code dmarc=fail} for
     * another).
     */
    static final List<String> STRICTEST_FIRST = List.of("fail", "softfail", "policy", "permerror",
            "temperror", "neutral", "none");

    private final List<EvaluatedField> fields;
    private final Map<String, String> newest;

    private TrustedAuthResults(List<EvaluatedField> fields, Map<String, String> newest) {
        this.fields = List.copyOf(fields);
        this.newest = Collections.unmodifiableMap(newest);
    }

    /**
     * One field as read.
     *
     * @param authservId the authserv-id, if the parser could read it (see {@link ParsedAuthResults#authservId()})
     * @param trust      how the policy classifies the field's authserv-id
     * @param parsed     the parsed field, or why it is malformed
     */
    public record EvaluatedField(Optional<String> authservId, FieldTrust trust, ParsedAuthResults parsed) {
        /** Whether its results count: trusted and well-formed. */
        public boolean used() {
            return trust == FieldTrust.TRUSTED && parsed.isValid();
        }
    }

    /**
     * One {@code Authentication-Results} field of a message and where it stands.
     *
     * @param body          the field body
     * @param receivedAbove how many {@code Received} fields are above it in the header
     */
    public record PlacedField(String body, int receivedAbove) {
        public PlacedField {
            Objects.requireNonNull(body, "body");
            if (receivedAbove < 0) {
                throw new IllegalArgumentException("receivedAbove < 0");
            }
        }
    }

    /**
     * Our own results (newest of all; may be empty) and then the message's fields, top to bottom, of a message
     * that arrived so: the path-bound evaluation the {@code HasAuthResult} matcher uses.
     */
    public static TrustedAuthResults evaluate(List<MethodResult> ownResults, List<PlacedField> fields,
                                              AuthResultsTrust trust, Arrival arrival) {
        List<EvaluatedField> evaluated = new ArrayList<>();
        for (PlacedField field : fields.subList(0, Math.min(fields.size(), MAX_FIELDS))) {
            ParsedAuthResults parsed = AuthResultsParser.parse(field.body());
            evaluated.add(new EvaluatedField(parsed.authservId(),
                    trust.classify(field.body(), parsed.authservId(), arrival, field.receivedAbove()), parsed));
        }
        return decideAll(ownResults, evaluated);
    }

    /** The message's field bodies, top to bottom, under {@code trust}, path unknown (tools reading a file). */
    public static TrustedAuthResults evaluate(List<String> fieldBodies, AuthResultsTrust trust) {
        return evaluate(List.of(), fieldBodies, trust);
    }

    /**
     * Our own results (newest of all; may be empty) and then the message's field bodies, top to bottom, under
     * {@code trust}, path unknown: trusted ids are believed by name (tools reading a file).
     */
    public static TrustedAuthResults evaluate(List<MethodResult> ownResults, List<String> fieldBodies,
                                              AuthResultsTrust trust) {
        List<EvaluatedField> fields = new ArrayList<>();
        for (String body : fieldBodies.subList(0, Math.min(fieldBodies.size(), MAX_FIELDS))) {
            ParsedAuthResults parsed = AuthResultsParser.parse(body);
            fields.add(new EvaluatedField(parsed.authservId(), trust.classify(body, parsed.authservId()), parsed));
        }
        return decideAll(ownResults, fields);
    }

    private static TrustedAuthResults decideAll(List<MethodResult> ownResults, List<EvaluatedField> fields) {
        Map<String, String> newest = new LinkedHashMap<>();
        decide(newest, ownResults);
        for (EvaluatedField field : fields) {
            if (field.used()) {
                decide(newest, field.parsed().header().orElseThrow().results());
            }
        }
        return new TrustedAuthResults(fields, newest);
    }

    /** Every field read, top to bottom. */
    public List<EvaluatedField> fields() {
        return fields;
    }

    /** Method (lower-case) to the newest trusted result word, in the order the methods were first decided. */
    public Map<String, String> results() {
        return newest;
    }

    /** The newest trusted result of {@code method}, or empty when there is none ("missing"). */
    public Optional<String> result(String method) {
        return Optional.ofNullable(newest.get(method.toLowerCase(Locale.ROOT)));
    }

    /** Adds a decision for each method of one source (one field, or our own results) not decided yet. */
    private static void decide(Map<String, String> newest, List<MethodResult> source) {
        Map<String, List<MethodResult>> byMethod = new LinkedHashMap<>();
        for (MethodResult result : source) {
            String method = result.method().toLowerCase(Locale.ROOT);
            if (!newest.containsKey(method)) {
                byMethod.computeIfAbsent(method, m -> new ArrayList<>()).add(result);
            }
        }
        byMethod.forEach((method, results) -> newest.put(method, summarize(method, results)));
    }

    /** The one result word of several results of one method in one field (see the class comment). */
    static String summarize(String method, List<MethodResult> results) {
        List<MethodResult> candidates = results;
        if (method.equals("spf")) {
            List<MethodResult> mailFrom = results.stream().filter(TrustedAuthResults::hasMailFrom).toList();
            if (!mailFrom.isEmpty()) {
                candidates = mailFrom;
            }
        }
        boolean anyPass = false;
        String strictest = null;
        for (MethodResult result : candidates) {
            String word = result.result().toLowerCase(Locale.ROOT);
            if (word.equals("pass")) {
                anyPass = true;
            } else if (strictest == null || strictness(word) < strictness(strictest)) {
                strictest = word;
            }
        }
        if (anyPass && (strictest == null || PER_SIGNATURE.contains(method))) {
            return "pass";
        }
        return strictest != null ? strictest : candidates.get(0).result().toLowerCase(Locale.ROOT);
    }

    /**
     * The rank of a result word that did not pass, strictest first ({@link #STRICTEST_FIRST}); a word not listed
     * (an extension result) after them all. Among equals the first listed stays.
     */
    private static int strictness(String word) {
        int rank = STRICTEST_FIRST.indexOf(word);
        return rank < 0 ? STRICTEST_FIRST.size() : rank;
    }

    private static boolean hasMailFrom(MethodResult result) {
        return result.properties().stream().anyMatch(p -> p.ptype().equalsIgnoreCase("smtp")
                && p.property().equalsIgnoreCase("mailfrom"));
    }
}
