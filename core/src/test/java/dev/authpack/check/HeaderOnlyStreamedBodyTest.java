package dev.authpack.check;

import dev.authpack.arc.ArcResult;
import dev.authpack.arc.ArcSealOptions;
import dev.authpack.arc.ArcSealResult;
import dev.authpack.arc.ArcSealer;
import dev.authpack.arc.ArcStatus;
import dev.authpack.arc.ArcVerifier;
import dev.authpack.dkim.DkimResult;
import dev.authpack.dkim.DkimSignOptions;
import dev.authpack.dkim.DkimSigner;
import dev.authpack.dkim.DkimSigningKey;
import dev.authpack.dkim.DkimStatus;
import dev.authpack.dkim.internal.BodyHasher;
import dev.authpack.mail.MessageStream;
import dev.authpack.mail.RawMessage;
import dev.authpack.dns.ZoneFileResolver;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A message checked from its header section alone (too large to read whole), its body streamed once for the DKIM
 * and ARC body hashes ({@link MailAuthChecker#hashBody}): the verdict of the whole message, pass or fail, not the
 * {@code policy} of a body not verified; a body that cannot be read, or a message that changed between the reads,
 * stays unverified (fail closed); a header section that is not clean is not hashed at all.
 */
class HeaderOnlyStreamedBodyTest {
    private static final String WHY = "message of N octets is larger than maxCheckedSize (1024 octets): body not"
            + " verified";

    /** The message written in random chunks (1 octet to 64 KiB), counting the reads. */
    private static MessageStream stream(byte[] message, AtomicInteger reads, long seed) {
        return out -> {
            reads.incrementAndGet();
            Random random = new Random(seed);
            for (int at = 0; at < message.length; ) {
                int n = Math.min(message.length - at, random.nextBoolean() ? 1 + random.nextInt(16)
                        : 1 + random.nextInt(65536));
                out.write(message, at, n);
                at += n;
            }
        };
    }

    private static AuthCheckReport headerOnly(MailAuthChecker checker, Envelope envelope, byte[] message,
                                              MessageStream body) throws Exception {
        byte[] header = SessionChecksTest.headerSection(message);
        StreamedBody streamed = checker.hashBody(header, true, CheckOptions.ALL, body);
        return checker.startHeaderOnly(envelope, header, true, CheckOptions.ALL, WHY, CheckTimer.NONE, streamed)
                .report().get(30, TimeUnit.SECONDS);
    }

    /** Every corpus message and envelope: the report of the whole message, the body read once when signed. */
    @Test
    void theCorpusGetsTheWholeMessagesReports() throws Exception {
        ZoneFileResolver zone = SessionChecksTest.zone();
        int cases = 0;
        for (String from : SessionChecksTest.FROM_DOMAINS) {
            for (String signing : SessionChecksTest.SIGNINGS) {
                byte[] message = SessionChecksTest.message(from, signing);
                for (Envelope envelope : SessionChecksTest.envelopes(from)) {
                    String id = from + " / " + signing + " / " + envelope.clientIp();
                    AuthCheckReport whole = SessionChecksTest.checker(zone).check(envelope, message,
                            CheckOptions.ALL).get(30, TimeUnit.SECONDS);
                    AtomicInteger reads = new AtomicInteger();
                    AuthCheckReport streamed = headerOnly(SessionChecksTest.checker(zone), envelope, message,
                            stream(message, reads, cases));
                    assertThat(SessionChecksTest.describe(streamed)).as(id)
                            .isEqualTo(SessionChecksTest.describe(whole));
                    assertThat(reads.get()).as(id).isEqualTo("none".equals(signing) ? 0 : 1);
                    cases++;
                }
            }
        }
        assertThat(cases).isEqualTo(SessionChecksTest.FROM_DOMAINS.size() * SessionChecksTest.SIGNINGS.size() * 3);
    }

    @Test
    void aSignedLargeBodyPassesAndATamperedOneFails() throws Exception {
        ZoneFileResolver zone = SessionChecksTest.zone();
        Envelope envelope = SessionChecksTest.envelopes("reject.example").get(1);
        byte[] message = signedWithBody("reject.example", 3 << 20);
        AuthCheckReport passed = headerOnly(SessionChecksTest.checker(zone), envelope, message,
                stream(message, new AtomicInteger(), 1));
        assertThat(passed.dkim().orElseThrow().results()).extracting(DkimResult::status)
                .containsExactly(DkimStatus.PASS);
        // SPF fails for this envelope: DMARC passes on DKIM alone
        assertThat(passed.dmarc().orElseThrow().status().name()).isEqualTo("PASS");

        byte[] tampered = message.clone();
        tampered[tampered.length - 1000] ^= 1;
        AuthCheckReport failed = headerOnly(SessionChecksTest.checker(zone), envelope, tampered,
                stream(tampered, new AtomicInteger(), 2));
        assertThat(failed.dkim().orElseThrow().results()).extracting(DkimResult::status, DkimResult::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(DkimStatus.FAIL, "body hash did not verify"));
        assertThat(failed.dmarc().orElseThrow().status().name()).isEqualTo("FAIL");
    }

    /** A body that cannot be read, or a message that changed between the reads: not verified, as before. */
    @Test
    void aBodyThatCannotBeReadStaysUnverified() throws Exception {
        ZoneFileResolver zone = SessionChecksTest.zone();
        Envelope envelope = SessionChecksTest.envelopes("reject.example").get(1);
        byte[] message = signedWithBody("reject.example", 100_000);
        MessageStream broken = out -> {
            out.write(message, 0, 50_000);
            throw new IOException("spool file gone");
        };
        byte[] changed = message.clone();
        changed[10] ^= 1;
        for (MessageStream body : List.of(broken, stream(changed, new AtomicInteger(), 3),
                stream(Arrays.copyOf(message, 20), new AtomicInteger(), 4))) {
            AuthCheckReport report = headerOnly(SessionChecksTest.checker(zone), envelope, message, body);
            DkimResult result = report.dkim().orElseThrow().results().get(0);
            assertThat(result.status()).isEqualTo(DkimStatus.POLICY);
            assertThat(result.reason()).startsWith(WHY + " (body unreadable: ");
            assertThat(report.dmarc().orElseThrow().status().name()).isEqualTo("FAIL");
        }
    }

    /** Review s18 H1/H2: a header section that is not clean keeps its signatures unverified; nothing is read. */
    @Test
    void anUncleanHeaderSectionIsNotHashed() throws Exception {
        ZoneFileResolver zone = SessionChecksTest.zone();
        MailAuthChecker checker = SessionChecksTest.checker(zone);
        byte[] message = signedWithBody("reject.example", 1000);
        byte[] header = SessionChecksTest.headerSection(message);
        MessageStream never = out -> {
            throw new AssertionError("read");
        };
        StreamedBody body = checker.hashBody(header, false, CheckOptions.ALL, never);
        assertThat(body).isEqualTo(StreamedBody.NONE);
        // even handed hashes, a check of a header section that is not clean does not verify
        StreamedBody hashed = checker.hashBody(header, true, CheckOptions.ALL, stream(message, new AtomicInteger(),
                5));
        AuthCheckReport report = checker.startHeaderOnly(SessionChecksTest.envelopes("reject.example").get(1),
                header, false, CheckOptions.ALL, WHY, CheckTimer.NONE, hashed).report().get(30, TimeUnit.SECONDS);
        assertThat(report.dkim().orElseThrow().results()).extracting(DkimResult::status)
                .containsExactly(DkimStatus.POLICY);
        assertThat(report.dmarc().orElseThrow().status().name()).isNotEqualTo("PASS");
    }

    /**
     * {@link MailAuthChecker#hashesBody} says beforehand whether {@link MailAuthChecker#hashBody} reads the message (a
     * caller bounding the threads it blocks takes a slot only then): a signature to verify, a clean header section,
     * DKIM or ARC on; not for an unsigned message, an unclean or unparsable header section, or DKIM and ARC off.
     */
    @Test
    void whetherTheBodyIsReadIsKnownBeforeItIsRead() throws Exception {
        MailAuthChecker checker = SessionChecksTest.checker(SessionChecksTest.zone());
        byte[] header = SessionChecksTest.headerSection(signedWithBody("reject.example", 1000));
        assertThat(checker.hashesBody(header, true, CheckOptions.ALL)).isTrue();
        assertThat(checker.hashesBody(header, false, CheckOptions.ALL)).isFalse();
        CheckOptions noDkimNoArc = new CheckOptions(false, true, true, true, true, false, java.util.Set.of());
        assertThat(checker.hashesBody(header, true, noDkimNoArc)).isFalse();
        byte[] unsigned = "From: a@reject.example\r\nSubject: hi\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(checker.hashesBody(unsigned, true, CheckOptions.ALL)).isFalse();
        assertThat(checker.hashesBody("no colon here\r\n\r\n".getBytes(StandardCharsets.US_ASCII), true,
                CheckOptions.ALL)).isFalse();
    }

    /** A sealed message over the limit: the chain validates (cv=pass is possible); a changed body fails it. */
    @Test
    void anArcChainValidatesOverTheStreamedBody() throws Exception {
        DkimSigningKey key = dev.authpack.arc.ArcFixtures.rsaKey();
        ZoneFileResolver zone = new ZoneFileResolver("$ORIGIN .\n$TTL 300\ns1._domainkey.lists.example. IN TXT \""
                + key.publicKeyRecord() + "\"\n");
        byte[] plain = withBody("From: a@origin.example\r\nTo: l@lists.example\r\nSubject: s\r\n\r\n", 2 << 20);
        RawMessage parsed = RawMessage.parse(plain);
        ArcResult none = new ArcVerifier(zone).verify(parsed).get(30, TimeUnit.SECONDS);
        ArcSealResult sealed = new ArcSealer(key, ArcSealOptions.of("lists.example", "s1")
                .withCanonicalization(dev.authpack.dkim.Canonicalization.RELAXED,
                        dev.authpack.dkim.Canonicalization.SIMPLE))
                .seal(parsed, none, "mx.lists.example", "spf=pass smtp.mailfrom=origin.example");
        assertThat(sealed.sealed()).isTrue();
        byte[] message = sealed.message();
        Envelope envelope = SessionChecksTest.envelopes("pass.example").get(1);
        AuthCheckReport report = headerOnly(SessionChecksTest.checker(zone), envelope, message,
                stream(message, new AtomicInteger(), 6));
        assertThat(report.arc().orElseThrow().status()).isEqualTo(ArcStatus.PASS);

        byte[] tampered = message.clone();
        tampered[tampered.length - 5] ^= 1;
        AuthCheckReport failed = headerOnly(SessionChecksTest.checker(zone), envelope, tampered,
                stream(tampered, new AtomicInteger(), 7));
        assertThat(failed.arc().orElseThrow().status()).isEqualTo(ArcStatus.FAIL);
        assertThat(failed.arc().orElseThrow().reason()).contains("body hash did not verify");
    }

    /** The body streamed to the hashes is never held: a generated 64 MiB body, signed and checked in bounded memory. */
    @Test
    void aGeneratedBodyIsHashedAsItComes() throws Exception {
        long bodyOctets = 64L << 20;
        String head = "From: a@reject.example\r\nTo: b@example.net\r\nSubject: large\r\n\r\n";
        RawMessage header = RawMessage.parse(head.getBytes(StandardCharsets.ISO_8859_1));
        DkimSigner signer = new DkimSigner(SessionChecksTest.signingKey(), DkimSignOptions.of("reject.example",
                "sel"));
        BodyHasher.Streaming bh = BodyHasher.streaming(List.of(signer.bodyKey()));
        generate(bodyOctets, bh::update);
        byte[] signedHeader = (signer.signatureField(header, bh.finish()) + head)
                .getBytes(StandardCharsets.ISO_8859_1);
        AtomicLong largestWrite = new AtomicLong();
        MessageStream message = out -> {
            out.write(signedHeader);
            generate(bodyOctets, (b, off, len) -> {
                try {
                    largestWrite.accumulateAndGet(len, Math::max);
                    out.write(b, off, len);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        };
        MailAuthChecker checker = SessionChecksTest.checker(SessionChecksTest.zone());
        StreamedBody body = checker.hashBody(signedHeader, true, CheckOptions.ALL, message);
        assertThat(body.octets()).isEqualTo(bodyOctets);
        AuthCheckReport report = checker.startHeaderOnly(SessionChecksTest.envelopes("reject.example").get(1),
                signedHeader, true, CheckOptions.ALL, WHY, CheckTimer.NONE, body).await(Duration.ofSeconds(30));
        assertThat(report.dkim().orElseThrow().results()).extracting(DkimResult::status)
                .containsExactly(DkimStatus.PASS);
        assertThat(largestWrite.get()).isLessThanOrEqualTo(64 * 1024);
    }

    private interface Chunks {
        void accept(byte[] b, int off, int len);
    }

    /** Text lines with runs of spaces and trailing whitespace, in 64 KiB chunks from one buffer, never held whole. */
    private static void generate(long octets, Chunks out) {
        byte[] line = "Some text  with\t runs of  whitespace, and some at the end \t\r\n".getBytes(
                StandardCharsets.ISO_8859_1);
        byte[] chunk = new byte[64 * 1024];
        long position = 0;
        while (position < octets) {
            int n = (int) Math.min(chunk.length, octets - position);
            for (int i = 0; i < n; i++) {
                chunk[i] = line[(int) ((position + i) % line.length)];
            }
            out.accept(chunk, 0, n);
            position += n;
        }
    }

    private static byte[] withBody(String head, int bodyOctets) {
        StringBuilder text = new StringBuilder(head);
        Random random = new Random(bodyOctets);
        while (text.length() < head.length() + bodyOctets) {
            text.append("line ").append(random.nextInt()).append(random.nextBoolean() ? "  \t\r\n" : "\r\n");
            if (random.nextInt(50) == 0) {
                text.append("\r\n\r\n");
            }
        }
        return text.append("\r\n\r\n\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] signedWithBody(String domain, int bodyOctets) throws Exception {
        byte[] plain = withBody("From: a@" + domain + "\r\nTo: b@example.net\r\nSubject: large\r\n\r\n", bodyOctets);
        return new DkimSigner(SessionChecksTest.signingKey(), DkimSignOptions.of(domain, "sel")).sign(plain);
    }
}
