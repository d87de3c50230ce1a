package dev.authpack.arc;

import dev.authpack.authres.AuthResultsParser;
import dev.authpack.authres.AuthServIds;
import dev.authpack.dkim.internal.BodyHasher;
import dev.authpack.dkim.internal.ByteBuilder;
import dev.authpack.dkim.DkimAlgorithm;
import dev.authpack.dkim.KeyLookup;
import dev.authpack.dkim.KeyRecord;
import dev.authpack.dkim.KeyRecordCache;
import dev.authpack.dkim.SignedHeaders;
import dev.authpack.dns.DnsLookup;
import dev.authpack.dns.DnsOutcome;
import dev.authpack.dns.DnsResolver;
import dev.authpack.dns.DnsType;
import dev.authpack.mail.MessageParseException;
import dev.authpack.mail.RawMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Validates the Authenticated Received Chain of a message (RFC 8617 §5.2):
 * <ol>
 *   <li>collect the ARC Sets: none gives {@code none}; more than {@link ArcVerifyOptions#maxSets()} (50) gives
 *       {@code fail};</li>
 *   <li>the newest ARC-Seal says {@code cv=fail}: {@code fail} (the chain is {@linkplain ArcResult#terminated()
 *       terminated});</li>
 *   <li>structure: each set exactly one ARC-Authentication-Results (starting {@code i=N;}), ARC-Message-Signature
 *       and ARC-Seal, instances 1..N, {@code cv=none} at 1 and {@code cv=pass} above, no {@code h=} in a seal;</li>
 *   <li>the newest ARC-Message-Signature must validate (as a DKIM signature: body hash, header hash, key);</li>
 *   <li>every ARC-Seal, newest first, over the ARC Sets 1..i in order AAR, AMS, AS with relaxed header
 *       canonicalization (§5.1.1);</li>
 *   <li>oldest-pass (optional, on by default): the older ARC-Message-Signatures, newest first, until one fails;</li>
 *   <li>{@code pass}.</li>
 * </ol>
 * The RFC computes oldest-pass (its step 5) before the seals (its step 6); it only matters for a chain that
 * passes, so we check the seals first: the same results, and a chain with a broken seal costs no lookup for the
 * older message signatures.
 *
 * <p>Bounded work for a chain an attacker wrote: everything that needs no DNS is checked before the first key
 * lookup (steps 1 to 3, the tag syntax and {@code x=} of the newest ARC-Message-Signature and of every seal, and the
 * newest body hash), so a chain that fails there costs no lookup. Keys are then looked up one at a time, when the
 * validation reaches the signature that needs them, and it stops at the first failure: a chain whose newest seal
 * fails costs the lookups of the newest set only. One validation looks up at most
 * {@link ArcVerifyOptions#maxKeyLookups()} distinct key names (a signature that needs one more fails), and all its
 * lookups share one time budget ({@link ArcVerifyOptions#keyLookupTimeout()}). Each body hash is computed once,
 * when first needed; the seals share the hash of the sets they have in common, so the chain is hashed once, not
 * once per seal. Keys are checked as for DKIM (RFC 6376 §6.1.2, RSA key size and exponent bounds, see
 * {@link KeyLookup#rsaKeyProblem}); {@code rsa-sha256} only, unless {@link ArcVerifyOptions#allowEd25519()}.
 *
 * <p>RFC 8617 §5.2.1: all failures are permanent. A key lookup that fails or times out makes its signature fail, so
 * the chain gives {@code fail} (not {@code temperror}, which the {@code arc} method does not have), with the DNS
 * problem in the reason. A key lookup this server did not send (its resolver at its bound,
 * {@link DnsLookup#localOverload()}) says nothing about the sealer: the validation goes on past it, and when nothing
 * else fails the chain is a {@code fail} marked {@link ArcResult#localOverload()}, which local policy does not take
 * as the sealer's failure (docs/arc.md). An older ARC-Message-Signature whose key was not sent leaves a {@code pass}
 * with the oldest-pass verified above it, marked {@link ArcResult#localOverload()} too.
 *
 * <p>Thread-safe; share one instance. The future never completes exceptionally; the checks after a lookup run on
 * the thread that completes it.
 */
public final class ArcVerifier {
    /** Key records tried per signature when a name has several (as DKIM). */
    private static final int MAX_KEY_RECORDS = 3;
    private static final Logger LOG = LoggerFactory.getLogger(ArcVerifier.class);

    private final DnsResolver dns;
    private final ArcVerifyOptions options;
    private final KeyRecordCache keyRecords;

    /** A verifier with {@link ArcVerifyOptions#defaults()}. */
    public ArcVerifier(DnsResolver dns) {
        this(dns, ArcVerifyOptions.defaults());
    }

    public ArcVerifier(DnsResolver dns, ArcVerifyOptions options) {
        this(dns, options, new KeyRecordCache(KeyRecordCache.DEFAULT_MAX_ENTRIES));
    }

    private ArcVerifier(DnsResolver dns, ArcVerifyOptions options, KeyRecordCache keyRecords) {
        this.dns = Objects.requireNonNull(dns, "dns");
        this.options = Objects.requireNonNull(options, "options");
        this.keyRecords = keyRecords;
    }

    /** The same verifier asking {@code other} (an SMTP transaction's answers), sharing its decoded keys. */
    public ArcVerifier over(DnsResolver other) {
        return new ArcVerifier(other, options, keyRecords);
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
        return verify(message, null);
    }

    /**
     * {@link #verify(RawMessage)} of a message whose body is not in {@code message} (its header section alone: a
     * message too large to hold), with the body hashes computed beforehand from its body streamed
     * ({@link #bodyKeys}); null: hashed from {@code message}'s body. An ARC-Message-Signature whose hash is not among
     * them does not validate. Never completes exceptionally.
     */
    public CompletableFuture<ArcResult> verify(RawMessage message, BodyHasher.Computed hashed) {
        try {
            ArcChain chain = ArcChain.collect(message, options.maxSets());
            if (chain.isEmpty()) {
                return CompletableFuture.completedFuture(ArcResult.none());
            }
            Validation v = new Validation(message, chain, hashed);
            if (chain.failure() != null) {
                return CompletableFuture.completedFuture(v.result(ArcStatus.FAIL, chain.failure(), -1));
            }
            return v.start();
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(internalError(e, 0));
        }
    }

    /**
     * The result for a message whose body is not read ({@code why}: larger than the caller's bound), from its header
     * section alone: {@code none} without ARC fields, otherwise {@code fail} (a chain that is not validated never
     * passes: RFC 8617 §5.2 gives no result between), with the chain's own structural failure when the header
     * section shows one, else {@code why}. No key lookup, no body hash.
     */
    public ArcResult unverified(RawMessage header, String why) {
        try {
            ArcChain chain = ArcChain.collect(header, options.maxSets());
            if (chain.isEmpty()) {
                return ArcResult.none();
            }
            return new Validation(header, chain).result(ArcStatus.FAIL,
                    chain.failure() != null ? chain.failure() : why, -1);
        } catch (RuntimeException e) {
            return internalError(e, 0);
        }
    }

    private static ArcResult internalError(RuntimeException e, int highestInstance) {
        LOG.warn("ARC validation failed unexpectedly", e);
        return new ArcResult(ArcStatus.FAIL, "internal error: " + e, -1, List.of(), highestInstance, false);
    }

    /**
     * The body hashes a validation of this header section's chain may need (one per canonicalization its
     * ARC-Message-Signatures use), for a body streamed; empty without a chain, or with one that fails on its
     * structure.
     */
    public Set<BodyHasher.Key> bodyKeys(RawMessage header) {
        try {
            ArcChain chain = ArcChain.collect(header, options.maxSets());
            Set<BodyHasher.Key> keys = new LinkedHashSet<>();
            if (chain.isEmpty() || chain.failure() != null || chain.highestInstance() > ArcVerifyOptions.MAX_SETS) {
                return keys;
            }
            for (int k = 1; k <= chain.highestInstance(); k++) {
                try {
                    keys.add(bodyKey(ArcSignature.parse(chain.field(k, ArcFieldKind.MESSAGE_SIGNATURE),
                            options.allowEd25519())));
                } catch (ArcSignatureException e) {
                    // does not validate, whatever the body
                }
            }
            return keys;
        } catch (RuntimeException e) {
            LOG.warn("ARC body keys not read: {}", e.toString());
            return Set.of();
        }
    }

    /**
     * The hash of the whole canonical body, whatever l=: an l= other than the canonical length fails anyway
     * ({@link Validation#bodyProblem}), and with l= equal to it the prefix is the whole body; so every
     * ARC-Message-Signature of one canonicalization shares one hash.
     */
    private static BodyHasher.Key bodyKey(ArcSignature ams) {
        return new BodyHasher.Key(ams.bodyCanonicalization(), ams.algorithm().digestName(), -1);
    }

    /** The signatures in the order they are checked: the newest AMS, the seals newest first, the older AMSs. */
    private record Step(int instance, boolean ams) {
    }

    /** The state of one validation; its steps run one at a time (a step after a lookup on the DNS thread). */
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
        final Map<BodyHasher.Key, BodyHasher.Hash> bodyHashes = new HashMap<>();
        /** The body's hashes computed beforehand (a body streamed), or null: hashed from the message's body. */
        final BodyHasher.Computed hashed;
        /** The key lookups started so far, by name (each name once). */
        final Map<String, CompletableFuture<DnsLookup<String>>> lookups = new HashMap<>();
        final List<Step> steps = new ArrayList<>();
        final long now;
        long lookupDeadlineMillis;
        /** Made on the first seal check. */
        ArcSealHashes sealHashes;
        /** The first step whose key lookup was not sent (a local overload), or null. */
        Step notSent;

        Validation(RawMessage message, ArcChain chain) {
            this(message, chain, null);
        }

        Validation(RawMessage message, ArcChain chain, BodyHasher.Computed hashed) {
            this.message = message;
            this.chain = chain;
            this.hashed = hashed;
            this.n = Math.min(chain.highestInstance(), ArcVerifyOptions.MAX_SETS);
            ams = new ArcSignature[n + 1];
            seals = new ArcSignature[n + 1];
            amsVerdicts = new SignatureVerdict[n + 1];
            sealVerdicts = new SignatureVerdict[n + 1];
            amsReasons = new String[n + 1];
            sealReasons = new String[n + 1];
            Arrays.fill(amsVerdicts, SignatureVerdict.NOT_CHECKED);
            Arrays.fill(sealVerdicts, SignatureVerdict.NOT_CHECKED);
            now = options.clock().instant().getEpochSecond();
        }

        /** The checks that need no DNS, then the walk through the signatures. */
        CompletableFuture<ArcResult> start() {
            Step newest = new Step(n, true);
            ams[n] = parse(n, ArcFieldKind.MESSAGE_SIGNATURE);
            String bodyProblem = ams[n] == null ? null : bodyProblem(ams[n]);
            if (bodyProblem != null) {
                record(newest, bodyProblem);
            }
            if (ams[n] == null || bodyProblem != null) {
                return CompletableFuture.completedFuture(failure(newest));
            }
            for (int k = n; k >= 1; k--) {
                seals[k] = parse(k, ArcFieldKind.SEAL);
                if (seals[k] == null) {
                    return CompletableFuture.completedFuture(failure(new Step(k, false)));
                }
            }
            steps.add(new Step(n, true));
            for (int k = n; k >= 1; k--) {
                steps.add(new Step(k, false));
            }
            if (options.computeOldestPass()) {
                for (int m = n - 1; m >= 1; m--) {
                    steps.add(new Step(m, true));
                }
            }
            lookupDeadlineMillis = options.clock().millis() + options.keyLookupTimeout().toMillis();
            return walk(0);
        }

        /**
         * Checks the steps from {@code from} on; waits (without blocking) for a key that is not there yet. A key
         * lookup this server did not send (its resolver at its bound) leaves its signature undetermined: the walk
         * goes on, so that a chain that fails anyway says so ({@link ArcResult#localOverload()} only when nothing
         * else failed).
         */
        CompletableFuture<ArcResult> walk(int from) {
            for (int i = from; i < steps.size(); i++) {
                Step step = steps.get(i);
                boolean older = step.ams() && step.instance() < n;
                if (older && notSent != null) {
                    // oldest-pass (RFC 8617 §5.2 step 5) is only of a chain that passes
                    break;
                }
                ArcSignature signature = signature(step);
                String problem = signature == null ? reason(step) : step.ams() ? bodyProblem(signature) : null;
                boolean overloaded = false;
                if (problem == null) {
                    CompletableFuture<DnsLookup<String>> key = key(signature.keyName());
                    if (key == null) {
                        problem = "not validated: the chain needs more than " + options.maxKeyLookups()
                                + " key lookups";
                    } else if (!key.isDone()) {
                        int at = i;
                        return key.handle((answer, error) -> at).thenCompose(this::resume);
                    } else {
                        DnsLookup<String> answer = KeyLookup.answer(signature.keyName(), key);
                        overloaded = answer.localOverload();
                        problem = overloaded ? notSent(signature, answer)
                                : verifySignature(signature, () -> signedHash(step, signature), answer);
                    }
                }
                if (!record(step, problem)) {
                    if (older) {
                        // RFC 8617 §5.2 step 5: the oldest pass is the set above the first failing AMS; one whose
                        // key was not sent is undetermined, not validated: the oldest pass claimed is the lowest
                        // verified, flagged as possibly lower
                        return CompletableFuture.completedFuture(result(ArcStatus.PASS, overloaded
                                ? "oldest-pass may be lower: ARC-Message-Signature i=" + step.instance()
                                + " not validated: " + problem : null, step.instance() + 1, overloaded));
                    }
                    if (!overloaded) {
                        return CompletableFuture.completedFuture(failure(step));
                    }
                    notSent = notSent == null ? step : notSent;
                }
            }
            if (notSent != null) {
                return CompletableFuture.completedFuture(failure(notSent, true));
            }
            return CompletableFuture.completedFuture(result(ArcStatus.PASS, null,
                    options.computeOldestPass() ? 0 : -1));
        }

        /** Why a signature whose key lookup this server did not send is not validated (as DKIM says it). */
        String notSent(ArcSignature signature, DnsLookup<String> lookup) {
            return "key unavailable (lookup of " + signature.keyName() + " not sent, this server's DNS resolver is"
                    + " overloaded" + (lookup.detail().isEmpty() ? "" : ": " + lookup.detail()) + ")";
        }

        CompletableFuture<ArcResult> resume(int at) {
            try {
                return walk(at);
            } catch (RuntimeException e) {
                return CompletableFuture.completedFuture(internalError(e, chain.highestInstance()));
            }
        }

        /** The signature of a step, parsed when first needed; null when it cannot be verified (reason recorded). */
        ArcSignature signature(Step step) {
            int k = step.instance();
            if (step.ams()) {
                if (ams[k] == null && amsVerdicts[k] == SignatureVerdict.NOT_CHECKED) {
                    ams[k] = parse(k, ArcFieldKind.MESSAGE_SIGNATURE);
                }
                return ams[k];
            }
            return seals[k];
        }

        /**
         * The key lookup of {@code name}: the one already started, or a new one within the budget; null when the
         * validation has looked up as many names as it may.
         */
        CompletableFuture<DnsLookup<String>> key(String name) {
            CompletableFuture<DnsLookup<String>> started = lookups.get(name);
            if (started != null) {
                return started;
            }
            if (lookups.size() >= options.maxKeyLookups()) {
                return null;
            }
            long remaining = lookupDeadlineMillis - options.clock().millis();
            CompletableFuture<DnsLookup<String>> lookup = remaining <= 0
                    ? CompletableFuture.completedFuture(overBudget(name))
                    : KeyLookup.start(dns, name, Duration.ofMillis(remaining))
                            .thenApply(answer -> options.clock().millis() > lookupDeadlineMillis
                                    && !answer.outcome().isError() ? overBudget(name) : answer);
            lookups.put(name, lookup);
            return lookup;
        }

        DnsLookup<String> overBudget(String name) {
            return DnsLookup.failed(name, DnsType.TXT, DnsOutcome.TIMEOUT, "the key lookups of this chain took"
                    + " more than " + options.keyLookupTimeout().toMillis() + " ms");
        }

        /** The signature of set k, or null with its verdict set to FAIL when it cannot be verified. */
        ArcSignature parse(int k, ArcFieldKind kind) {
            try {
                ArcSignature signature = ArcSignature.parse(chain.field(k, kind), options.allowEd25519());
                long skew = options.clockSkew().getSeconds();
                if (signature.expiration() >= 0 && now > signature.expiration() + skew) {
                    throw new ArcSignatureException("signature expired (x=" + signature.expiration() + ")");
                }
                return signature;
            } catch (ArcSignatureException e) {
                record(new Step(k, kind == ArcFieldKind.MESSAGE_SIGNATURE), e.getMessage());
                return null;
            }
        }

        /** Records the verdict of a step (pass when {@code problem} is null); true when it passed. */
        boolean record(Step step, String problem) {
            SignatureVerdict verdict = problem == null ? SignatureVerdict.PASS : SignatureVerdict.FAIL;
            if (step.ams()) {
                amsVerdicts[step.instance()] = verdict;
                amsReasons[step.instance()] = problem;
            } else {
                sealVerdicts[step.instance()] = verdict;
                sealReasons[step.instance()] = problem;
            }
            return problem == null;
        }

        String reason(Step step) {
            return step.ams() ? amsReasons[step.instance()] : sealReasons[step.instance()];
        }

        ArcResult failure(Step step) {
            return failure(step, false);
        }

        /** The chain's {@code fail} at {@code step}; {@code overload}: only its key lookup was not sent. */
        ArcResult failure(Step step, boolean overload) {
            String what = step.ams() ? "ARC-Message-Signature" : "ARC-Seal";
            return result(ArcStatus.FAIL, what + " i=" + step.instance() + " did not validate: " + reason(step), -1,
                    overload);
        }

        /** The body hash checks of an ARC-Message-Signature (no DNS); null when they pass. */
        String bodyProblem(ArcSignature signature) {
            BodyHasher.Hash bodyHash = hashed != null ? hashed.hashes().get(bodyKey(signature))
                    : bodyHashes.computeIfAbsent(bodyKey(signature),
                    key -> BodyHasher.compute(message, List.of(key)).hashes().get(key));
            if (bodyHash == null) {
                return "not validated: its body hash was not computed";
            }
            long length = signature.bodyLength();
            if (length > bodyHash.canonicalLength()) {
                return "l=" + length + " is longer than the canonicalized body (" + bodyHash.canonicalLength()
                        + " octets)";
            }
            if (length >= 0 && length < bodyHash.canonicalLength()) {
                // as DKIM's safe default: a signature that leaves body content unsigned proves little
                return "l=" + length + " leaves " + (bodyHash.canonicalLength() - length)
                        + " octets of the body unsigned";
            }
            if (!MessageDigest.isEqual(bodyHash.digest(), signature.bodyHash())) {
                return "body hash did not verify";
            }
            return null;
        }

        /** The SHA-256 of what a signature signs (rsa-sha256 and ed25519-sha256 both hash with SHA-256). */
        byte[] signedHash(Step step, ArcSignature signature) {
            if (!step.ams()) {
                if (sealHashes == null) {
                    sealHashes = new ArcSealHashes(chain, n);
                }
                return sealHashes.hash(step.instance(), signature);
            }
            ByteBuilder data = SignedHeaders.data(message, signature.signedHeaders(),
                    signature.headerCanonicalization(), signature.withoutSignatureValue());
            MessageDigest digest = ArcSealHashes.sha256();
            digest.update(data.array(), 0, data.length());
            return digest.digest();
        }

        /** Key record checks (RFC 6376 §6.1.2) and the signature check; null when it verifies, else why not. */
        String verifySignature(ArcSignature signature, Supplier<byte[]> signedHash, DnsLookup<String> lookup) {
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
            byte[] hash = null;
            for (KeyRecord record : candidates) {
                String refused = refused(signature, record);
                if (refused == null && hash == null) {
                    hash = signedHash.get();
                }
                String problem = refused != null ? refused
                        : KeyLookup.verifySha256(signature.algorithm(), record, hash, signature.signature()) ? null
                        : "signature did not verify";
                if (problem == null) {
                    return null;
                }
                if (first == null) {
                    first = problem;
                }
            }
            return first;
        }

        /** Why the record's key is not used for the signature (RFC 6376 §6.1.2, key bounds), or null. */
        String refused(ArcSignature signature, KeyRecord record) {
            KeyRecord.Problem problem = record.problemFor(signature.algorithm());
            if (problem != null) {
                return problem.reason();
            }
            if (signature.algorithm().keyType() == DkimAlgorithm.KeyType.RSA) {
                return KeyLookup.rsaKeyProblem(record.rsaKey(), options.minRsaKeyBits(), options.maxRsaKeyBits());
            }
            return null;
        }

        ArcResult result(ArcStatus status, String reason, int oldestPass) {
            return result(status, reason, oldestPass, false);
        }

        ArcResult result(ArcStatus status, String reason, int oldestPass, boolean overload) {
            LOG.debug("ARC: {} {}", status.word(), reason == null ? "" : reason);
            return new ArcResult(status, reason, oldestPass, sets(), chain.highestInstance(), chain.terminated(),
                    overload);
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
                        semicolon < 0 ? "" : ArcText.clean(ArcText.utf8(payload.substring(semicolon + 1))),
                        AuthResultsParser.parse(payload),
                        k <= n ? amsVerdicts[k] : SignatureVerdict.NOT_CHECKED, k <= n ? amsReasons[k] : null,
                        k <= n ? sealVerdicts[k] : SignatureVerdict.NOT_CHECKED, k <= n ? sealReasons[k] : null,
                        k <= n && signsEveryInstance(Validation.this.ams[k])));
            }
            return out;
        }

        /**
         * Whether {@code signature} (null: not parsed) signs every instance of each field a message has once that
         * its h= names, and every From: the rule of a DKIM pass ({@link SignedHeaders#unsignedInstance}).
         */
        boolean signsEveryInstance(ArcSignature signature) {
            return signature != null && SignedHeaders.unsignedInstance(message, signature.signedHeaders()).isEmpty();
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
