package dev.authpack.dkim.sign;

import dev.authpack.dkim.DkimReport;
import dev.authpack.dkim.DkimResult;
import dev.authpack.dkim.DkimStatus;
import dev.authpack.mail.RawMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;

import static dev.authpack.dkim.sign.SignTestKeys.bytes;
import static dev.authpack.dkim.sign.SignTestKeys.verify;
import static dev.authpack.dkim.sign.SignTestKeys.write;
import static org.assertj.core.api.Assertions.assertThat;

class TableSignerTest {
    private static final String BODY = "\r\nHello.\r\n\r\nIs dinner ready?\r\n";
    @TempDir
    Path dir;
    private KeyTable keys;
    private TableSigner signer;

    @BeforeEach
    void tables() throws Exception {
        SignTestKeys.rsa(dir.resolve("rsa.pem"));
        SignTestKeys.ed25519(dir.resolve("ed.pem"));
        keys = KeyTable.load(write(dir.resolve("keytable"), """
                ex-rsa   example.com:r:rsa.pem
                ex-ed    example.com:e:ed.pem
                org      example.org:o:rsa.pem
                shared   %:shared:ed.pem
                """), KeyFileLocator.PATHS_ONLY);
        SigningTable table = SigningTable.load(write(dir.resolve("signingtable"), """
                example.com     ex-rsa ex-ed
                *.example.com   ex-rsa
                example.org     org
                *.shared.test   shared
                """), keys);
        signer = new TableSigner(table, SignSettings.defaults());
    }

    private String[] zone() {
        return new String[] {
                KeyRecordText.zoneLine("r", "example.com", keys.get("ex-rsa").orElseThrow().key()),
                KeyRecordText.zoneLine("e", "example.com", keys.get("ex-ed").orElseThrow().key()),
                KeyRecordText.zoneLine("o", "example.org", keys.get("org").orElseThrow().key()),
                KeyRecordText.zoneLine("shared", "a.shared.test", keys.get("shared").orElseThrow().key())};
    }

    private static byte[] message(String from) {
        return bytes("From: " + from + "\r\nTo: bob@example.net\r\nSubject: dinner\r\n" + BODY);
    }

    @Test
    void bothKeysOfADomainSignFirstKeyOnTopAndTheRestIsUntouched() throws Exception {
        byte[] input = message("Joe <joe@Example.COM>");
        SignOutcome outcome = signer.sign(input);

        assertThat(outcome.status()).isEqualTo(SignOutcome.Status.SIGNED);
        assertThat(outcome.authorDomain()).isEqualTo("example.com");
        assertThat(outcome.signatures()).containsExactly("d=example.com s=r a=rsa-sha256",
                "d=example.com s=e a=ed25519-sha256");
        byte[] signed = outcome.message();
        RawMessage parsed = RawMessage.parse(signed);
        assertThat(parsed.fields().get(0).rawValue()).contains("a=rsa-sha256").contains("s=r;");
        assertThat(parsed.fields().get(1).rawValue()).contains("a=ed25519-sha256").contains("s=e;");
        assertThat(Arrays.copyOfRange(signed, signed.length - input.length, signed.length)).isEqualTo(input);
        assertThat(parsed.fields().get(2).name()).isEqualTo("From");

        DkimReport report = verify(signed, zone());
        assertThat(report.results()).extracting(DkimResult::status).containsExactly(DkimStatus.PASS, DkimStatus.PASS);
        assertThat(report.results()).extracting(DkimResult::selector).containsExactly("r", "e");
    }

    @Test
    void eachDomainItsOwnKeys() {
        SignOutcome org = signer.sign(message("ann@example.org"));
        assertThat(org.signatures()).containsExactly("d=example.org s=o a=rsa-sha256");
        assertThat(verify(org.message(), zone()).results()).singleElement()
                .satisfies(r -> assertThat(r.status()).isEqualTo(DkimStatus.PASS))
                .satisfies(r -> assertThat(r.domain()).isEqualTo("example.org"));

        SignOutcome sub = signer.sign(message("news@lists.example.com"));
        assertThat(sub.signatures()).containsExactly("d=example.com s=r a=rsa-sha256");
        assertThat(verify(sub.message(), zone()).anyPass()).isTrue();
    }

    @Test
    void percentSignsAsTheAuthorDomain() {
        SignOutcome outcome = signer.sign(message("x@a.shared.test"));
        assertThat(outcome.signatures()).containsExactly("d=a.shared.test s=shared a=ed25519-sha256");
        assertThat(verify(outcome.message(), zone()).results()).singleElement()
                .satisfies(r -> assertThat(r.status()).isEqualTo(DkimStatus.PASS));
    }

