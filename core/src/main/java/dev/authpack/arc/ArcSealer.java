package dev.authpack.arc;

import dev.authpack.authres.MethodResult;
import dev.authpack.dkim.internal.BodyHasher;
import dev.authpack.dkim.internal.ByteBuilder;
import dev.authpack.dkim.Canonicalization;
import dev.authpack.dkim.DkimAlgorithm;
import dev.authpack.dkim.DkimSignOptions;
import dev.authpack.dkim.DkimSigner;
import dev.authpack.dkim.DkimSigningKey;
import dev.authpack.dkim.internal.HeaderCanonicalizer;
import dev.authpack.dkim.SignedHeaders;
import dev.authpack.mail.MessageParseException;
import dev.authpack.mail.RawMessage;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Adds the next ARC Set to a message (RFC 8617 §5.1): an ARC-Authentication-Results {@code i=N; authserv-id;
 * resinfo}, an ARC-Message-Signature (a DKIM signature with {@code i=N} and no {@code v=}) and an ARC-Seal with the
 * chain's status in {@code cv=}, all {@code rsa-sha256}.
 *
 * <p>The existing chain must have been validated first ({@link ArcVerifier}); its result decides:
 * <ul>
 *   <li>the newest seal already says {@code cv=fail}: no set is added (§5.1 step 2);</li>
 *   <li>the next instance would exceed 50: no set is added (§4.2.1);</li>
 *   <li>a {@code fail} of this server's own overload ({@link ArcResult#localOverload()}: a key lookup not sent):
 *       no set is added, since a {@code cv=fail} would end a chain nothing is known against for every later hop
 *       (adding a set is the intermediary's choice, RFC 8617 §5.1);</li>
 *   <li>{@code none}: instance 1, {@code cv=none}; {@code pass}: instance N+1, {@code cv=pass}, the seal covers
 *       every set (§5.1.1); {@code fail}: instance N+1 (N the highest instance found), {@code cv=fail}, the seal
 *       covering only the new set (§5.1.2).</li>
 * </ul>
 * The new fields go on top of the message, ARC-Seal first, with the message's line ending ({@link
 * RawMessage#lineEnding()}: CRLF as soon as the message holds one, so that a CRLF-only reader reads each as a field
 * of its own; review s17 L2), which is what they are signed with.
 *
 * <p>Immutable and thread-safe.
 */
public final class ArcSealer {
    private static final byte[] CRLF = {'\r', '\n'};

    private final DkimSigningKey key;
    private final ArcSealOptions options;

    /**
     * @throws IllegalArgumentException when the key is not RSA (RFC 8617 signs with rsa-sha256)
     */
    public ArcSealer(DkimSigningKey key, ArcSealOptions options) {
        this.key = Objects.requireNonNull(key, "key");
        this.options = Objects.requireNonNull(options, "options");
        if (key.algorithm() != DkimAlgorithm.RSA_SHA256) {
            throw new IllegalArgumentException("ARC (RFC 8617) seals with rsa-sha256: an RSA key is needed, not "
                    + key.algorithm().tag());
        }
    }

    public ArcSealOptions options() {
        return options;
    }

    /**
     * Seals a small sample message once with this authserv-id, so that a bad authserv-id or signed-header list
     * shows when the sealer is configured, not on the first mail.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public void trial(String authservId) {
        byte[] sample = "From: a@example.com\r\nSubject: s\r\n\r\nb\r\n".getBytes(StandardCharsets.US_ASCII);
        try {
            seal(RawMessage.parse(sample), ArcResult.none(), authservId, List.<MethodResult>of());
        } catch (MessageParseException e) {
            throw new IllegalStateException("the sample message does not parse", e);
        }
    }

    /** Seals with our own results in the ARC-Authentication-Results. */
    public ArcSealResult seal(RawMessage message, ArcResult chain, String authservId, List<MethodResult> results) {
        return seal(message, chain, authservId, ArcAuthResults.resinfo(results));
    }

    /**
     * Seals.
     *
     * @param message    the message as it will be sent on (all changes made: §5.1 step 1)
     * @param chain      the validation of this message's chain
     * @param authservId the authserv-id of the ARC-Authentication-Results (a token, such as the host name)
     * @param resinfo    the results to record, {@code method=result ...; ...} (folding and control characters are
     *                   cleaned; empty for {@code none}), for example from {@link ArcAuthResults#consolidate}
     * @throws IllegalArgumentException when {@code chain} cannot be the validation of this message (it says
     *                                  {@code none} but the message has ARC fields, or {@code pass} but the chain
     *                                  is malformed), or the authserv-id is not a token
     */
    public ArcSealResult seal(RawMessage message, ArcResult chain, String authservId, String resinfo) {
        return seal(message, chain, authservId, resinfo, null);
    }

