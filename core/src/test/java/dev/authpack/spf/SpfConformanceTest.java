package dev.authpack.spf;

import dev.authpack.conformance.KnownFailures;
import dev.authpack.dns.DnsResolvers;
import dev.authpack.dns.DnsSettings;
import dev.authpack.testkit.dns.LoopbackDnsServer;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs every test of the openspf RFC 7208 suite and every Stalwart mail-auth SPF scenario, prints
 * {@code passed N of M} per suite, and holds the result to {@code known-failures/spf.txt}.
 */
class SpfConformanceTest {
    private static final String SUITE = "/testsuites/spf/";
    private static final String[] STALWART_FILES = {
        "a.yml", "all.yml", "basic.yml", "examples.yml", "exists.yml", "exp.yml",
        "include.yml", "ip.yml", "macro.yml", "mx.yml", "ptr.yml", "redirect.yml"};
    private static final KnownFailures KNOWN = KnownFailures.load("spf.txt");

    @Test
    void rfc7208Suite() throws Exception {
        runRfc7208("SPF rfc7208", "rfc7208/", zonedata -> inMemory(zonedata, true));
    }

    /** The same suite with the prefetch of later terms off: evaluation order alone must give the same results. */
    @Test
    void rfc7208SuiteWithoutPrefetch() throws Exception {
        runRfc7208("SPF rfc7208 (prefetch off)", "rfc7208/", zonedata -> inMemory(zonedata, false));
    }

    /**
     * The same suite through the production resolver ({@link DnsResolvers#create}: the cache in front of the
     * network client) asking a real DNS server on loopback that serves each section's zone data; a
     * {@code TIMEOUT} in the zone data is a query the server never answers.
     */
    @Test
    void rfc7208SuiteThroughLoopbackDns() throws Exception {
        runRfc7208("SPF rfc7208 (loopback DNS, production resolver)", "rfc7208-dns/", OverLoopback::new);
    }

    /** How one section's checks are made; closed after the section. */
    private interface Section extends AutoCloseable {
        SpfChecker checker();

        @Override
        default void close() {
        }
    }

    @FunctionalInterface
    private interface SectionFactory {
        Section open(Map<?, ?> zonedata) throws IOException;
    }

    private static SpfOptions suiteOptions() {
        return SpfOptions.defaults().withDefaultExplanation("DEFAULT").withTimeout(Duration.ofSeconds(20));
    }

    private static Section inMemory(Map<?, ?> zonedata, boolean prefetch) {
        SpfChecker checker = new SpfChecker(new ZoneDataResolver(zonedata), suiteOptions().withPrefetch(prefetch));
        return () -> checker;
    }

    /** A loopback DNS server with the section's data and the production resolver asking it. */
    private static final class OverLoopback implements Section {
        /**
         * Per question: two attempts of 1 s, so a busy build machine does not turn a slow loopback answer into
         * a timeout, while each dropped query costs only 2 s (the tests of a section run concurrently).
         */
        static final Duration DNS_TIMEOUT = Duration.ofSeconds(2);

        private final LoopbackDnsServer server;
        private final SpfChecker checker;

        OverLoopback(Map<?, ?> zonedata) throws IOException {
            OpenSpfZone zone = new OpenSpfZone(zonedata);
            server = LoopbackDnsServer.builder().records(zone.records()).start();
            zone.drops().forEach(d -> server.drop(d.name(), d.type()));
            checker = new SpfChecker(DnsResolvers.create(DnsSettings.defaults()
                    .withServers(List.of(server.address())).withTimeout(DNS_TIMEOUT)), suiteOptions());
        }

        @Override
        public SpfChecker checker() {
            return checker;
        }

        @Override
        public void close() {
            server.close();
        }
    }

