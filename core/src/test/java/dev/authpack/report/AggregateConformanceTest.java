package dev.authpack.report;

import dev.authpack.conformance.KnownFailures;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DMARC reports from two public suites (copied under {@code src/test/resources/testsuites/dmarc-reports/}, each with
 * its LICENSE and README): parsedmarc's samples ({@code expected.yaml}: every {@code aggregate/} file an aggregate
 * report with the values listed, every {@code failure/} file a failure report, {@code empty.xml} rejected) and
 * stalwart mail-auth's {@code dmarc-feedback/} (XML and report e-mails, each compared field by field with the
 * library's expected JSON, its enum names mapped to the RFC's words). Every file is parsed the way
 * {@code authpack report FILE} does ({@link ReportParser#parseFile}). Case ids are {@code SUITE/FILE/FIELD}; the
 * cases we do not pass are listed in known-failures/dmarc-reports.txt, and the run fails when that list is not
 * exactly true. Prints {@code DMARC reports <suite> <aspect>: passed N of M}.
 */
class AggregateConformanceTest {
    private static final KnownFailures KNOWN = KnownFailures.load("dmarc-reports.txt");
    private static final ReportParser PARSER = new ReportParser();
    private static final Yaml YAML = new Yaml(new SafeConstructor(new LoaderOptions()));

    private final Set<String> cases = new LinkedHashSet<>();
    private final Map<String, String> failures = new LinkedHashMap<>();
    private final Map<String, int[]> tallies = new LinkedHashMap<>();

    @Test
    void publicSuites() throws IOException, URISyntaxException {
        parsedmarc(suite("parsedmarc"));
        stalwart(suite("stalwart-mail-auth").resolve("dmarc-feedback"));
        tallies.forEach((k, t) -> System.out.println("DMARC reports " + k + ": passed " + t[0] + " of " + t[1]));
        List<String> problems = KNOWN.problems("", cases, failures);
        problems.forEach(p -> System.out.println("DMARC reports problem: " + p));
        assertThat(problems).isEmpty();
    }

    private static Path suite(String name) throws URISyntaxException {
        return Path.of(Objects.requireNonNull(AggregateConformanceTest.class
                .getResource("/testsuites/dmarc-reports/" + name + "/README.md")).toURI()).getParent();
    }

    @SuppressWarnings("unchecked")
    private void parsedmarc(Path dir) throws IOException {
        Map<String, Object> expected = YAML.load(Files.readString(dir.resolve("expected.yaml")));
        List<Map<String, Object>> list = (List<Map<String, Object>>) expected.get("cases");
        Set<String> listed = new LinkedHashSet<>();
        for (Map<String, Object> c : list) {
            String file = (String) c.get("file");
            listed.add(file);
            Report report = PARSER.parseFile(Files.readAllBytes(dir.resolve(file)), null);
            String id = "parsedmarc/" + file;
            String type = (String) c.get("report_type");
            switch (type) {
                case "aggregate" -> {
                    check(id + "/detected", "parsedmarc aggregate detected", report instanceof AggregateReport,
                            describe(report));
                    if (report instanceof AggregateReport a) {
                        Map<String, Object> got = ReportFields.of(a);
                        Map<String, Object> want = new LinkedHashMap<>(c);
                        for (String meta : List.of("file", "report_type", "note")) {
                            want.remove(meta);
                        }
                        compare(id, "parsedmarc aggregate fields", flatten("", want), flatten("", got));
                    }
                }
                case "failure" -> {
                    check(id + "/detected", "parsedmarc failure detected", report instanceof FeedbackReport,
                            describe(report));
                    if (report instanceof FeedbackReport f) {
                        if (c.containsKey("feedback_type")) {
                            check(id + "/feedback_type", "parsedmarc failure fields",
                                    c.get("feedback_type").equals(f.feedbackType()), "got " + f.feedbackType());
                        }
                        if (c.containsKey("source_ip")) {
                            check(id + "/source_ip", "parsedmarc failure fields",
                                    c.get("source_ip").equals(f.sourceIp()), "got " + f.sourceIp());
                        }
                        if (Boolean.TRUE.equals(c.get("has_authentication_results"))) {
                            check(id + "/authentication_results", "parsedmarc failure fields",
                                    !f.authenticationResults().isEmpty(), "none");
                        }
                    }
                }
                default -> check(id + "/rejected", "parsedmarc rejected",
                        report instanceof NotAReport n && n.kind() == NotAReport.Kind.UNPARSEABLE,
                        describe(report));
            }
        }
        // every sample of the suite has an expectation
        try (Stream<Path> files = Files.walk(dir)) {
            List<String> unlisted = files.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString())
                    .filter(p -> p.contains("/") || p.endsWith(".xml"))
                    .filter(p -> !listed.contains(p)).toList();
            assertThat(unlisted).as("samples without an expectation").isEmpty();
        }
    }

    @SuppressWarnings("unchecked")
    private void stalwart(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path json : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                String base = json.getFileName().toString().replace(".json", "");
                Path sample = Files.exists(dir.resolve(base + ".xml")) ? dir.resolve(base + ".xml")
                        : dir.resolve(base + ".eml");
                String id = "stalwart/" + sample.getFileName();
                Report report = PARSER.parseFile(Files.readAllBytes(sample), null);
                check(id + "/detected", "stalwart detected", report instanceof AggregateReport, describe(report));
                if (report instanceof AggregateReport a) {
                    Map<String, Object> want = (Map<String, Object>) normalise("",
                            YAML.load(Files.readString(json, StandardCharsets.UTF_8)));
                    want.remove("extensions");
                    ((List<Object>) want.get("record")).forEach(r -> ((Map<String, Object>) r).remove("extensions"));
                    ((Map<String, Object>) want.get("policy_published")).remove("version_published");
                    compare(id, "stalwart fields", flatten("", want), flatten("", stalwartShape(a)));
                }
            }
        }
    }

    /** Our report (the tree of {@link ReportFields}) in the shape of mail-auth's serialisation. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> stalwartShape(AggregateReport a) {
        Map<String, Object> tree = ReportFields.of(a);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("version", a.version() == null ? null : Double.valueOf(a.version()));
        Map<String, Object> meta = new LinkedHashMap<>((Map<String, Object>) tree.get("report_metadata"));
        meta.put("error", meta.remove("errors"));
        out.put("report_metadata", meta);
        Map<String, Object> policy = new LinkedHashMap<>((Map<String, Object>) tree.get("policy_published"));
        // RFC 9990 testing defaults to n: mail-auth says false for an absent element too (putIfAbsent: null too)
        policy.putIfAbsent("testing", "n");
        out.put("policy_published", policy);
        List<Object> records = new ArrayList<>();
        for (Object item : (List<Object>) tree.get("records")) {
            Map<String, Object> r = (Map<String, Object>) item;
            Map<String, Object> evaluated = new LinkedHashMap<>((Map<String, Object>) r.get("policy_evaluated"));
            evaluated.put("reason", ((List<Map<String, Object>>) evaluated.remove("reasons")).stream()
                    .map(x -> (Object) map("type_", x.get("type"), "comment", x.get("comment"))).toList());
            Map<String, Object> row = map("source_ip", r.get("source_ip"), "count", r.get("count"));
            row.put("policy_evaluated", evaluated);
            Map<String, Object> record = map("row", row, "identifiers", r.get("identifiers"));
            record.put("auth_results", r.get("auth_results"));
            records.add(record);
        }
        out.put("record", records);
        return out;
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /**
     * mail-auth's values as the RFC's words: enum variant names in lower case ({@code TrustedForwarder} is
     * {@code trusted_forwarder}), {@code Unspecified} and {@code ""} absent, {@code Relaxed}/{@code Strict} as
     * {@code r}/{@code s}, {@code MailFrom} as {@code mfrom}, testing {@code true}/{@code false} as {@code y}/{@code n},
     * version 0.0 ("no version element") absent, numbers as longs.
     */
    private static Object normalise(String key, Object value) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), normalise(String.valueOf(k), v)));
            return out;
        }
        if (value instanceof List<?> l) {
            return l.stream().map(v -> normalise(key, v)).toList();
        }
        if (value instanceof Boolean b) {
            return b ? "y" : "n";
        }
        if (value instanceof Double d) {
            return d == 0.0 ? null : d;
        }
        if (value instanceof Number n) {
            return n.longValue();
        }
        if (value instanceof String s) {
            if (s.isEmpty() || s.equals("Unspecified")) {
                return null;
            }
            if (Set.of("adkim", "aspf").contains(key)) {
                return s.equals("Relaxed") ? "r" : s.equals("Strict") ? "s" : s;
            }
            if (key.equals("scope") && s.equals("MailFrom")) {
                return "mfrom";
            }
            if (Set.of("p", "sp", "np", "disposition", "dkim", "spf", "result", "discovery_method", "type_",
                    "scope").contains(key)) {
                return s.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT)
                        .replace("soft_fail", "softfail").replace("temp_error", "temperror")
                        .replace("perm_error", "permerror");
            }
        }
        return value;
    }

    /** Leaves of a tree by path ({@code records[0].auth_results.dkim[0].domain}); numbers as longs. */
    private static Map<String, Object> flatten(String prefix, Object value) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (value instanceof Map<?, ?> m) {
            m.forEach((k, v) -> out.putAll(flatten(prefix.isEmpty() ? String.valueOf(k) : prefix + "." + k, v)));
        } else if (value instanceof List<?> l) {
            out.put(prefix + ".size", (long) l.size());
            for (int i = 0; i < l.size(); i++) {
                out.putAll(flatten(prefix + "[" + i + "]", l.get(i)));
            }
        } else {
            out.put(prefix, value instanceof Number n && !(value instanceof Double) ? (Object) n.longValue() : value);
        }
        return out;
    }

    /** Each expected leaf is a case; an expected list need not be complete (parsedmarc lists some records only). */
    private void compare(String id, String aspect, Map<String, Object> want, Map<String, Object> got) {
        want.forEach((path, w) -> {
            if (path.endsWith(".size") && !got.containsKey(path) && Long.valueOf(0).equals(w)) {
                return;
            }
            Object g = got.get(path);
            check(id + "/" + path, aspect, Objects.equals(w, g), "got " + g + " want " + w);
        });
    }

    private void check(String id, String aspect, boolean ok, String detail) {
        cases.add(id);
        int[] t = tallies.computeIfAbsent(aspect, k -> new int[2]);
        t[1]++;
        if (ok) {
            t[0]++;
        } else {
            failures.put(id, detail);
        }
    }

    private static String describe(Report report) {
        return report instanceof NotAReport n ? n.kind() + " " + n.reason() : report.getClass().getSimpleName();
    }
}