    /**
     * {@link #seal(RawMessage, ArcResult, String, List)} of a message too large to hold: {@code header} is its
     * header section alone, and {@code hashed} holds its body's hash under {@link #bodyKey()}, computed from the
     * body streamed ({@link BodyHasher#streaming}). The result's message is the new header section (the body follows
     * it unchanged).
     *
     * @throws IllegalArgumentException when {@code hashed} lacks {@link #bodyKey()}, or as the other seal
     */
    public ArcSealResult seal(RawMessage header, ArcResult chain, String authservId, List<MethodResult> results,
                              BodyHasher.Computed hashed) {
        if (hashed == null || hashed.hashes().get(bodyKey()) == null) {
            throw new IllegalArgumentException("no body hash for " + bodyKey());
        }
        return seal(header, chain, authservId, ArcAuthResults.resinfo(results), hashed);
    }

    /** The body hash the ARC-Message-Signature holds (bh=): SHA-256 of the body, canonicalized as configured. */
    public BodyHasher.Key bodyKey() {
        return new BodyHasher.Key(options.bodyCanonicalization(), "SHA-256", -1);
    }

    /** @param hashed the body's hash computed beforehand, or null: hashed from {@code message}'s body */
    private ArcSealResult seal(RawMessage message, ArcResult chain, String authservId, String resinfo,
                               BodyHasher.Computed hashed) {
        Objects.requireNonNull(chain, "chain");
        checkAuthservId(authservId);
        ArcChain found = ArcChain.collect(message, ArcVerifyOptions.MAX_SETS);
        if (found.terminated() || chain.terminated()) {
            return ArcSealResult.notSealed("the chain has already failed (the newest ARC-Seal says cv=fail):"
                    + " RFC 8617 section 5.1 adds no further set", message.toByteArray());
        }
        if (chain.status() == ArcStatus.FAIL && chain.localOverload()) {
            // a cv=fail would end the chain for every later hop (§5.1 step 2) for a lookup we did not send
            return ArcSealResult.notSealed("the chain could not be validated (a key lookup was not sent, this"
                    + " server's DNS resolver is overloaded): no cv=fail for it", message.toByteArray());
        }
        if (chain.status() == ArcStatus.NONE && !found.isEmpty()) {
            throw new IllegalArgumentException("the chain result says none, but the message has ARC fields");
        }
        if (chain.status() == ArcStatus.PASS && (found.isEmpty() || found.failure() != null)) {
            throw new IllegalArgumentException("the chain result says pass, but the message's chain is "
                    + (found.isEmpty() ? "absent" : "malformed: " + found.failure()));
        }
        int instance = found.highestInstance() + 1;
        if (instance > ArcVerifyOptions.MAX_SETS) {
            return ArcSealResult.notSealed("the chain has " + found.highestInstance() + " sets: instance "
                    + instance + " would exceed the limit of " + ArcVerifyOptions.MAX_SETS
                    + " (RFC 8617 section 4.2.1)", message.toByteArray());
        }
        ArcStatus cv = chain.status();
        String eol = message.lineEnding().text();
        String aar = authenticationResults(instance, authservId, resinfo, eol);
        String ams = messageSignature(message, instance, eol, hashed);
        String seal = seal(found, cv, instance, aar, ams, eol);
        byte[] fields = (seal + eol + ams + eol + aar + eol).getBytes(StandardCharsets.UTF_8);
        return new ArcSealResult(true, null, instance, cv, seal, ams, aar, message.prepend(fields));
    }

    /** {@code ARC-Authentication-Results: i=N; authserv-id; resinfo; ...}, one resinfo a line. */
    private String authenticationResults(int instance, String authservId, String resinfo, String eol) {
        FieldFolder f = new FieldFolder(ArcFieldKind.AUTHENTICATION_RESULTS.fieldName(), options.lineWidth(), eol);
        f.token("i=" + instance + ";").token(authservId + ";");
        List<String> parts = ArcAuthResults.split(resinfo);
        for (int i = 0; i < parts.size(); i++) {
            // each resinfo on a line of its own, as Authentication-Results writers do
            f.line(parts.get(i) + (i < parts.size() - 1 ? ";" : ""));
        }
        return f.toString();
    }

    private String messageSignature(RawMessage message, int instance, String eol, BodyHasher.Computed hashed) {
        long now = options.clock().instant().getEpochSecond();
        BodyHasher.Key bodyKey = bodyKey();
        byte[] bodyHash = (hashed != null ? hashed : BodyHasher.compute(message, List.of(bodyKey))).hashes()
                .get(bodyKey).digest();
        String bh = Base64.getEncoder().encodeToString(bodyHash);
        List<String> names = headerNames(message);
        String c = options.headerCanonicalization().tag() + "/" + options.bodyCanonicalization().tag();
        String name = ArcFieldKind.MESSAGE_SIGNATURE.fieldName();
        FieldFolder f;
        if (options.style() == ArcSealOptions.Style.STANDARDIZED) {
            f = new FieldFolder(name, 0, eol).token("a=rsa-sha256;").token("b=;").token("bh=" + bh + ";")
                    .token("c=" + c + ";").token("d=" + options.domain() + ";")
                    .token("h=" + String.join(":", names).toLowerCase(Locale.ROOT) + ";").token("i=" + instance + ";")
                    .token("s=" + options.selector() + ";").token("t=" + now);
        } else {
            f = new FieldFolder(name, options.lineWidth(), eol).token("i=" + instance + ";").token("a=rsa-sha256;")
                    .token("c=" + c + ";").token("d=" + options.domain() + ";").token("s=" + options.selector() + ";")
                    .token("t=" + now + ";");
            for (int i = 0; i < names.size(); i++) {
                String part = names.get(i) + (i < names.size() - 1 ? ":" : ";");
                if (i == 0) {
                    f.token("h=" + part);
                } else {
                    f.glued(part);
                }
            }
            f.token("bh=" + bh + ";").newLine("b=");
        }
        String unsigned = f.toString();
        ByteBuilder data = SignedHeaders.data(message, names, options.headerCanonicalization(),
                unsigned.getBytes(StandardCharsets.UTF_8));
        return withSignature(f, unsigned, sign(data));
    }