    private static void runRfc7208(String title, String prefix, SectionFactory factory) throws Exception {
        Set<String> cases = new LinkedHashSet<>();
        Map<String, String> failures = new LinkedHashMap<>();
        int sections = 0;
        try (Reader reader = resource("rfc7208-tests.yml")) {
            for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(reader)) {
                Map<?, ?> section = (Map<?, ?>) document;
                sections++;
                try (Section dns = factory.open((Map<?, ?>) section.get("zonedata"))) {
                    // all checks of a section at once (each is asynchronous), then their verdicts in order
                    Map<String, Map<?, ?>> tests = new LinkedHashMap<>();
                    Map<String, CompletableFuture<SpfResult>> verdicts = new LinkedHashMap<>();
                    for (Map.Entry<?, ?> test : ((Map<?, ?>) section.get("tests")).entrySet()) {
                        String id = prefix + test.getKey();
                        assertThat(cases.add(id)).as("duplicate test name %s", id).isTrue();
                        tests.put(id, (Map<?, ?>) test.getValue());
                        verdicts.put(id, startOpenSpfTest(dns.checker(), (Map<?, ?>) test.getValue()));
                    }
                    for (Map.Entry<String, Map<?, ?>> test : tests.entrySet()) {
                        String problem = openSpfProblem(test.getValue(),
                                verdicts.get(test.getKey()).get(60, TimeUnit.SECONDS));
                        if (problem != null) {
                            failures.put(test.getKey(), problem);
                        }
                    }
                }
            }
        }
        report(title, cases, failures);
        assertThat(sections).as("sections").isEqualTo(16);
        assertThat(cases).as("tests").hasSize(203);
        assertThat(KNOWN.problems(prefix, cases, failures)).isEmpty();
    }

    private static CompletableFuture<SpfResult> startOpenSpfTest(SpfChecker checker, Map<?, ?> test)
            throws IOException {
        InetAddress host = InetAddress.getByName(String.valueOf(test.get("host")));
        String mailFrom = test.get("mailfrom") == null ? "" : String.valueOf(test.get("mailfrom"));
        String helo = String.valueOf(test.get("helo"));
        return checker.checkMailFrom(host, mailFrom, helo);
    }

    /** Returns null when the verdict is what the test expects, else what went wrong. */
    private static String openSpfProblem(Map<?, ?> test, SpfResult verdict) {
        Object expected = test.get("result");
        List<String> acceptable = expected instanceof List<?> list
                ? list.stream().map(String::valueOf).toList() : List.of(String.valueOf(expected));
        if (!acceptable.contains(verdict.status().word())) {
            return "expected " + acceptable + ", got " + verdict.status().word() + " (" + verdict.reason() + ")";
        }
        Object explanation = test.get("explanation");
        if (explanation != null && !Objects.equals(String.valueOf(explanation), verdict.explanation())) {
            return "expected explanation '" + explanation + "', got '" + verdict.explanation() + "'";
        }
        return null;
    }

    @Test
    void stalwartScenarios() throws Exception {
        runStalwart("SPF stalwart-mail-auth", "stalwart/", (zone, errors) -> () -> stalwartChecker(zone));
    }

    /**
     * The same scenarios through the production resolver asking a DNS server on loopback: before each check a
     * server with the zone as it is then (and SERVFAIL for the {@code _dns_error.} names) and a fresh resolver
     * (the harness replaces records between checks, so no cache may outlive one check).
     */
    @Test
    void stalwartScenariosThroughLoopbackDns() throws Exception {
        runStalwart("SPF stalwart-mail-auth (loopback DNS, production resolver)", "stalwart-dns/", (zone, errors) -> {
            LoopbackDnsServer server = LoopbackDnsServer.builder().records(zone.records()).start();
            errors.forEach(name -> server.servfail(name).servfail("*." + name));
            SpfChecker checker = new SpfChecker(DnsResolvers.create(DnsSettings.defaults()
                    .withServers(List.of(server.address())).withTimeout(OverLoopback.DNS_TIMEOUT)), stalwartOptions());
            return new Section() {
                @Override
                public SpfChecker checker() {
                    return checker;
                }

                @Override
                public void close() {
                    server.close();
                }
            };
        });
    }

    /** The DNS of one Stalwart check: the zone as the file has built it so far, and its DNS-error names. */
    @FunctionalInterface
    private interface StalwartDns {
        Section open(StalwartZone zone, Set<String> dnsErrorNames) throws IOException;
    }

    private static SpfOptions stalwartOptions() {
        return SpfOptions.defaults().withReceiver("localdomain.org").withTimeout(Duration.ofSeconds(10));
    }

    private static SpfChecker stalwartChecker(StalwartZone zone) {
        return new SpfChecker(zone, stalwartOptions());
    }

    private static void runStalwart(String title, String prefix, StalwartDns dns) throws Exception {
        Set<String> cases = new LinkedHashSet<>();
        Map<String, String> failures = new LinkedHashMap<>();
        for (String file : STALWART_FILES) {
            String text;
            try (InputStream in = Objects.requireNonNull(
                    SpfConformanceTest.class.getResourceAsStream(SUITE + "stalwart-mail-auth/" + file), file)) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            runStalwartFile(prefix + file, text, dns, cases, failures);
        }
        report(title, cases, failures);
        assertThat(cases).as("checks").hasSize(163);
        assertThat(KNOWN.problems(prefix, cases, failures)).isEmpty();
    }

    /** The upstream harness, line by line: records accumulate per file; each {@code expect:} runs one check. */
    private static void runStalwartFile(String file, String text, StalwartDns dns, Set<String> cases,
                                        Map<String, String> failures) throws Exception {
        StalwartZone zone = new StalwartZone();
        Set<String> dnsErrors = StalwartZone.dnsErrorNames(text);
        for (String scenario : text.split("---\n")) {
            String name = "";
            String helo = "";
            String mailFrom = "";
            InetAddress ip = InetAddress.getByName("127.0.0.1");
            int number = 1;
            for (String raw : scenario.split("\n")) {
                String line = raw.strip();
                if (line.startsWith("-")) {
                    line = line.substring(1).strip();
                }
                if (line.startsWith("name:")) {
                    name = value(line);
                } else if (line.startsWith("spf:") || line.startsWith("exp:")) {
                    String[] record = value(line).split(" ", 2);
                    zone.txt(record[0], record[1]);
                } else if (line.startsWith("a:")) {
                    String[] record = value(line).split(" ", 2);
                    zone.a(record[0], addresses(record[1]));
                } else if (line.startsWith("aaaa:")) {
                    String[] record = value(line).split(" ", 2);
                    zone.aaaa(record[0], addresses(record[1]));
                } else if (line.startsWith("mx:")) {
                    String[] record = value(line).split(" ", 2);
                    zone.mx(record[0], addresses(record[1]));
                } else if (line.startsWith("ptr:")) {
                    String[] record = value(line).split(" ", 2);
                    List<String> names = new ArrayList<>();
                    for (String n : record[1].split(",")) {
                        names.add(n.strip());
                    }
                    zone.ptr(InetAddress.getByName(record[0]), names);
                } else if (line.startsWith("domain:")) {
                    helo = value(line);
                } else if (line.startsWith("sender:")) {
                    mailFrom = value(line);
                } else if (line.startsWith("ip:")) {
                    ip = InetAddress.getByName(value(line));
                } else if (line.startsWith("expect:")) {
                    String[] expect = value(line).split(" ", 2);
                    String id = file + "/" + name + "/" + number++;
                    cases.add(id);
                    String problem;
                    try (Section section = dns.open(zone, dnsErrors)) {
                        problem = runStalwartCheck(section.checker(), ip, helo, mailFrom, expect[0],
                                expect.length > 1 ? expect[1].strip() : "");
                    }
                    if (problem != null) {
                        failures.put(id, problem + " [ip " + ip.getHostAddress() + ", helo " + helo
                                + ", mail from " + mailFrom + "]");
                    }
                }
            }
        }
    }

    /** The upstream {@code verify()}: HELO identity first; only when it passes, the MAIL FROM identity. */
    private static String runStalwartCheck(SpfChecker checker, InetAddress ip, String helo, String mailFrom,
                                           String result, String explanation) throws Exception {
        SpfResult verdict = checker.checkHelo(ip, helo).get(30, TimeUnit.SECONDS);
        if (verdict.status() == SpfStatus.PASS) {
            verdict = checker.checkMailFrom(ip, mailFrom, helo).get(30, TimeUnit.SECONDS);
        }
        String expected = result.equalsIgnoreCase("softfail") ? "softfail" : result.toLowerCase();
        if (!expected.equals(verdict.status().word())) {
            return "expected " + expected + ", got " + verdict.status().word() + " (" + verdict.identity().word()
                    + ": " + verdict.reason() + ")";
        }
        if (!explanation.isEmpty() && !explanation.equals(verdict.explanation())) {
            return "expected explanation '" + explanation + "', got '" + verdict.explanation() + "'";
        }
        return null;
    }

    private static String value(String line) {
        return line.substring(line.indexOf(':') + 1).strip();
    }

    private static List<InetAddress> addresses(String list) throws IOException {
        List<InetAddress> out = new ArrayList<>();
        for (String item : list.split(",")) {
            out.add(InetAddress.getByName(item.strip()));
        }
        return out;
    }

    private static void report(String suite, Set<String> cases, Map<String, String> failures) {
        System.out.println(suite + ": passed " + (cases.size() - failures.size()) + " of " + cases.size());
        failures.forEach((id, problem) -> System.out.println(
                (KNOWN.listed(id) ? "  known failure " : "  FAILED ") + id + ": " + problem));
    }

    private static Reader resource(String name) {
        InputStream in = Objects.requireNonNull(SpfConformanceTest.class.getResourceAsStream(SUITE + name), name);
        return new InputStreamReader(in, StandardCharsets.UTF_8);
    }
}