    @Test
    void settingsApplyToEverySignature() {
        Clock clock = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC);
        TableSigner custom = new TableSigner(signer.table(), SignSettings.defaults().withCanonicalization("simple/simple")
                .withExpiration(Duration.ofSeconds(3600)).withClock(clock)
                .withSignedHeaders(SignSettings.parseHeaderNames("from:subject:from")));
        String text = new String(custom.sign(message("joe@example.com")).message(), StandardCharsets.ISO_8859_1)
                .replace("\r\n ", " ");
        assertThat(text).contains("c=simple/simple;").contains("t=1700000000;").contains("x=1700003600;")
                .contains("h=from:subject:from;");
    }

    @Test
    void unsignedWithAReason() {
        SignOutcome none = signer.sign(message("joe@unknown.example"));
        assertThat(none.status()).isEqualTo(SignOutcome.Status.NO_KEY);
        assertThat(none.message()).isNull();
        assertThat(none.reason()).isEqualTo("no signing key for unknown.example");

        SignOutcome noFrom = signer.sign(bytes("To: bob@example.net\r\n" + BODY));
        assertThat(noFrom.status()).isEqualTo(SignOutcome.Status.NO_AUTHOR_DOMAIN);
        assertThat(noFrom.reason()).isEqualTo("no From field");

        SignOutcome unreadable = signer.sign(bytes(" starts with a continuation\r\nFrom: joe@example.com\r\n" + BODY));
        assertThat(unreadable.status()).isEqualTo(SignOutcome.Status.UNREADABLE);
        assertThat(unreadable.reason()).contains("continuation");
    }

    /**
     * A message too large to hold is signed from its header section, its body streamed once: the same fields as the
     * whole message gets (RSA and Ed25519 signatures are deterministic, the clock fixed), on top of the header section.
     */
    @Test
    void aStreamedBodyGetsTheFieldsTheWholeMessageGets() throws Exception {
        Clock clock = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC);
        TableSigner fixed = new TableSigner(signer.table(), SignSettings.defaults().withClock(clock)
                .withSignedHeaders(SignSettings.parseHeaderNames("from:to:subject")));
        byte[] whole = message("Joe <joe@example.com>");
        byte[] header = Arrays.copyOf(whole, RawMessage.parse(whole).bodyOffset());

        SignOutcome streamed = fixed.signStreamed(header, out -> {
            // in small chunks, as a file copied through a buffer
            for (int i = 0; i < whole.length; i += 7) {
                out.write(whole, i, Math.min(7, whole.length - i));
            }
        });

        SignOutcome expected = fixed.sign(whole);
        assertThat(streamed.status()).isEqualTo(SignOutcome.Status.SIGNED);
        assertThat(streamed.signatures()).isEqualTo(expected.signatures());
        byte[] signedHeader = streamed.message();
        byte[] joined = Arrays.copyOf(signedHeader, signedHeader.length + whole.length - header.length);
        System.arraycopy(whole, header.length, joined, signedHeader.length, whole.length - header.length);
        assertThat(new String(joined, StandardCharsets.ISO_8859_1))
                .isEqualTo(new String(expected.message(), StandardCharsets.ISO_8859_1));
        assertThat(verify(joined, zone()).results()).extracting(DkimResult::status)
                .containsExactly(DkimStatus.PASS, DkimStatus.PASS);
    }

    /** A message whose first octets are not the header section read (it changed between the reads) is not signed. */
    @Test
    void aMessageChangedBetweenTheReadsIsNotSigned() throws Exception {
        byte[] whole = message("joe@example.com");
        byte[] header = Arrays.copyOf(whole, RawMessage.parse(whole).bodyOffset());
        byte[] changed = whole.clone();
        changed[3] ^= 1;
        for (byte[] read : new byte[][] {changed, Arrays.copyOf(whole, 20)}) {
            SignOutcome outcome = signer.signStreamed(header, out -> out.write(read));
            assertThat(outcome.status()).isEqualTo(SignOutcome.Status.UNREADABLE);
            assertThat(outcome.message()).isNull();
            assertThat(outcome.reason()).contains("changed between its reads");
        }
        SignOutcome failed = signer.signStreamed(header, out -> {
            throw new java.io.IOException("disk gone");
        });
        assertThat(failed.status()).isEqualTo(SignOutcome.Status.UNREADABLE);
        assertThat(failed.reason()).contains("body unreadable: disk gone");
        // no key: the body is not read at all
        byte[] unknown = message("x@unknown.example");
        assertThat(signer.signStreamed(Arrays.copyOf(unknown, RawMessage.parse(unknown).bodyOffset()), out -> {
            throw new AssertionError("read");
        }).status()).isEqualTo(SignOutcome.Status.NO_KEY);
    }
}
