package dev.authpack.bench;

import dev.authpack.dkim.DkimStatus;
import dev.authpack.dkim.DkimVerifier;
import dev.authpack.mail.RawMessage;
import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.exceptions.FailException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Runs each DKIM benchmark case once through the benchmark class itself (whose setup also refuses anything but a
 * pass), so a benchmark that would measure a failing verification breaks the build instead of reporting numbers.
 */
class DkimBenchmarkCasesTest {
    private static DkimBenchmark benchmark;

    @BeforeAll
    static void setUp() {
        benchmark = new DkimBenchmark();
        benchmark.setUp();
    }

    @Test
    void ourVerifierPassesTheRsa2048Signature() {
        DkimBenchmark.expectPass(benchmark.authpackRsa2048(), "rsa-sha256", DkimFixture.RSA_SELECTOR);
    }

    @Test
    void ourVerifierPassesTheEd25519Signature() {
        DkimBenchmark.expectPass(benchmark.authpackEd25519(), "ed25519-sha256", DkimFixture.ED25519_SELECTOR);
    }

    @Test
    void jdkimPassesTheRsa2048Signature() {
        DkimBenchmark.expectPass(benchmark.jdkimRsa2048());
    }

    @Test
    void theMessageIsAbout10KbSignedRelaxedRelaxedOverTheUsualFields() throws Exception {
        byte[] signed = benchmark.fixture().rsaSigned();
        RawMessage message = RawMessage.parse(signed);
        String tags = message.fields("DKIM-Signature").get(0).unfoldedValue().replaceAll("\\s+", "");

        assertThat(DkimMessage.newsletter().length).isBetween(DkimMessage.TARGET_OCTETS - 100,
                DkimMessage.TARGET_OCTETS);
        assertThat(signed.length).isBetween(DkimMessage.TARGET_OCTETS, DkimMessage.TARGET_OCTETS + 1024);
        assertThat(message.count("DKIM-Signature")).isEqualTo(1);
        assertThat(message.count("Received")).isEqualTo(2);
        assertThat(message.bodyLength()).isGreaterThan(8 * 1024);
        assertThat(new String(signed, StandardCharsets.US_ASCII)).contains("Content-Type: text/plain",
                "Content-Type: text/html");
        assertThat(tags).contains("c=relaxed/relaxed;", "h=from:from:reply-to:subject:date:to:message-id:"
                + "mime-version:content-type:list-id:list-unsubscribe:list-unsubscribe-post;");
    }

    @Test
    void aTamperedBodyFailsInBothVerifiersSoTheSetupCheckCanCatchABrokenCase() {
        byte[] tampered = benchmark.fixture().rsaSigned().clone();
        int at = indexOf(tampered, "Read more");
        tampered[at] = 'F';
        DkimVerifier ours = new DkimVerifier(new AuthpackMemoryDnsResolver(benchmark.fixture().zone()));
        DKIMVerifier jdkim = new DKIMVerifier(new JdkimMemoryKeyRetriever(benchmark.fixture().zone()));

        var report = ours.verify(tampered).join();
        assertThat(report.results()).singleElement().extracting(r -> r.status()).isEqualTo(DkimStatus.FAIL);
        assertThatThrownBy(() -> DkimBenchmark.expectPass(report, "rsa-sha256", DkimFixture.RSA_SELECTOR))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> jdkim.verify(new ByteArrayInputStream(tampered)))
                .isInstanceOf(FailException.class);
    }

    private static int indexOf(byte[] bytes, String text) {
        String all = new String(bytes, StandardCharsets.US_ASCII);
        int at = all.lastIndexOf(text);
        assertThat(at).isPositive();
        return at;
    }
}
