package dev.authpack.dkim;

import dev.authpack.dkim.internal.TagList;
import dev.authpack.dkim.internal.ByteBuilder;
import dev.authpack.dkim.internal.BodyHasher;
import dev.authpack.dns.DnsLookup;
import dev.authpack.dns.DnsOutcome;
import dev.authpack.dns.DnsResolver;
import dev.authpack.mail.HeaderField;
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
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Verifies the DKIM signatures of a message (RFC 6376 §6, RFC 8301, RFC 8463): {@code rsa-sha256} and
 * {@code ed25519-sha256} ({@code rsa-sha1} only if {@link DkimVerifyOptions#allowSha1()}), simple and relaxed
 * canonicalization over the message exactly as received.
 *
 * <p>For a message it: parses every DKIM-Signature field and applies the checks that need nothing else (§6.1.1,
 * then rsa-sha1, x= and t= against the clock); starts the key lookups of the remaining signatures (up to
 * {@link DkimVerifyOptions#maxSignatures()}) concurrently, one per distinct {@code selector._domainkey.domain};
 * computes the body hashes meanwhile, each distinct (canonicalization, hash, l=) once and one pass over the body
 * per canonicalization; then, as the keys arrive, checks each key record against its signature (§6.1.2), compares
 * the body hash and verifies the header signature (§6.1.3).
 *
 * <p>Results: {@code pass}; {@code fail} when the body hash or the signature does not verify; {@code permerror}
 * for unusable signatures and key records (syntax, missing or unsupported tags, From not signed, i=/d= mismatch,
 * no key, revoked key, key type or hash not allowed by the record, expired, l= longer than the body);
 * {@code temperror} when the key lookup fails or times out; {@code policy} for what these settings refuse although
 * the RFC would accept it or leave it to the verifier (rsa-sha1, RSA key size, l= leaving body content unsigned,
 * a From, Subject or other field a message has once added above the signed one, which h= does not cover,
 * t= in the future, signatures over the cap).
 *
 * <p>Several TXT records at the key name: RFC 6376 §6.1.2 lets the verifier pick one or try them in turn. Records
 * that do not parse as key records are skipped; the others (at most {@value #MAX_KEY_RECORDS}) are tried in DNS
 * order until one verifies; otherwise the result is the first one's. When none parses, the first one's syntax error
 * is reported.
 *
 * <p>Parsed key records are cached by their text, so repeated keys are decoded once. Thread-safe; share one
 * instance. The returned future never completes exceptionally; completion runs on the thread that completes the
 * last key lookup (the caller's, when the resolver answers from its cache).
 */
public final class DkimVerifier {
    /** Key records tried per signature when a name has several. */
    public static final int MAX_KEY_RECORDS = 3;
    private static final Logger LOG = LoggerFactory.getLogger(DkimVerifier.class);
    /** A streamed body's hashes that lack a signature's (they were computed for other signatures): fail closed. */
    static final String BODY_NOT_HASHED = "not verified: its body hash was not computed";

    private final DnsResolver dns;
    private final DkimVerifyOptions options;
    private final KeyRecordCache keyRecords;

    /** A verifier with {@link DkimVerifyOptions#defaults()}. */
    public DkimVerifier(DnsResolver dns) {
        this(dns, DkimVerifyOptions.defaults());
    }

    public DkimVerifier(DnsResolver dns, DkimVerifyOptions options) {
        this(dns, options, new KeyRecordCache(KeyRecordCache.DEFAULT_MAX_ENTRIES));
    }

    private DkimVerifier(DnsResolver dns, DkimVerifyOptions options, KeyRecordCache keyRecords) {
        this.dns = Objects.requireNonNull(dns, "dns");
        this.options = Objects.requireNonNull(options, "options");
        this.keyRecords = keyRecords;
    }

    /**
     * The same verifier asking {@code other} (an SMTP transaction's answers): same options, and the same decoded
     * keys, so a key record is decoded once for the server, not once per transaction.
     */
    public DkimVerifier over(DnsResolver other) {
        return new DkimVerifier(other, options, keyRecords);
    }

    /** Key records decoded and kept (tests). */
    int cachedKeys() {
        return keyRecords.size();
    }

    public DkimVerifyOptions options() {
        return options;
    }

    /**
     * Parses the message ({@link RawMessage#parse(byte[])}) and verifies it; an unreadable one gives a report with
     * {@link DkimReport#error()} ({@code dkim=permerror}). Never completes exceptionally.
     */
    public CompletableFuture<DkimReport> verify(byte[] message) {
        RawMessage parsed;
        try {
            parsed = RawMessage.parse(message);
        } catch (MessageParseException e) {
            return CompletableFuture.completedFuture(
                    DkimReport.unreadable("message could not be parsed: " + e.getMessage()));
        }
        return verify(parsed);
    }

    /** Verifies every DKIM-Signature field of the message. Never completes exceptionally. */
    public CompletableFuture<DkimReport> verify(RawMessage message) {
        return verify(message, DkimPrefetch.NONE);
    }

    /**
     * {@link #verify(RawMessage)}, taking over from {@code early} (the start on this message's header section,
     * {@link #prefetchKeys}) the parse of each DKIM-Signature field with the very same octets: the same report as
     * without it. Never completes exceptionally.
     */
    public CompletableFuture<DkimReport> verify(RawMessage message, DkimPrefetch early) {
        return verify(message, early, null);
    }

    /**
     * {@link #verify(RawMessage, DkimPrefetch)} of a message whose body is not in {@code message} (its header
     * section alone: a message too large to hold), with the body hashes computed beforehand from its body streamed
     * ({@link #bodyKeys}, {@link BodyHasher#streaming}); null: hashed from {@code message}'s body. A signature whose
     * hash is not among them gets {@code policy} (not verified). Never completes exceptionally.
     */
    public CompletableFuture<DkimReport> verify(RawMessage message, DkimPrefetch early, BodyHasher.Computed hashed) {
        try {
            return start(message, early == null ? DkimPrefetch.NONE : early, hashed);
        } catch (RuntimeException e) {
            LOG.warn("DKIM verification failed unexpectedly", e);
            return CompletableFuture.completedFuture(DkimReport.unreadable("internal error: " + e));
        }
    }

    /**
     * The body hashes {@link #verify(RawMessage)} would compute for this header section's signatures (those it
     * verifies: parsed, past the checks that need no DNS, within {@link DkimVerifyOptions#maxSignatures()}), for a
     * body streamed; empty when none is verified (or the header section cannot be read).
     */
    public Set<BodyHasher.Key> bodyKeys(RawMessage header) {
        try {
            Set<BodyHasher.Key> keys = new LinkedHashSet<>();
            for (DkimSignature signature : select(header, DkimPrefetch.NONE).pending()) {
                if (signature != null) {
                    keys.add(bodyKey(signature));
                }
            }
            return keys;
        } catch (RuntimeException e) {
            LOG.warn("DKIM body keys not read: {}", e.toString());
            return Set.of();
        }
    }

    /**
     * The report of a message whose body is not read ({@code why}: larger than the caller's bound), from its header
     * section alone: each DKIM-Signature field that parses and passes the checks needing no DNS gets {@code policy}
     * with {@code why} (RFC 8601 §2.7.1: the signature was not verified by local policy); one that does not parse
     * {@code permerror}, as in {@link #verify(RawMessage)}. Never a pass, no key lookup, no body hash.
     */
    public DkimReport unverified(RawMessage header, String why) {
        try {
            List<HeaderField> fields = header.fields("DKIM-Signature");
            if (fields.isEmpty()) {
                return DkimReport.unsigned();
            }
            long now = options.clock().instant().getEpochSecond();
            List<DkimResult> results = new ArrayList<>(fields.size());
            for (HeaderField field : fields) {
                DkimSignature signature;
                try {
                    signature = DkimSignature.parse(field);
                } catch (InvalidSignatureException e) {
                    results.add(unreadable(field, e));
                    continue;
                }
                DkimResult early = precheck(signature, now);
                results.add(early != null ? early : result(signature, DkimStatus.POLICY, why, false));
            }
            return new DkimReport(results, null, 0);
        } catch (RuntimeException e) {
            LOG.warn("DKIM report of an unread body failed unexpectedly", e);
            return DkimReport.unreadable("internal error: " + e);
        }
    }

    /**
     * The early start on a header section whose body has not arrived yet: parses its DKIM-Signature fields, applies
     * the checks that decide which signatures get verified (those of {@link #verify(RawMessage)}: syntax, local
     * policy, time, the cap of {@link DkimVerifyOptions#maxSignatures()}), and starts the key lookups of those, over
     * the same resolver path, so that the verification of the whole message finds the answers there. Nothing else:
     * no body hash, no key record decoded, no result. A header section that cannot be read starts nothing.
     */
    public DkimPrefetch prefetchKeys(RawMessage header) {
        try {
            return prefetch(header);
        } catch (RuntimeException e) {
            LOG.warn("DKIM keys not prefetched: {}", e.toString());
            return DkimPrefetch.NONE;
        }
    }

    private DkimPrefetch prefetch(RawMessage header) {
        List<HeaderField> fields = header.fields("DKIM-Signature");
        if (fields.isEmpty()) {
            return DkimPrefetch.NONE;
        }
        long now = options.clock().instant().getEpochSecond();
        int max = options.maxSignatures();
        List<DkimPrefetch.Parse> parses = new ArrayList<>(Math.min(fields.size(), max));
        Set<String> names = new LinkedHashSet<>();
        int verifying = 0;
        // the loop of start(): past the cap no signature gets a lookup, so no field below it needs reading now
        for (int i = 0; i < fields.size() && verifying < max; i++) {
            HeaderField field = fields.get(i);
            DkimSignature signature = null;
            InvalidSignatureException invalid = null;
            try {
                signature = DkimSignature.parse(field);
            } catch (InvalidSignatureException e) {
                invalid = e;
            }
            if (parses.size() < max) {
                parses.add(new DkimPrefetch.Parse(signature != null ? signature.raw() : field.rawBytes(),
                        signature, invalid));
            }
            if (signature != null && refusal(signature, now) == null) {
                verifying++;
                names.add(signature.keyName());
            }
        }
        List<CompletableFuture<?>> lookups = new ArrayList<>(names.size());
        for (String name : names) {
            lookups.add(lookup(name));
        }
        return new DkimPrefetch(parses, fields.size(), new ArrayList<>(names),
                CompletableFuture.allOf(lookups.toArray(new CompletableFuture<?>[0])));
    }

    /**
     * The message's signatures: {@code done} those with a result without DNS (null where pending), {@code pending}
     * those to verify (null elsewhere), {@code verifying} of them.
     */
    private record Selection(DkimResult[] done, DkimSignature[] pending, int verifying) {
    }

    private CompletableFuture<DkimReport> start(RawMessage message, DkimPrefetch parsedEarly,
                                                BodyHasher.Computed hashed) {
        if (message.fields("DKIM-Signature").isEmpty()) {
            return CompletableFuture.completedFuture(DkimReport.unsigned());
        }
        Selection selection = select(message, parsedEarly);
        DkimResult[] done = selection.done();
        DkimSignature[] pending = selection.pending();
        if (selection.verifying() == 0) {
            return CompletableFuture.completedFuture(new DkimReport(Arrays.asList(done), null, 0));
        }
        Map<String, CompletableFuture<DnsLookup<String>>> lookups = new LinkedHashMap<>();
        Set<BodyHasher.Key> bodyKeys = new LinkedHashSet<>();
        for (DkimSignature signature : pending) {
            if (signature != null) {
                lookups.computeIfAbsent(signature.keyName(), this::lookup);
                bodyKeys.add(bodyKey(signature));
            }
        }
        // the body is hashed while the key lookups are under way (or was, streamed, before)
        BodyHasher.Computed bodyHashes = hashed != null ? hashed : BodyHasher.compute(message, bodyKeys);
        int digests = hashed != null ? bodyKeys.size() : bodyHashes.digests();
        CompletableFuture<?> all = lookups.size() == 1 ? lookups.values().iterator().next()
                : CompletableFuture.allOf(lookups.values().toArray(new CompletableFuture<?>[0]));
        return all.handle((ignored, error) -> {
            try {
                return finish(message, done, pending, lookups, bodyHashes, digests);
            } catch (RuntimeException e) {
                LOG.warn("DKIM verification failed unexpectedly", e);
                return DkimReport.unreadable("internal error: " + e);
            }
        });
    }

    private Selection select(RawMessage message, DkimPrefetch parsedEarly) {
        List<HeaderField> fields = message.fields("DKIM-Signature");
        long now = options.clock().instant().getEpochSecond();
        int n = fields.size();
        DkimResult[] done = new DkimResult[n];
        DkimSignature[] pending = new DkimSignature[n];
        int verifying = 0;
        for (int i = 0; i < n; i++) {
            HeaderField field = fields.get(i);
            DkimSignature signature;
            DkimPrefetch.Parse parse = parsedEarly.parseOf(field, i, n);
            try {
                signature = parse == null ? DkimSignature.parse(field) : parse.signature();
            } catch (InvalidSignatureException e) {
                done[i] = unreadable(field, e);
                continue;
            }
            if (signature == null) {
                done[i] = unreadable(field, parse.invalid());
                continue;
            }
            if (parse != null) {
                // the parse of the same octets, in this field's place
                signature = signature.at(field);
            }
            DkimResult early = precheck(signature, now);
            if (early != null) {
                done[i] = early;
            } else if (verifying >= options.maxSignatures()) {
                done[i] = result(signature, DkimStatus.POLICY, DkimResult.NOT_VERIFIED
                        + options.maxSignatures() + " signatures to verify in the message", false);
            } else {
                verifying++;
                pending[i] = signature;
            }
        }
        return new Selection(done, pending, verifying);
    }

    private DkimReport finish(RawMessage message, DkimResult[] done, DkimSignature[] pending,
                              Map<String, CompletableFuture<DnsLookup<String>>> lookups,
                              BodyHasher.Computed bodyHashes, int digests) {
        for (int i = 0; i < pending.length; i++) {
            DkimSignature signature = pending[i];
            if (signature == null) {
                continue;
            }
            try {
                DnsLookup<String> lookup = KeyLookup.answer(signature.keyName(), lookups.get(signature.keyName()));
                BodyHasher.Hash bodyHash = bodyHashes.hashes().get(bodyKey(signature));
                done[i] = bodyHash == null ? result(signature, DkimStatus.POLICY, BODY_NOT_HASHED, false)
                        : check(message, signature, lookup, bodyHash);
            } catch (RuntimeException e) {
                LOG.warn("DKIM verification of signature {} failed unexpectedly", i, e);
                done[i] = result(signature, DkimStatus.TEMPERROR, "internal error: " + e, false);
            }
            if (LOG.isDebugEnabled()) {
                LOG.debug("DKIM d={} s={}: {} {}", signature.domain(), signature.selector(),
                        done[i].status().word(), done[i].reason());
            }
        }
        return new DkimReport(Arrays.asList(done), null, digests);
    }

    /** What the checks that need no DNS refuse a signature for. */
    private enum Refusal { SHA1, EXPIRED, FUTURE }

    /** The checks that need no DNS: local policy on the algorithm, and time (RFC 6376 §3.5 t=, x=); null: none. */
    private Refusal refusal(DkimSignature signature, long now) {
        if (signature.algorithm() == DkimAlgorithm.RSA_SHA1 && !options.allowSha1()) {
            return Refusal.SHA1;
        }
        long skew = options.clockSkew().getSeconds();
        if (signature.expiration() >= 0 && now > signature.expiration() + skew) {
            return Refusal.EXPIRED;
        }
        if (signature.timestamp() >= 0 && signature.timestamp() > now + skew) {
            return Refusal.FUTURE;
        }
        return null;
    }

    /** The result of {@link #refusal}, or null when the signature goes on to its key. */
    private DkimResult precheck(DkimSignature signature, long now) {
        Refusal refusal = refusal(signature, now);
        if (refusal == null) {
            return null;
        }
        return switch (refusal) {
            case SHA1 -> result(signature, DkimStatus.POLICY, "rsa-sha1 is not accepted (RFC 8301 section 3.1)",
                    false);
            case EXPIRED -> result(signature, DkimStatus.PERMERROR, "signature expired (x="
                    + signature.expiration() + ")", false);
            case FUTURE -> result(signature, DkimStatus.POLICY, "signature timestamp t=" + signature.timestamp()
                    + " is in the future", false);
        };
    }

    private CompletableFuture<DnsLookup<String>> lookup(String name) {
        return KeyLookup.start(dns, name, options.keyLookupTimeout());
    }

    private DkimResult check(RawMessage message, DkimSignature signature, DnsLookup<String> lookup,
                             BodyHasher.Hash bodyHash) {
        if (lookup.localOverload()) {
            // not sent: nothing is known about the signer's key, and asking again later may verify the signature
            DkimResult r = result(signature, DkimStatus.TEMPERROR, "key unavailable (lookup of "
                    + signature.keyName() + " not sent, this server's DNS resolver is overloaded" + detail(lookup)
                    + ")", false);
            return new DkimResult(r.status(), r.reason(), r.domain(), r.identity(), r.selector(), r.algorithm(),
                    r.signatureStart(), r.testing(), r.fieldIndex(), true);
        }
        if (lookup.outcome().isError()) {
            String what = lookup.outcome() == DnsOutcome.TIMEOUT ? "DNS timeout" : "DNS failure";
            return result(signature, DkimStatus.TEMPERROR, "key unavailable (" + what + detail(lookup) + ")", false);
        }
        if (!lookup.hasRecords()) {
            String what = lookup.outcome() == DnsOutcome.NXDOMAIN ? "NXDOMAIN" : "no TXT record";
            return result(signature, DkimStatus.PERMERROR, "no key for signature (" + what + " at "
                    + signature.keyName() + ")", false);
        }
        KeyLookup.Candidates found = KeyLookup.candidates(lookup.records(), keyRecords, MAX_KEY_RECORDS);
        List<KeyRecord> candidates = found.usable();
        KeyRecord firstUnparsable = found.firstUnparsable();
        if (candidates.isEmpty() && firstUnparsable == null) {
            return result(signature, DkimStatus.PERMERROR, "no key for signature (no TXT record at "
                    + signature.keyName() + ")", false);
        }
        if (candidates.isEmpty()) {
            KeyRecord.Problem problem = firstUnparsable.problemFor(signature);
            return result(signature, problem.status(), problem.reason(), false);
        }
        SignedData data = new SignedData(message, signature);
        DkimResult first = null;
        for (KeyRecord record : candidates) {
            DkimResult r = checkWithKey(signature, record, bodyHash, data);
            if (r.passed()) {
                return r;
            }
            if (first == null) {
                first = r;
            }
        }
        return first;
    }

    private static String detail(DnsLookup<String> lookup) {
        return lookup.detail().isEmpty() ? "" : ": " + lookup.detail();
    }

    /** RFC 6376 §6.1.2 (key record) and §6.1.3 (body hash, then signature). */
    private DkimResult checkWithKey(DkimSignature signature, KeyRecord record, BodyHasher.Hash bodyHash,
                                    SignedData data) {
        boolean testing = record.testing();
        KeyRecord.Problem problem = record.problemFor(signature);
        if (problem != null) {
            return result(signature, problem.status(), problem.reason(), testing);
        }
        if (signature.algorithm().keyType() == DkimAlgorithm.KeyType.RSA) {
            String refused = KeyLookup.rsaKeyProblem(record.rsaKey(), options.minRsaKeyBits(),
                    options.maxRsaKeyBits());
            if (refused != null) {
                return result(signature, DkimStatus.POLICY, refused, testing);
            }
        }
        long length = signature.bodyLength();
        if (length > bodyHash.canonicalLength()) {
            return result(signature, DkimStatus.PERMERROR, "l=" + length + " is longer than the canonicalized body ("
                    + bodyHash.canonicalLength() + " octets)", testing);
        }
        if (!MessageDigest.isEqual(bodyHash.digest(), signature.bodyHash())) {
            return result(signature, DkimStatus.FAIL, "body hash did not verify", testing);
        }
        boolean verified = KeyLookup.verify(signature.algorithm(), record, data.bytes(), signature.signature());
        if (!verified) {
            return result(signature, DkimStatus.FAIL, "signature did not verify", testing);
        }
        // an instance of a field the message has once added above the signed one: a client shows it (review s22)
        Optional<SignedHeaders.UnsignedInstance> unsigned = SignedHeaders.unsignedInstance(data.message,
                signature.signedHeaders());
        if (unsigned.isPresent()) {
            return result(signature, DkimStatus.POLICY, "signature verified, but " + unsigned.get().reason(),
                    testing);
        }
        if (length >= 0 && length < bodyHash.canonicalLength() && !options.allowUnsignedBodyContent()) {
            return result(signature, DkimStatus.POLICY, "signature verified, but l=" + length + " leaves "
                    + (bodyHash.canonicalLength() - length) + " octets of the body unsigned", testing);
        }
        return result(signature, DkimStatus.PASS, testing ? "key is in testing mode (t=y)" : null, testing);
    }

    private static BodyHasher.Key bodyKey(DkimSignature signature) {
        return new BodyHasher.Key(signature.bodyCanonicalization(), signature.algorithm().digestName(),
                signature.bodyLength());
    }

    /** The header data of a signature, built on first use and kept for further key records. */
    private static final class SignedData {
        private final RawMessage message;
        private final DkimSignature signature;
        private ByteBuilder bytes;

        SignedData(RawMessage message, DkimSignature signature) {
            this.message = message;
            this.signature = signature;
        }

        ByteBuilder bytes() {
            if (bytes == null) {
                bytes = SignedHeaders.data(message, signature.signedHeaders(), signature.headerCanonicalization(),
                        SignedHeaders.withoutSignatureValue(signature));
            }
            return bytes;
        }
    }

    private static DkimResult result(DkimSignature s, DkimStatus status, String reason, boolean testing) {
        return new DkimResult(status, reason, s.domain(), s.identity(), s.selector(), s.algorithm().tag(),
                signatureStart(s.tags()), testing, s.field().index());
    }

    /** A permerror for a field that did not parse, naming what could be read. */
    private static DkimResult unreadable(HeaderField field, InvalidSignatureException e) {
        TagList tags = e.tags();
        String domain = null;
        String identity = null;
        String selector = null;
        String algorithm = null;
        String b = null;
        if (tags != null) {
            domain = lower(tags.compact("d"));
            identity = tags.compact("i");
            selector = lower(tags.compact("s"));
            algorithm = lower(tags.compact("a"));
            b = signatureStart(tags);
        }
        return new DkimResult(DkimStatus.PERMERROR, e.getMessage(), domain, identity, selector, algorithm, b, false,
                field.index());
    }

    private static String lower(String value) {
        return value == null ? null : value.toLowerCase(Locale.ROOT);
    }

    /** The first characters of b= without whitespace (RFC 6008 header.b), or null without b=. */
    private static String signatureStart(TagList tags) {
        return tags.compact("b", DkimResult.SIGNATURE_START_LENGTH);
    }
}
