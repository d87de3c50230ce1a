package dev.authpack.dkim;

import dev.authpack.dkim.internal.HeaderCanonicalizer;
import dev.authpack.dkim.internal.ByteBuilder;
import dev.authpack.mail.ByteRangeConsumer;
import dev.authpack.mail.HeaderField;
import dev.authpack.mail.RawMessage;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Builds the header part of the data a signature covers (RFC 6376 §3.7 step 2, §5.4.2). */
public final class SignedHeaders {
    /** The header section is at most 1 MiB by default; the canonical data cannot be much larger. */
    public static final int MAX_DATA = 4 << 20;
    private static final byte[] CRLF = {'\r', '\n'};
    /** Up to this many names, repeated names are counted by a scan of the earlier ones, not a map. */
    private static final int FEW_NAMES = 32;

    /**
     * The fields a message has at most once (RFC 5322 §3.6, RFC 2045 §§4, 5.1, 6.1), as a client names them: of
     * these, a mail client shows one instance.
     */
    public static final List<String> SINGLE_FIELDS = List.of("From", "Sender", "Reply-To", "To", "Cc", "Bcc",
            "Message-ID", "In-Reply-To", "References", "Subject", "Date", "MIME-Version", "Content-Type",
            "Content-Transfer-Encoding");

    private SignedHeaders() {
    }

    /**
     * An instance of a single-instance field that a signature's {@code h=} leaves unsigned.
     *
     * @param field   the field, as {@link #SINGLE_FIELDS} names it
     * @param signed  how many instances h= signs (how often it names the field, at most the instances the strict
     *                parser reads)
     * @param present how many instances the message has
     */
    public record UnsignedInstance(String field, int signed, int present) {
        /** A reason for a result: the signature verified, but ... */
        public String reason() {
            return "it does not sign every " + field + " field (h= signs " + signed + " of the message's " + present
                    + ")";
        }
    }

    /**
     * The first of {@link #SINGLE_FIELDS} of which a signature with {@code signedNames} in h= leaves an instance of
     * {@code message} unsigned, or empty: the one rule of DKIM ({@code DkimVerifier}: {@code policy}, not
     * {@code pass}) and of the ARC override ({@code ArcSet#amsSignsEveryInstance}). A signature takes the instances
     * from the bottom up (RFC 6376 §5.4.2), so one added above the signed one (a second From, Subject,
     * Content-Type) leaves it verifying while a mail client shows the added one (§8.15; review s22). A field h= does
     * not name at all is the signer's choice, except From, which is always signed (§5.4, §6.1.1): a From h= does not
     * name is an unsigned instance too. Names are compared case-insensitively; the message's fields are counted as
     * a mail client may show them ({@link RawMessage#countsShown}: also a field after a lone CR, which javax.mail
     * starts a line at, above the signed ones: review s22); a From only some other reader sees is DMARC's own
     * reading's to find.
     */
    public static Optional<UnsignedInstance> unsignedInstance(RawMessage message, List<String> signedNames) {
        int[] shown = message.countsShown(SINGLE_FIELDS);
        for (int n = 0; n < SINGLE_FIELDS.size(); n++) {
            String name = SINGLE_FIELDS.get(n);
            int present = shown[n];
            if (present == 0 || present == 1 && !name.equals("From")) {
                continue;
            }
            int signed = 0;
            for (String h : signedNames) {
                if (h.equalsIgnoreCase(name)) {
                    signed++;
                }
            }
            // a field only a lenient reader sees (after a lone CR) is in no field list a signature is made over:
            // over-signing does not sign it (h=subject:subject over one field and a hidden one signs one)
            int signable = Math.min(signed, message.count(name));
            if (signable < present && (signed > 0 || name.equals("From"))) {
                return Optional.of(new UnsignedInstance(name, signable, present));
            }
        }
        return Optional.empty();
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
