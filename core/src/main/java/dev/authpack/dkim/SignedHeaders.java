package dev.authpack.dkim;

import dev.authpack.dkim.internal.HeaderCanonicalizer;
import dev.authpack.dkim.internal.ByteBuilder;
import dev.authpack.mail.ByteRangeConsumer;
import dev.authpack.mail.HeaderField;
import dev.authpack.mail.RawMessage;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** Builds the header part of the data a signature covers (RFC 6376 §3.7 step 2, §5.4.2). */
public final class SignedHeaders {
    /** The header section is at most 1 MiB by default; the canonical data cannot be much larger. */
    public static final int MAX_DATA = 4 << 20;
    private static final byte[] CRLF = {'\r', '\n'};
    /** Up to this many names, repeated names are counted by a scan of the earlier ones, not a map. */
    private static final int FEW_NAMES = 32;

    private SignedHeaders() {
    }

    /**
     * The canonicalized fields named by {@code names}, each instance taken from the bottom up and names without
     * (more) instances contributing nothing, then the signature field itself (its b= value already removed),
     * canonicalized and without a final CRLF.
     */
    public static ByteBuilder data(RawMessage message, List<String> names, Canonicalization c, byte[] signatureField) {
        int n = names.size();
        // the instance each name takes: lists are compared by identity (RawMessage gives one list per name)
        HeaderField[] picked = new HeaderField[n];
        List<?>[] lists = new List<?>[n];
        Map<List<?>, Integer> used = n > FEW_NAMES ? new IdentityHashMap<>() : null;
        long capacity = signatureField.length;
        for (int k = 0; k < n; k++) {
            List<HeaderField> instances = message.fields(names.get(k));
            lists[k] = instances;
            int taken;
            if (used != null) {
                taken = used.merge(instances, 1, Integer::sum);
            } else {
                taken = 1;
                for (int j = 0; j < k; j++) {
                    if (lists[j] == instances) {
                        taken++;
                    }
                }
            }
            int index = instances.size() - taken;
            if (index >= 0) {
                picked[k] = instances.get(index);
                capacity += picked[k].length() + CRLF.length;
            }
        }
        // relaxed never lengthens a field; simple only by a CR before a bare LF, and the builder grows for that
        ByteBuilder out = new ByteBuilder((int) Math.min(capacity, MAX_DATA), MAX_DATA);
        Canonicalize canonicalize = new Canonicalize(c, out);
        for (HeaderField field : picked) {
            if (field != null) {
                field.readRaw(canonicalize);
                out.write(CRLF, 0, 2);
            }
        }
        HeaderCanonicalizer.canonicalize(c, signatureField, 0, signatureField.length, out);
        return out;
    }

    /** Canonicalizes each field it is handed into the data (one object per data, not one lambda per field). */
    private record Canonicalize(Canonicalization c, ByteBuilder out) implements ByteRangeConsumer {
        @Override
        public void accept(byte[] bytes, int offset, int length) {
            HeaderCanonicalizer.canonicalize(c, bytes, offset, length, out);
        }
    }

    /** The raw field with the value of its b= tag, and the whitespace around it, deleted (§3.7). */
    static byte[] withoutSignatureValue(DkimSignature signature) {
        return signature.withoutSignatureValue();
    }
}
