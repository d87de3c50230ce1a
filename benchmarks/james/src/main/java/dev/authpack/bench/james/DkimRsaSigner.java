package dev.authpack.bench.james;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Signs the benchmark's messages: DKIM rsa-sha256 with relaxed/relaxed canonicalization (RFC 6376 §3.4.2,
 * §3.4.4, §3.5, §3.7). The benchmark JVM must not hold the pack's classes (James loads them from
 * {@code extensions-jars/}), so it signs with the JDK alone. Signing happens before the measurement.
 */
final class DkimRsaSigner {
    /** The signed header fields, in the order they are hashed (the message carries each once). */
    static final List<String> SIGNED_FIELDS = List.of("from", "to", "subject", "date", "message-id",
            "mime-version", "content-type");
    private static final int KEY_BITS = 2048;

    private final KeyPair keys;
    private final String selector;

    DkimRsaSigner(KeyPair keys, String selector) {
        this.keys = keys;
        this.selector = selector;
    }

    static DkimRsaSigner withNewKey(String selector) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(KEY_BITS);
            return new DkimRsaSigner(generator.generateKeyPair(), selector);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA not available", e);
        }
    }

    String selector() {
        return selector;
    }

    /** The key record's text, {@code v=DKIM1; k=rsa; p=...} (RFC 6376 §3.6.1). */
    String keyRecord() {
        return "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(keys.getPublic().getEncoded());
    }

    /**
     * The message with a {@code DKIM-Signature} field on top.
     *
     * @param message header and body with CRLF line ends; every field in {@link #SIGNED_FIELDS} present once
     */
    String sign(String message, String domain) {
        int split = message.indexOf("\r\n\r\n");
        if (split < 0) {
            throw new IllegalArgumentException("no empty line after the header section");
        }
        String header = message.substring(0, split + 2);
        String body = message.substring(split + 4);
        String bodyHash = base64(sha256(relaxedBody(body)));
        String value = "v=1; a=rsa-sha256; c=relaxed/relaxed; d=" + domain + "; s=" + selector
                + "; h=" + String.join(":", SIGNED_FIELDS) + "; bh=" + bodyHash + "; b=";
        StringBuilder hashed = new StringBuilder();
        List<String[]> fields = fields(header);
        for (String name : SIGNED_FIELDS) {
            String[] field = fields.stream().filter(f -> f[0].equalsIgnoreCase(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no " + name + " field"));
            hashed.append(relaxedField(field[0], field[1])).append("\r\n");
        }
        hashed.append(relaxedField("DKIM-Signature", value)); // §3.7: without its CRLF, b= empty
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign((PrivateKey) keys.getPrivate());
            rsa.update(hashed.toString().getBytes(StandardCharsets.US_ASCII));
            return "DKIM-Signature: " + value + base64(rsa.sign()) + "\r\n" + message;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign", e);
        }
    }

    /** Name and value (after the colon, folding kept) of each field. */
    private static List<String[]> fields(String header) {
        List<String[]> fields = new ArrayList<>();
        for (String line : header.split("\r\n")) {
            if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t') && !fields.isEmpty()) {
                String[] last = fields.get(fields.size() - 1);
                last[1] = last[1] + "\r\n" + line;
            } else if (line.indexOf(':') > 0) {
                fields.add(new String[] {line.substring(0, line.indexOf(':')), line.substring(line.indexOf(':') + 1)});
            }
        }
        return fields;
    }

    /** RFC 6376 §3.4.2: name lower-cased, value unfolded, WSP runs as one SP, none around the colon or at the end. */
    static String relaxedField(String name, String value) {
        String unfolded = value.replace("\r\n", "").replaceAll("[ \t]+", " ").strip();
        return name.strip().toLowerCase(Locale.ROOT) + ":" + unfolded;
    }

    /** RFC 6376 §3.4.4: WSP runs as one SP, none at line ends, no empty lines at the end, a final CRLF. */
    static String relaxedBody(String body) {
        StringBuilder out = new StringBuilder(body.length());
        for (String line : body.split("\r\n", -1)) {
            out.append(line.replaceAll("[ \t]+", " ").stripTrailing()).append("\r\n");
        }
        int end = out.length();
        while (end >= 2 && out.charAt(end - 1) == '\n' && out.charAt(end - 2) == '\r'
                && (end == 2 || out.charAt(end - 3) == '\n')) {
            end -= 2;
        }
        out.setLength(end);
        return out.toString();
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
