package dev.authpack.arc;

import dev.authpack.authres.AuthResultsParser;
import dev.authpack.authres.AuthServIds;
import dev.authpack.dkim.BodyHasher;
import dev.authpack.dkim.ByteBuilder;
import dev.authpack.dkim.Canonicalization;
import dev.authpack.dkim.DkimAlgorithm;
import dev.authpack.dkim.HeaderCanonicalizer;
import dev.authpack.dkim.KeyLookup;
import dev.authpack.dkim.KeyRecord;
import dev.authpack.dkim.KeyRecordCache;
import dev.authpack.dkim.SignedHeaders;
import dev.authpack.dns.DnsLookup;
import dev.authpack.dns.DnsOutcome;
import dev.authpack.dns.DnsResolver;
import dev.authpack.mail.MessageParseException;
import dev.authpack.mail.RawMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Validates the Authenticated Received Chain of a message (RFC 8617 §5.2), in the RFC's order:
 * <ol>
 *   <li>collect the ARC Sets: none gives {@code none}; more than {@link ArcVerifyOptions#maxSets()} (50) gives
 *       {@code fail};</li>
 *   <li>the newest ARC-Seal says {@code cv=fail}: {@code fail} (the chain is {@linkplain ArcResult#terminated()
 *       terminated});</li>
 *   <li>structure: each set exactly one ARC-Authentication-Results (starting {@code i=N;}), ARC-Message-Signature
 *       and ARC-Seal, instances 1..N, {@code cv=none} at 1 and {@code cv=pass} above, no {@code h=} in a seal;</li>
 *   <li>the newest ARC-Message-Signature must validate (as a DKIM signature: body hash, header hash, key);</li>
 *   <li>oldest-pass: the older ARC-Message-Signatures, newest first, until one fails (optional, on by default);</li>
 *   <li>every ARC-Seal, newest first, over the ARC Sets 1..i in order AAR, AMS, AS with relaxed header
 *       canonicalization (§5.1.1);</li>
 *   <li>{@code pass}.</li>
 * </ol>
 *
 * <p>The key lookups of every signature the validation may need start at once (one per distinct
 * {@code selector._domainkey.domain}) and the body hashes are computed while they are under way (one pass per
 * canonicalization); the signature checks then run in the order above and stop at the first failure. Keys are
 * checked as for DKIM (RFC 6376 §6.1.2, RSA key size floor as RFC 8301); {@code rsa-sha256} only, unless
 * {@link ArcVerifyOptions#allowEd25519()}.
 *
 * <p>RFC 8617 §5.2.1: all failures are permanent. A key lookup that fails or times out makes its signature fail, so
 * the chain gives {@code fail} (not {@code temperror}, which the {@code arc} method does not have), with the DNS
 * problem in the reason.
 *
 * <p>Thread-safe; share one instance. The future never completes exceptionally.
 */
public final class ArcVerifier {
    /** Key records tried per signature when a name has several (as DKIM). */
    private static final int MAX_KEY_RECORDS = 3;
    private static final byte[] CRLF = {'\r', '\n'};
    private static final Logger LOG = LoggerFactory.getLogger(ArcVerifier.class);

    private final DnsResolver dns;
    private final ArcVerifyOptions options;
    private final KeyRecordCache keyRecords = new KeyRecordCache(KeyRecordCache.DEFAULT_MAX_ENTRIES);

    /** A verifier with {@link ArcVerifyOptions#defaults()}. */
    public ArcVerifier(DnsResolver dns) {
        this(dns, ArcVerifyOptions.defaults());
    }

    public ArcVerifier(DnsResolver dns, ArcVerifyOptions options) {
        this.dns = Objects.requireNonNull(dns, "dns");
        this.options = Objects.requireNonNull(options, "options");
    }

    public ArcVerifyOptions options() {
        return options;
    }

    /** Parses the message and validates its chain; an unreadable message gives {@code fail}. */
    public CompletableFuture<ArcResult> verify(byte[] message) {
        RawMessage parsed;
        try {
            parsed = RawMessage.parse(message);
        } catch (MessageParseException e) {
            return CompletableFuture.completedFuture(new ArcResult(ArcStatus.FAIL,
                    "message could not be parsed: " + e.getMessage(), -1, List.of(), 0, false));
        }
        return verify(parsed);
    }

    /** Validates the message's chain. Never completes exceptionally. */
    public CompletableFuture<ArcResult> verify(RawMessage message) {
        try {
            return start(message);
        } catch (RuntimeException e) {
            LOG.warn("ARC validation failed unexpectedly", e);
            return CompletableFuture.completedFuture(new ArcResult(ArcStatus.FAIL, "internal error: " + e, -1,
                    List.of(), 0, false));
        }
    }

    private CompletableFuture<ArcResult> start(RawMessage message) {
        ArcChain chain = ArcChain.collect(message, options.maxSets());
        if (chain.isEmpty()) {
            return CompletableFuture.completedFuture(ArcResult.none());
        }
        Validation v = new Validation(message, chain);
        if (chain.failure() != null) {
            return CompletableFuture.completedFuture(v.result(ArcStatus.FAIL, chain.failure(), -1));
        }
        int n = chain.highestInstance();
        long now = options.clock().instant().getEpochSecond();
        for (int k = n; k >= 1; k--) {
            if (k == n || options.computeOldestPass()) {
                v.ams[k] = v.parse(k, ArcFieldKind.MESSAGE_SIGNATURE, now);
            }
            v.seals[k] = v.parse(k, ArcFieldKind.SEAL, now);
        }
        Map<String, CompletableFuture<DnsLookup<String>>> lookups = new LinkedHashMap<>();
        Set<BodyHasher.Key> bodyKeys = new LinkedHashSet<>();
        for (int k = 1; k <= n; k++) {
            if (v.ams[k] != null) {
                lookups.computeIfAbsent(v.ams[k].keyName(), this::lookup);
                bodyKeys.add(bodyKey(v.ams[k]));
            }
            if (v.seals[k] != null) {
                lookups.computeIfAbsent(v.seals[k].keyName(), this::lookup);
            }
        }
        // the body is hashed while the key lookups are under way
        v.bodyHashes = BodyHasher.compute(message, bodyKeys).hashes();
        v.lookups = lookups;
        if (lookups.isEmpty()) {
            return CompletableFuture.completedFuture(v.finish());
        }
        CompletableFuture<?> all = lookups.size() == 1 ? lookups.values().iterator().next()
                : CompletableFuture.allOf(lookups.values().toArray(new CompletableFuture<?>[0]));
        return all.handle((ignored, error) -> {
            try {
                return v.finish();
            } catch (RuntimeException e) {
                LOG.warn("ARC validation failed unexpectedly", e);
                return new ArcResult(ArcStatus.FAIL, "internal error: " + e, -1, List.of(), n, false);
            }
        });
    }

    private CompletableFuture<DnsLookup<String>> lookup(String name) {
        return KeyLookup.start(dns, name, options.keyLookupTimeout());
    }

    private static BodyHasher.Key bodyKey(ArcSignature ams) {
        return new BodyHasher.Key(ams.bodyCanonicalization(), ams.algorithm().digestName(), ams.bodyLength());
    }

    /** The state of one validation. */
    private final class Validation {
        final RawMessage message;
        final ArcChain chain;
        final int n;
        final ArcSignature[] ams;
        final ArcSignature[] seals;
        final SignatureVerdict[] amsVerdicts;
        final SignatureVerdict[] sealVerdicts;
        final String[] amsReasons;
        final String[] sealReasons;
        Map<BodyHasher.Key, BodyHasher.Hash> bodyHashes;
        Map<String, CompletableFuture<DnsLookup<String>>> lookups;

        Validation(RawMessage message, ArcChain chain) {
            this.message = message;
            this.chain = chain;
            this.n = Math.min(chain.highestInstance(), ArcVerifyOptions.MAX_SETS);
            ams = new ArcSignature[n + 1];
            seals = new ArcSignature[n + 1];
            amsVerdicts = new SignatureVerdict[n + 1];
            sealVerdicts = new SignatureVerdict[n + 1];
            amsReasons = new String[n + 1];
            sealReasons = new String[n + 1];
            Arrays.fill(amsVerdicts, SignatureVerdict.NOT_CHECKED);
            Arrays.fill(sealVerdicts, SignatureVerdict.NOT_CHECKED);
        }

        /** The signature of set k, or null with its verdict set to FAIL when it cannot be verified. */
        ArcSignature parse(int k, ArcFieldKind kind, long now) {
            boolean isAms = kind == ArcFieldKind.MESSAGE_SIGNATURE;
            try {
                ArcSignature signature = ArcSignature.parse(chain.field(k, kind), options.allowEd25519());
                long skew = options.clockSkew().getSeconds();
                if (signature.expiration() >= 0 && now > signature.expiration() + skew) {
                    throw new ArcSignatureException("signature expired (x=" + signature.expiration() + ")");
                }
                return signature;
            } catch (ArcSignatureException e) {
                if (isAms) {
                    amsVerdicts[k] = SignatureVerdict.FAIL;
                    amsReasons[k] = e.getMessage();
                } else {
                    sealVerdicts[k] = SignatureVerdict.FAIL;
                    sealReasons[k] = e.getMessage();
                }
                return null;
            }
        }

        /** RFC 8617 §5.2 steps 4 to 7, the keys being there. */
        ArcResult finish() {
            if (!checkAms(n)) {
                return result(ArcStatus.FAIL, "ARC-Message-Signature i=" + n + " did not validate: "
                        + amsReasons[n], -1);
            }
            int oldestPass = -1;
            if (options.computeOldestPass()) {
                oldestPass = 0;
                for (int m = n - 1; m >= 1; m--) {
                    if (!checkAms(m)) {
                        oldestPass = m + 1;
                        break;
                    }
                }
            }
            for (int k = n; k >= 1; k--) {
                if (!checkSeal(k)) {
                    return result(ArcStatus.FAIL, "ARC-Seal i=" + k + " did not validate: " + sealReasons[k], -1);
                }
            }
            return result(ArcStatus.PASS, null, oldestPass);
        }

        boolean checkAms(int k) {
            ArcSignature signature = ams[k];
            if (signature == null) {
                return false;
            }
            BodyHasher.Hash bodyHash = bodyHashes.get(bodyKey(signature));
            String problem;
            long length = signature.bodyLength();
            if (length > bodyHash.canonicalLength()) {
                problem = "l=" + length + " is longer than the canonicalized body (" + bodyHash.canonicalLength()
                        + " octets)";
            } else if (length >= 0 && length < bodyHash.canonicalLength()) {
                // as DKIM's safe default: a signature that leaves body content unsigned proves little
                problem = "l=" + length + " leaves " + (bodyHash.canonicalLength() - length)
                        + " octets of the body unsigned";
            } else if (!MessageDigest.isEqual(bodyHash.digest(), signature.bodyHash())) {
                problem = "body hash did not verify";
            } else {
                ByteBuilder data = SignedHeaders.data(message, signature.signedHeaders(),
                        signature.headerCanonicalization(), signature.withoutSignatureValue());
                problem = verifySignature(signature, data);
            }
            amsVerdicts[k] = problem == null ? SignatureVerdict.PASS : SignatureVerdict.FAIL;
            amsReasons[k] = problem;
            return problem == null;
        }

        boolean checkSeal(int k) {
            ArcSignature signature = seals[k];
            if (signature == null) {
                return false;
            }
            String problem = verifySignature(signature, sealData(k, signature));
            sealVerdicts[k] = problem == null ? SignatureVerdict.PASS : SignatureVerdict.FAIL;
            sealReasons[k] = problem;
            return problem == null;
        }

        /** RFC 8617 §5.1.1: the sets 1..k, each AAR, AMS, AS, relaxed; the seal itself last, without its b= value. */
        ByteBuilder sealData(int k, ArcSignature seal) {
            ByteBuilder out = new ByteBuilder(1024 * k, SignedHeaders.MAX_DATA);
            for (int j = 1; j <= k; j++) {
                for (ArcFieldKind kind : ArcFieldKind.values()) {
                    if (j == k && kind == ArcFieldKind.SEAL) {
                        byte[] last = seal.withoutSignatureValue();
                        HeaderCanonicalizer.canonicalize(Canonicalization.RELAXED, last, 0, last.length, out);
                    } else {
                        chain.field(j, kind).field().readRaw((bytes, offset, length) ->
                                HeaderCanonicalizer.canonicalize(Canonicalization.RELAXED, bytes, offset, length, out));
                        out.write(CRLF, 0, 2);
                    }
                }
            }
            return out;
        }

        /** Key record checks (RFC 6376 §6.1.2) and the signature check; null when it verifies, else why not. */
        String verifySignature(ArcSignature signature, ByteBuilder data) {
            DnsLookup<String> lookup = KeyLookup.answer(signature.keyName(), lookups.get(signature.keyName()));
            if (lookup.outcome().isError()) {
                String what = lookup.outcome() == DnsOutcome.TIMEOUT ? "DNS timeout" : "DNS failure";
                return "key unavailable (" + what + (lookup.detail().isEmpty() ? "" : ": " + lookup.detail())
                        + " at " + signature.keyName() + ")";
            }
            if (!lookup.hasRecords()) {
                return "no key (" + (lookup.outcome() == DnsOutcome.NXDOMAIN ? "NXDOMAIN" : "no TXT record")
                        + " at " + signature.keyName() + ")";
            }
            KeyLookup.Candidates found = KeyLookup.candidates(lookup.records(), keyRecords, MAX_KEY_RECORDS);
            List<KeyRecord> candidates = found.usable();
            KeyRecord firstUnparsable = found.firstUnparsable();
            if (candidates.isEmpty()) {
                return firstUnparsable == null ? "no key (no TXT record at " + signature.keyName() + ")"
                        : firstUnparsable.problemFor(signature.algorithm()).reason();
            }
            String first = null;
            for (KeyRecord record : candidates) {
                String problem = verifyWithKey(signature, record, data);
                if (problem == null) {
                    return null;
                }
                if (first == null) {
                    first = problem;
                }
            }
            return first;
        }

        String verifyWithKey(ArcSignature signature, KeyRecord record, ByteBuilder data) {
            KeyRecord.Problem problem = record.problemFor(signature.algorithm());
            if (problem != null) {
                return problem.reason();
            }
            if (signature.algorithm().keyType() == DkimAlgorithm.KeyType.RSA) {
                String tooSmallOrLarge = KeyLookup.rsaKeySizeProblem(record.rsaBits(), options.minRsaKeyBits(),
                        options.maxRsaKeyBits());
                if (tooSmallOrLarge != null) {
                    return tooSmallOrLarge;
                }
            }
            return KeyLookup.verify(signature.algorithm(), record, data, signature.signature()) ? null
                    : "signature did not verify";
        }

        ArcResult result(ArcStatus status, String reason, int oldestPass) {
            LOG.debug("ARC: {} {}", status.word(), reason == null ? "" : reason);
            return new ArcResult(status, reason, oldestPass, sets(), chain.highestInstance(), chain.terminated());
        }

        List<ArcSet> sets() {
            ArcField[][] found = chain.bestEffortSets();
            List<ArcSet> out = new ArrayList<>(found.length);
            for (int k = 1; k < found.length; k++) {
                ArcField seal = found[k][ArcFieldKind.SEAL.ordinal()];
                ArcField ams = found[k][ArcFieldKind.MESSAGE_SIGNATURE.ordinal()];
                ArcField aar = found[k][ArcFieldKind.AUTHENTICATION_RESULTS.ordinal()];
                String payload = aar == null || aar.payload() == null ? "" : aar.payload();
                int semicolon = ArcText.topLevelSemicolon(payload, 0);
                out.add(new ArcSet(k, tag(seal, "d"), tag(seal, "s"), seal == null || seal.tags() == null ? null
                        : seal.tags().get("cv"), tag(ams, "d"), tag(ams, "s"), AuthServIds.of(payload).orElse(null),
                        semicolon < 0 ? "" : ArcText.clean(payload.substring(semicolon + 1)),
                        AuthResultsParser.parse(payload),
                        k <= n ? amsVerdicts[k] : SignatureVerdict.NOT_CHECKED, k <= n ? amsReasons[k] : null,
                        k <= n ? sealVerdicts[k] : SignatureVerdict.NOT_CHECKED, k <= n ? sealReasons[k] : null));
            }
            return out;
        }
    }

    private static String tag(ArcField field, String name) {
        if (field == null || field.tags() == null) {
            return null;
        }
        String value = field.tags().get(name);
        return value == null ? null : value.toLowerCase(Locale.ROOT);
    }
}
