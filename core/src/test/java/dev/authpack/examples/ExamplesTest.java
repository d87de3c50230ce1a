package dev.authpack.examples;

import dev.authpack.authres.AuthResultsWriter;
import dev.authpack.authres.MethodResult;
import dev.authpack.check.AuthCheckReport;
import dev.authpack.check.CheckOptions;
import dev.authpack.check.CheckerSettings;
import dev.authpack.check.Envelope;
import dev.authpack.check.MailAuthChecker;
import dev.authpack.dkim.DkimKeys;
import dev.authpack.dkim.DkimSignOptions;
import dev.authpack.dkim.DkimSigner;
import dev.authpack.dkim.DkimSigningKey;
import dev.authpack.dkim.DkimStatus;
import dev.authpack.dmarc.DmarcStatus;
import dev.authpack.dns.DnsResolver;
import dev.authpack.dns.ZoneFileResolver;
import dev.authpack.spf.SpfResult;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine used as a library from plain Java, without James (see the README). Each test is one
 * example, written to be copied: build the checker, check a message, read the results, write the field.
 */
class ExamplesTest {
    /** The DNS the examples run against: a zone file's text, so nothing goes to the network. */
    private static final String ZONE = """
            $ORIGIN example.com.
            $TTL 300
            @        IN TXT "v=spf1 ip4:192.0.2.0/24 -all"
            _dmarc   IN TXT "v=DMARC1; p=reject"
            mail     IN A   192.0.2.25
            $ORIGIN 2.0.192.in-addr.arpa.
            25       IN PTR mail.example.com.
            """;
    private static final String MESSAGE = "From: Alice <alice@example.com>\r\n"
            + "To: bob@example.net\r\n"
            + "Subject: an example\r\n"
            + "Date: Sun, 6 Dec 2026 03:00:00 +0000\r\n"
            + "Message-ID: <example-1@example.com>\r\n"
            + "\r\n"
            + "Hello Bob.\r\n";

    @Test
    void checkAMessageReadItsResultsAndWriteTheAuthenticationResultsField() throws Exception {
        // 1. A resolver (here from zone-file text; DnsResolvers.create(DnsSettings) for real DNS) and the checker:
        //    every check, the engines' defaults, "mx.example.net" as our authserv-id and SPF receiver name.
        DnsResolver dns = ZoneFileResolver.fromText(ZONE);
        MailAuthChecker checker = MailAuthChecker.create(dns, CheckerSettings.defaults("mx.example.net"));

        // 2. What the SMTP server saw, and the message exactly as received.
        Envelope envelope = new Envelope(InetAddress.getByName("192.0.2.25"), "mail.example.com",
                "alice@example.com", List.of("bob@example.net"), Optional.empty());
        byte[] message = MESSAGE.getBytes(StandardCharsets.US_ASCII);

        // 3. Check: every check runs at once; each ends within its own time budget.
        AuthCheckReport report = checker.check(envelope, message, CheckOptions.ALL)
                .get(checker.awaitLimit().toMillis(), TimeUnit.MILLISECONDS);

        // 4. Read the results: typed per protocol ...
        assertThat(report.spf()).get().extracting(v -> v.result()).isEqualTo(SpfResult.PASS);
        assertThat(report.dmarc()).get().extracting(d -> d.status()).isEqualTo(DmarcStatus.PASS);
        assertThat(report.dkim()).get().satisfies(d -> assertThat(d.results()).isEmpty());
        // ... or as Authentication-Results resinfos (RFC 8601), in the order the field lists them.
        assertThat(report.methodResults()).extracting(MethodResult::method)
                .containsExactly("dkim", "spf", "spf", "dmarc", "arc", "iprev");

        // 5. Write the Authentication-Results field to put on top of the message.
        String field = AuthResultsWriter.headerField("mx.example.net", report.methodResults());
        assertThat(field).startsWith("Authentication-Results: mx.example.net;")
                .contains("spf=pass").contains("dmarc=pass").contains("iprev=pass");
    }

    @Test
    void signWithDkimAndVerifyTheSignature() throws Exception {
        // A key (Ed25519 from a fixed seed here; DkimKeys.load(path) reads a PEM file) and its DNS record.
        DkimSigningKey key = DkimKeys.ed25519(new byte[32]);
        String zone = ZONE + "$ORIGIN example.com.\ned._domainkey IN TXT \"" + key.publicKeyRecord() + "\"\n";
        byte[] signed = new DkimSigner(key, DkimSignOptions.of("example.com", "ed"))
                .sign(MESSAGE.getBytes(StandardCharsets.US_ASCII));

        MailAuthChecker checker = MailAuthChecker.create(ZoneFileResolver.fromText(zone),
                CheckerSettings.defaults("mx.example.net"));
        // only the checks that read the message: no SMTP client here
        CheckOptions messageOnly = new CheckOptions(true, false, false, false, true, true, java.util.Set.of());
        AuthCheckReport report = checker.check(new Envelope(null, "", "", List.of(), Optional.empty()), signed,
                messageOnly).get(checker.awaitLimit().toMillis(), TimeUnit.MILLISECONDS);

        assertThat(report.dkim()).get().satisfies(d -> assertThat(d.results()).singleElement()
                .satisfies(r -> assertThat(r.status()).isEqualTo(DkimStatus.PASS)));
        assertThat(report.dmarc()).get().extracting(d -> d.status()).isEqualTo(DmarcStatus.PASS);
    }
}
