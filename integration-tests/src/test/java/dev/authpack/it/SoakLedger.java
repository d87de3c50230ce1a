package dev.authpack.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The soak's books: every message submitted (registered before DATA), accepted, refused or left unknown by an I/O
 * error, and every mail found in a James repository, checked by {@link #found} against what was sent. Thread-safe:
 * SMTP clients and the repository reader write to it at the same time.
 */
final class SoakLedger {
    /** Where mail may end up: delivered locally, or routed by the DMARC disposition (DmarcRouting). */
    static final Set<String> OUTCOMES = Set.copyOf(DmarcRouting.OUTCOMES);
    /** Examples kept per violation kind, so a failure message stays readable. */
    static final int EXAMPLES_PER_VIOLATION = 3;
    /** Characters of a header section quoted in an example. */
    static final int EXAMPLE_CHARS = 3_000;
    private static final Pattern SURVIVOR = Pattern.compile(Pattern.quote(SoakMessages.FORGED_MARK) + "-([a-z-]+)");

    private final ConcurrentMap<Long, SoakMessages.Sent> submitted = new ConcurrentHashMap<>();
    private final Set<Long> accepted = ConcurrentHashMap.newKeySet();
    private final ConcurrentMap<Long, String> foundIn = new ConcurrentHashMap<>();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong unknown = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong exactHits = new AtomicLong();
    private final AtomicLong exactMisses = new AtomicLong();
    private final ConcurrentMap<String, AtomicLong> repositories = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, AtomicLong> results = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, AtomicLong> violations = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, List<String>> examples = new ConcurrentHashMap<>();

    // ------------------------------------------------------------------ SMTP side

    void connection() {
        connections.incrementAndGet();
    }

    void submitting(SoakMessages.Sent sent) {
        submitted.put(sent.id(), sent);
    }

    void accepted(long id) {
        accepted.add(id);
    }

    void refused(long id, String reply) {
        refused.incrementAndGet();
        violation("refused over SMTP", id, reply);
    }

    /** The connection failed between DATA and its reply: nobody knows whether James took the message. */
    void unknown(long id, String error) {
        unknown.incrementAndGet();
        violation("no reply to DATA", id, error);
    }

    /** Accepted over SMTP and not found in any repository yet. */
    long inFlight() {
        return accepted.stream().filter(id -> !foundIn.containsKey(id)).count();
    }

    // ------------------------------------------------------------------ repository side

    /** A mail James stored in {@code repository}: accounted for, then checked if it is one of ours. */
    void found(String repository, DeliveredMail mail) {
        repositories.computeIfAbsent(repository, r -> new AtomicLong()).incrementAndGet();
        long id = SoakMessages.idOf(mail.sender());
        SoakMessages.Sent sent = submitted.get(id);
        if (sent == null) {
            violation("mail the soak did not send", id, repository + ": " + mail.sender());
            return;
        }
        if (foundIn.putIfAbsent(id, repository) != null) {
            violation("found twice", id, foundIn.get(id) + " and " + repository);
            return;
        }
        if (!OUTCOMES.contains(repository)) {
            violation("in repository " + repository, id, mail.headerSection());
            return;
        }
        check(sent, mail);
    }

    /**
     * Forged fields (marked) must be gone, the upstream field kept, and exactly one field of ours, the topmost,
     * carrying results the category allows.
     */
    private void check(SoakMessages.Sent sent, DeliveredMail mail) {
        List<String> raw = mail.headers("Authentication-Results");
        long upstream = 0;
        List<AuthResultsField> ours = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            String field = raw.get(i);
            Matcher survivor = SURVIVOR.matcher(field);
            if (survivor.find()) {
                violation("forged field survived: " + survivor.group(1), sent.id(), mail.headerSection());
            } else if (field.contains(SoakMessages.UPSTREAM_MARK)) {
                upstream++;
            } else if (isOurs(field)) {
                ours.add(AuthResultsField.parse(field));
                if (i != 0) {
                    violation("our field is not the topmost", sent.id(), mail.headerSection());
                }
            } else {
                violation("unexpected Authentication-Results", sent.id(), mail.headerSection());
            }
        }
        if (upstream != (sent.upstream() ? 1 : 0)) {
            violation("upstream field " + (sent.upstream() ? "lost" : "appeared"), sent.id(), mail.headerSection());
        }
        if (ours.size() != 1) {
            violation(ours.size() + " fields of ours", sent.id(), mail.headerSection());
            return;
        }
        checkResults(sent, ours.get(0), mail);
    }

    private static boolean isOurs(String field) {
        try {
            return AuthResultsField.parse(field).authservId().equalsIgnoreCase(Expectations.SERVER_ID);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private void checkResults(SoakMessages.Sent sent, AuthResultsField field, DeliveredMail mail) {
        SoakCategory c = sent.category();
        boolean exact = !c.exact().isEmpty();
        for (Map.Entry<String, Set<String>> e : c.allowed().entrySet()) {
            String method = e.getKey();
            List<String> words = words(field, method);
            if (words.isEmpty()) {
                violation("no " + method + " result for " + c, sent.id(), mail.headerSection());
                exact = false;
                continue;
            }
            for (String word : words) {
                results.computeIfAbsent(c.label() + " " + method + "=" + word, k -> new AtomicLong())
                        .incrementAndGet();
                if (!e.getValue().contains(word)) {
                    violation(method + "=" + word + " for " + c + " (allowed " + new TreeSet<>(e.getValue()) + ")",
                            sent.id(), mail.headerSection());
                }
                String want = c.exact().get(method);
                if (want != null && !want.equals(word)) {
                    exact = false;
                }
            }
        }
        if (!c.exact().isEmpty()) {
            (exact ? exactHits : exactMisses).incrementAndGet();
        }
    }

    /** The result words of a method in our field; {@code spf} is the MAIL FROM identity only. */
    private static List<String> words(AuthResultsField field, String method) {
        return field.results().stream()
                .filter(r -> r.method().equals(method))
                .filter(r -> !method.equals("spf") || r.property("smtp.mailfrom").isPresent())
                .map(AuthResultsField.Resinfo::result)
                .toList();
    }

    private void violation(String kind, long id, String detail) {
        violations.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
        List<String> list = examples.computeIfAbsent(kind, k -> new ArrayList<>());
        synchronized (list) {
            if (list.size() < EXAMPLES_PER_VIOLATION) {
                String text = detail.length() > EXAMPLE_CHARS ? detail.substring(0, EXAMPLE_CHARS) + "..." : detail;
                list.add("message " + id + ":\n" + text);
            }
        }
    }

    // ------------------------------------------------------------------ figures

    long submittedCount() {
        return submitted.size();
    }

    long acceptedCount() {
        return accepted.size();
    }

    long refusedCount() {
        return refused.get();
    }

    long unknownCount() {
        return unknown.get();
    }

    long connectionCount() {
        return connections.get();
    }

    /** Accepted messages found in no repository. */
    List<Long> lost() {
        return accepted.stream().filter(id -> !foundIn.containsKey(id)).sorted().toList();
    }

    long exactHits() {
        return exactHits.get();
    }

    long exactMisses() {
        return exactMisses.get();
    }

    /** Messages accepted per category. */
    Map<String, Long> perCategory() {
        Map<String, Long> m = new TreeMap<>();
        accepted.forEach(id -> m.merge(submitted.get(id).category().label(), 1L, Long::sum));
        return m;
    }

    Map<String, Long> repositories() {
        return snapshot(repositories);
    }

    /** {@code "<category> <method>=<result>"} counts. */
    Map<String, Long> results() {
        return snapshot(results);
    }

    Map<String, Long> violations() {
        return snapshot(violations);
    }

    /** A few examples of each violation. */
    String examples() {
        StringBuilder s = new StringBuilder();
        new TreeMap<>(examples).forEach((kind, list) -> {
            synchronized (list) {
                list.forEach(e -> s.append("--- ").append(kind).append(", ").append(e).append('\n'));
            }
        });
        return s.toString();
    }

    private static Map<String, Long> snapshot(Map<String, AtomicLong> counters) {
        Map<String, Long> m = new TreeMap<>();
        counters.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }
}
