package dev.authpack.bench;

import dev.authpack.check.AuthCheckReport;
import dev.authpack.mail.RawMessage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Runs each full-check benchmark case once through the benchmark class itself (its setup refuses any unexpected
 * result and a cache that is not warm), and checks the messages are what docs/benchmarks.md says.
 */
class FullCheckBenchmarkCasesTest {
    private static FullCheckFixture fixture;

    @BeforeAll
    static void makeData() {
        fixture = FullCheckFixture.create();
    }

    private static FullCheckBenchmark benchmark(FullCheckScenario scenario) {
        FullCheckBenchmark b = new FullCheckBenchmark();
        b.scenario = scenario;
        b.setUp(fixture);
        return b;
    }

    @ParameterizedTest
    @EnumSource(FullCheckScenario.class)
    void oneCheckGivesTheExpectedFieldWithoutMissingTheCache(FullCheckScenario scenario) {
        FullCheckBenchmark b = benchmark(scenario);
        long misses = b.cacheMisses();
        String field = b.mailAuthCheck().replaceAll("\\s+", " ");
        assertThat(b.cacheMisses()).isEqualTo(misses);
        assertThat(field).startsWith("Authentication-Results: " + FullCheckFixture.AUTHSERV_ID + ";")
                .contains("spf=pass", "iprev=pass", "header.from=example.com");
        if (scenario.relayed()) {
            assertThat(field).contains("smtp.mailfrom=" + scenario.intermediary(), "arc=pass");
        } else {
            assertThat(field).contains("smtp.mailfrom=news.example.com", "smtp.helo=mail-out.example.com",
                    "arc=none", "policy.iprev=192.0.2.25", "policy.dmarc=reject");
        }
        if (scenario.modifies()) {
            assertThat(field).contains("dkim=fail", "dmarc=fail", "trusted ARC sealer lists.example.org");
        } else {
            assertThat(field).contains("dkim=pass", "dmarc=pass");
        }
    }

    /** The one- and two-thread benchmarks run the same check, on one shared checker, concurrently too. */
    @ParameterizedTest
    @EnumSource(FullCheckScenario.class)
    void theThreadVariantsWriteTheSameFieldEvenConcurrently(FullCheckScenario scenario) throws Exception {
        FullCheckBenchmark b = benchmark(scenario);
        String expected = b.mailAuthCheck();
        long misses = b.cacheMisses();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            java.util.List<java.util.concurrent.Future<String>> fields = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                fields.add(pool.submit(i % 2 == 0 ? b::oneThread : b::twoThreads));
            }
            for (java.util.concurrent.Future<String> field : fields) {
                assertThat(stripDate(field.get())).isEqualTo(stripDate(expected));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(b.cacheMisses()).isEqualTo(misses);
    }

    private static String stripDate(String field) {
        return field.replaceAll("\\s+", " ");
    }

    /** DKIM alone gives the check's DKIM result, over the same warm cache. */
    @ParameterizedTest
    @EnumSource(FullCheckScenario.class)
    void dkimAloneGivesTheChecksDkimResult(FullCheckScenario scenario) {
        FullCheckBenchmark b = benchmark(scenario);
        long misses = b.cacheMisses();
        assertThat(b.dkimAlone().results()).singleElement().satisfies(r -> {
            assertThat(r.status().word()).isEqualTo(scenario.modifies() ? "fail" : "pass");
            assertThat(r.domain()).isEqualTo("example.com");
        });
        assertThat(b.cacheMisses()).isEqualTo(misses);
    }

    @Test
    void theDirectMessageIsTheSignedNewsletterWithoutArc() throws Exception {
        byte[] bytes = fixture.messages().get(FullCheckScenario.DIRECT);
        RawMessage m = RawMessage.parse(bytes);
        assertThat(bytes.length).isBetween(10 * 1024, 12 * 1024);
        assertThat(m.count("DKIM-Signature")).isEqualTo(1);
        assertThat(m.count("ARC-Seal")).isZero();
        assertThat(m.count("Received")).isEqualTo(2);
        assertThat(m.fields("DKIM-Signature").get(0).unfoldedValue()).contains("d=example.com", "a=rsa-sha256",
                "c=relaxed/relaxed");
    }

    /** A relayed message's results (ARC pass) are refused for DIRECT, which expects arc=none, and the reverse. */
    @Test
    void directAndForwardedResultsAreNotInterchangeable() {
        FullCheckBenchmark direct = benchmark(FullCheckScenario.DIRECT);
        FullCheckBenchmark forwarder = benchmark(FullCheckScenario.FORWARDED);
        assertThatThrownBy(() -> direct.expect(forwarder.check())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("meaningless");
        assertThatThrownBy(() -> forwarder.expect(direct.check())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("meaningless");
    }

    @Test
    void theMessagesCarryOneSignatureAndOneArcSetOverTheNewsletter() throws Exception {
        for (FullCheckScenario s : FullCheckFixture.relayed()) {
            byte[] bytes = fixture.messages().get(s);
            RawMessage m = RawMessage.parse(bytes);
            assertThat(bytes.length).as(s.name()).isBetween(12 * 1024, 15 * 1024);
            assertThat(m.count("DKIM-Signature")).isEqualTo(1);
            assertThat(m.count("ARC-Seal")).isEqualTo(1);
            assertThat(m.count("ARC-Message-Signature")).isEqualTo(1);
            assertThat(m.count("ARC-Authentication-Results")).isEqualTo(1);
            assertThat(m.count("Received")).isEqualTo(3);
            String aar = m.fields("ARC-Authentication-Results").get(0).unfoldedValue();
            assertThat(aar).contains("i=1", s.intermediary(), "dkim=pass", "spf=pass", "dmarc=pass", "arc=none");
            assertThat(new String(bytes, StandardCharsets.US_ASCII).contains("[news-readers]"))
                    .isEqualTo(s.modifies());
        }
    }

    @Test
    void theListsResultsWouldFailTheForwardersCheckAndCarryTheOverride() {
        AuthCheckReport listReport = benchmark(FullCheckScenario.MAILING_LIST).check();
        FullCheckBenchmark forwarder = benchmark(FullCheckScenario.FORWARDED);
        assertThatThrownBy(() -> forwarder.expect(listReport)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("meaningless");
        assertThat(listReport.dmarcOverride()).hasValueSatisfying(o -> {
            assertThat(o.sealer()).isEqualTo("lists.example.org");
            assertThat(o.instance()).isEqualTo(1);
        });
    }
}