    private String seal(ArcChain found, ArcStatus cv, int instance, String aar, String ams, String eol) {
        long now = options.clock().instant().getEpochSecond();
        String name = ArcFieldKind.SEAL.fieldName();
        FieldFolder f;
        if (options.style() == ArcSealOptions.Style.STANDARDIZED) {
            f = new FieldFolder(name, 0, eol).token("a=rsa-sha256;").token("b=;").token("cv=" + cv.word() + ";")
                    .token("d=" + options.domain() + ";").token("i=" + instance + ";")
                    .token("s=" + options.selector() + ";").token("t=" + now);
        } else {
            f = new FieldFolder(name, options.lineWidth(), eol).token("i=" + instance + ";").token("a=rsa-sha256;")
                    .token("cv=" + cv.word() + ";").token("d=" + options.domain() + ";")
                    .token("s=" + options.selector() + ";").token("t=" + now + ";").newLine("b=");
        }
        String unsigned = f.toString();
        // RFC 8617 §5.1.1: every set in order, AAR, AMS, AS; §5.1.2: for cv=fail only the new set
        ByteBuilder data = new ByteBuilder(4096, SignedHeaders.MAX_DATA);
        if (cv == ArcStatus.PASS) {
            for (int j = 1; j < instance; j++) {
                for (ArcFieldKind kind : ArcFieldKind.values()) {
                    found.field(j, kind).field().readRaw((bytes, offset, length) ->
                            HeaderCanonicalizer.canonicalize(Canonicalization.RELAXED, bytes, offset, length, data));
                    data.write(CRLF, 0, 2);
                }
            }
        }
        for (String field : new String[] {aar, ams, unsigned}) {
            byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
            HeaderCanonicalizer.canonicalize(Canonicalization.RELAXED, bytes, 0, bytes.length, data);
            if (field != unsigned) {
                data.write(CRLF, 0, 2);
            }
        }
        return withSignature(f, unsigned, sign(data));
    }

    private String sign(ByteBuilder data) {
        return Base64.getEncoder().encodeToString(key.sign(data.array(), data.length()));
    }

    /** The field with its b= value: after {@code b=} (STANDARDIZED: the second tag; FOLDED: the last one). */
    private String withSignature(FieldFolder folder, String unsigned, String b) {
        if (options.style() == ArcSealOptions.Style.STANDARDIZED) {
            int at = unsigned.indexOf(" b=;") + 3;
            return unsigned.substring(0, at) + b + unsigned.substring(at);
        }
        return folder.breakable(b).toString();
    }

    /**
     * The h= names: the explicit list as given, or DkimSign's default h= for this message ({@link
     * DkimSigner#defaultHeaderNames} with DkimSign's default over-signed fields) followed by every DKIM-Signature
     * (RFC 8617 §4.1.2). Over-signing (RFC 6376 §8.15) makes a From, Subject, Reply-To, To or Cc, or a second
     * Content-Type, Date, Message-ID..., added above the message in transit break this signature: otherwise our set,
     * whose ARC-Authentication-Results says whose {@code header.from} passed, would still validate under a field a
     * client shows and we never saw, and a receiver that trusts our seals would let it ride on our pass (review s22).
     */
    private List<String> headerNames(RawMessage message) {
        if (options.signedHeaders() != null) {
            return options.signedHeaders();
        }
        List<String> names = new ArrayList<>(DkimSigner.defaultHeaderNames(message,
                DkimSignOptions.DEFAULT_OVER_SIGNED_HEADERS, DkimSignOptions.OVER_SIGNED_WHEN_PRESENT));
        for (int i = Math.min(message.count("DKIM-Signature"), 100);
             i > 0 && names.size() < ArcSealOptions.MAX_SIGNED_HEADERS; i--) {
            names.add("dkim-signature");
        }
        return names;
    }

    /** RFC 8601 authserv-id: we write it as a token (RFC 2045), so it must be one. */
    private static void checkAuthservId(String id) {
        Objects.requireNonNull(id, "authservId");
        if (id.isEmpty() || id.length() > 255) {
            throw new IllegalArgumentException("authserv-id must have 1 to 255 characters");
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c <= ' ' || c >= 0x7f || "()<>@,;:\\\"/[]?=".indexOf(c) >= 0) {
                throw new IllegalArgumentException("authserv-id is not a token: " + id);
            }
        }
    }
}
