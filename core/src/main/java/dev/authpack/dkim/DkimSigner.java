package dev.authpack.dkim;

import dev.authpack.dkim.internal.ByteBuilder;
import dev.authpack.dkim.internal.BodyHasher;
import dev.authpack.mail.MessageParseException;
import dev.authpack.mail.RawMessage;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Signs messages with one key (RFC 6376 §5, RFC 8463): rsa-sha256 or ed25519-sha256 according to the key.
 *
 * <p>The field is written with its tags in the order {@code v a c d [i] [q] s t [x] h bh b} (the order of the RFC
 * 8463 examples), folded as {@link DkimSignOptions#lineWidth()} says, with the message's own line ending ({@link
 * RawMessage#lineEnding()}: CRLF as soon as the message holds one, bare LF only in a bare-LF message; review s17
 * L2: a CRLF-only reader runs a field with bare LFs on into the line below). Its canonical form is the same with
 * either, and what is signed is the field as written (with an empty {@code b=}). To sign
 * with several keys (say RSA and Ed25519), use {@link #signInTurn}: each signer signs the output of the previous
 * one, and the body is hashed once for all of them when they share canonicalization.
 *
 * <p>Immutable and thread-safe.
 */
public final class DkimSigner {
    private final DkimSigningKey key;
    private final DkimSignOptions options;

    public DkimSigner(DkimSigningKey key, DkimSignOptions options) {
        this.key = Objects.requireNonNull(key, "key");
        this.options = Objects.requireNonNull(options, "options");
    }

    public DkimSigningKey key() {
        return key;
    }

    public DkimSignOptions options() {
        return options;
    }

    /**
     * The DKIM-Signature field to put on top of {@code message}: {@code "DKIM-Signature: v=1; ..."}, folded, ended
     * by the message's line ending.
     */
    public String signatureField(RawMessage message) {
        return signatureField(message, new HashMap<>());
    }

    /**
     * {@link #signatureField(RawMessage)} for a message too large to hold: {@code header} is its header section
     * alone, and {@code hashed} holds its body's hash under {@link #bodyKey()}, computed from the body streamed
     * ({@link BodyHasher#streaming}).
     *
     * @throws IllegalArgumentException when {@code hashed} lacks {@link #bodyKey()}
     */
    public String signatureField(RawMessage header, BodyHasher.Computed hashed) {
        BodyHasher.Hash hash = hashed.hashes().get(bodyKey());
        if (hash == null) {
            throw new IllegalArgumentException("no body hash for " + bodyKey());
        }
        Map<BodyHasher.Key, BodyHasher.Hash> bodyHashes = new HashMap<>();
        bodyHashes.put(bodyKey(), hash);
        return signatureField(header, bodyHashes);
    }

    /** The body hash this signer's signature holds (bh=): SHA-256 of the body, canonicalized as configured. */
    public BodyHasher.Key bodyKey() {
        return new BodyHasher.Key(options.bodyCanonicalization(), "SHA-256", -1);
    }

    /** The message with its signature field on top (a new array). */
    public byte[] sign(RawMessage message) {
        return message.prepend(signatureField(message).getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Parses and signs; see {@link #sign(RawMessage)}. */
    public byte[] sign(byte[] message) throws MessageParseException {
        return sign(RawMessage.parse(message));
    }

    /**
     * Applies the signers one after the other, each to the output of the previous one, so the last signer's field
     * ends up on top. Signers with the same body canonicalization share one body hash.
     */
    public static byte[] signInTurn(byte[] message, List<DkimSigner> signers) throws MessageParseException {
        Map<BodyHasher.Key, BodyHasher.Hash> bodyHashes = new HashMap<>();
        byte[] current = message;
        for (DkimSigner signer : signers) {
            RawMessage parsed = RawMessage.parse(current);
            current = parsed.prepend(signer.signatureField(parsed, bodyHashes)
                    .getBytes(StandardCharsets.ISO_8859_1));
        }
        return current;
    }

    /** The body is the same in every turn of {@link #signInTurn}: its hashes are kept in {@code bodyHashes}. */
    private String signatureField(RawMessage message, Map<BodyHasher.Key, BodyHasher.Hash> bodyHashes) {
        String eol = message.lineEnding().text();
        long now = options.clock().instant().getEpochSecond();
        BodyHasher.Key bodyKey = bodyKey();
        BodyHasher.Hash bodyHash = bodyHashes.get(bodyKey);
        if (bodyHash == null) {
            bodyHash = BodyHasher.compute(message, List.of(bodyKey)).hashes().get(bodyKey);
            bodyHashes.put(bodyKey, bodyHash);
        }
        List<String> names = headerNames(message);
        Folder folder = new Folder(options.lineWidth(), eol);
        folder.token("v=1;", " ");
        folder.token("a=" + key.algorithm().tag() + ";", " ");
        folder.token("c=" + options.headerCanonicalization().tag() + "/" + options.bodyCanonicalization().tag()
                + ";", " ");
        folder.token("d=" + options.domain() + ";", " ");
        if (options.identity() != null) {
            folder.token("i=" + quotedPrintable(options.identity()) + ";", " ");
        }
        if (options.queryTag()) {
            folder.token("q=dns/txt;", " ");
        }
        folder.token("s=" + options.selector() + ";", " ");
        folder.token("t=" + now + ";", " ");
        if (options.expiration() != null) {
            folder.token("x=" + (now + options.expiration().getSeconds()) + ";", " ");
        }
        for (int i = 0; i < names.size(); i++) {
            String name = (i == 0 ? "h=" : "") + names.get(i);
            boolean last = i == names.size() - 1;
            if (options.spacedHeaderList()) {
                folder.token(last ? name + ";" : name, " ");
                if (!last) {
                    folder.token(":", " ");
                }
            } else {
                folder.token(last ? name + ";" : name + ":", i == 0 ? " " : "");
            }
        }
        folder.breakableToken("bh=", Base64.getEncoder().encodeToString(bodyHash.digest()) + ";");
        folder.newLine("b=");
        // what is signed: the field with an empty b= (RFC 6376 §3.7), exactly as it will be written
        byte[] unsigned = folder.text().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuilder data = SignedHeaders.data(message, names, options.headerCanonicalization(), unsigned);
        byte[] signature = key.sign(data.array(), data.length());
        folder.value(Base64.getEncoder().encodeToString(signature));
        return folder.text() + eol;
    }

    /**
     * The h= names: the explicit list, or the default list's fields that are present, those of {@link
     * DkimSignOptions#overSignedWhenPresent()} once more, plus the over-signed ones. Either way From is listed once
     * more than the message has it (RFC 6376 §8.15; review s22): a From added in transit, above the signed one where
     * a mail client shows it, breaks the signature whatever the settings.
     */
    private List<String> headerNames(RawMessage message) {
        List<String> names = new ArrayList<>();
        if (options.signedHeaders() != null) {
            names.addAll(options.signedHeaders());
            // the list includes From (checked by DkimSignOptions); what it lacks to over-sign it goes at the end
            int listed = 0;
            for (String name : names) {
                if (name.equalsIgnoreCase("from")) {
                    listed++;
                }
            }
            addInstances(names, "from", message.count("from") + 1 - listed);
            return names;
        }
        return defaultHeaderNames(message, options.overSignedHeaders(), options.overSignedWhenPresent());
    }

    /**
     * The h= list of the default list for this message (at most {@value DkimSignature#MAX_SIGNED_HEADERS} names):
     * every instance present of {@link DkimSignOptions#DEFAULT_SIGNED_HEADERS}, one more of From, of every {@code
     * overSigned} name and of the {@code overSignedWhenPresent} fields present (RFC 6376 §8.15). DkimSign's default
     * ({@link dev.authpack.dkim.sign.SignSettings#defaults()}) passes {@link DkimSignOptions#DEFAULT_OVER_SIGNED_HEADERS}
     * and {@link DkimSignOptions#OVER_SIGNED_WHEN_PRESENT}, and so does the ARC sealer's default.
     */
    public static List<String> defaultHeaderNames(RawMessage message, Set<String> overSigned,
                                                  Set<String> overSignedWhenPresent) {
        List<String> names = new ArrayList<>();
        for (String name : DkimSignOptions.DEFAULT_SIGNED_HEADERS) {
            int present = message.count(name);
            boolean over = name.equals("from") || overSigned.contains(name)
                    || present > 0 && overSignedWhenPresent.contains(name);
            addInstances(names, name, present + (over ? 1 : 0));
        }
        for (String name : overSigned) {
            if (!DkimSignOptions.DEFAULT_SIGNED_HEADERS.contains(name)) {
                addInstances(names, name, message.count(name) + 1);
            }
        }
        return names;
    }

    private static void addInstances(List<String> names, String name, int count) {
        for (int i = 0; i < count && names.size() < DkimSignature.MAX_SIGNED_HEADERS; i++) {
            names.add(name.toLowerCase(Locale.ROOT));
        }
    }

    /** dkim-quoted-printable (RFC 6376 §2.11) for i=: only {@code ;}, {@code =}, controls, space and 8-bit encoded. */
    static String quotedPrintable(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c > 0x20 && c < 0x7f && c != ';' && c != '=') {
                out.append((char) c);
            } else {
                out.append('=').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    /** Greedy folding of the tag tokens into lines, then the b= value in lines of its own. */
    private static final class Folder {
        private final int width;
        private final String eol;
        private final StringBuilder text = new StringBuilder(512);
        private int lineLength;

        Folder(int width, String eol) {
            this.width = width;
            this.eol = eol;
            text.append("DKIM-Signature:");
            lineLength = text.length();
        }

        /** Adds a token after {@code glue} on the current line if it fits, else on a new line. */
        void token(String token, String glue) {
            if (lineLength + glue.length() + token.length() <= width || lineLength <= 1) {
                text.append(glue).append(token);
                lineLength += glue.length() + token.length();
            } else {
                newLine(token);
            }
        }

        /**
         * Adds {@code prefix + value} like {@link #token}, but if it is too long for a line of its own, breaks the
         * value (base64, where folding whitespace is allowed) over several lines.
         */
        void breakableToken(String prefix, String value) {
            String whole = prefix + value;
            if (lineLength + 1 + whole.length() <= width || 1 + whole.length() <= width) {
                token(whole, " ");
                return;
            }
            newLine(prefix);
            int i = 0;
            while (i < value.length()) {
                int room = width - lineLength;
                if (room <= 0) {
                    text.append(eol).append(' ');
                    lineLength = 1;
                    room = width - 1;
                }
                int n = Math.min(room, value.length() - i);
                text.append(value, i, i + n);
                lineLength += n;
                i += n;
            }
        }

        void newLine(String token) {
            text.append(eol).append(' ').append(token);
            lineLength = 1 + token.length();
        }

        /** Appends a base64 value after the b= that ends the text, {@code width} characters per line. */
        void value(String base64) {
            int i = 0;
            int room = width - (lineLength - 1);
            while (i < base64.length()) {
                if (room <= 0) {
                    text.append(eol).append(' ');
                    room = width;
                }
                int n = Math.min(room, base64.length() - i);
                text.append(base64, i, i + n);
                i += n;
                room -= n;
            }
        }

        String text() {
            return text.toString();
        }
    }
}
