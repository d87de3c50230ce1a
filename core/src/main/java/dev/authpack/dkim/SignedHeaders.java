package dev.authpack.dkim;

import dev.authpack.dkim.internal.HeaderCanonicalizer;
import dev.authpack.dkim.internal.ByteBuilder;
import dev.authpack.mail.HeaderField;
import dev.authpack.mail.RawMessage;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Builds the header part of the data a signature covers (RFC 6376 §3.7 step 2, §5.4.2). */
public final class SignedHeaders {
    /** The header section is at most 1 MiB by default; the canonical data cannot be much larger. */
    public static final int MAX_DATA = 4 << 20;
    private static final byte[] CRLF = {'\r', '\n'};

    private SignedHeaders() {
    }

    /**
     * The canonicalized fields named by {@code names}, each instance taken from the bottom up and names without
     * (more) instances contributing nothing, then the signature field itself (its b= value already removed),
     * canonicalized and without a final CRLF.
     */
    public static ByteBuilder data(RawMessage message, List<String> names, Canonicalization c, byte[] signatureField) {
        ByteBuilder out = new ByteBuilder(1024, MAX_DATA);
        Map<String, Integer> used = new HashMap<>();
        for (String name : names) {
            String key = name.toLowerCase(Locale.ROOT);
            List<HeaderField> instances = message.fields(key);
            int taken = used.merge(key, 1, Integer::sum);
            int index = instances.size() - taken;
            if (index >= 0) {
                instances.get(index).readRaw((bytes, offset, length) ->
                        HeaderCanonicalizer.canonicalize(c, bytes, offset, length, out));
                out.write(CRLF, 0, 2);
            }
        }
        HeaderCanonicalizer.canonicalize(c, signatureField, 0, signatureField.length, out);
        return out;
    }

    /** The raw field with the value of its b= tag, and the whitespace around it, deleted (§3.7). */
    static byte[] withoutSignatureValue(DkimSignature signature) {
        return signature.withoutSignatureValue();
    }
}
