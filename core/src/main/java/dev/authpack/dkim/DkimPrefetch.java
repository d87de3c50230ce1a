package dev.authpack.dkim;

import dev.authpack.mail.ByteRangeConsumer;
import dev.authpack.mail.HeaderField;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The DKIM start on a header section that arrived before its body ({@link DkimVerifier#prefetchKeys}): the key
 * lookups the verification of the whole message will ask, started, and the parses of its first DKIM-Signature
 * fields, which {@link DkimVerifier#verify(dev.authpack.mail.RawMessage, DkimPrefetch)} takes over for a field of the
 * final message with exactly the same octets.
 *
 * <p>Why a parse can be taken over: {@link DkimSignature#parse} reads nothing but the field's octets (the value
 * starts after the first colon, which the octets place too); the one thing of the field's message it keeps is the
 * field's position ({@link HeaderField#index()}, the result's {@code fieldIndex}), and the verification puts the
 * parse taken over in the final field's place ({@link DkimSignature#at}). Octets compared in full
 * ({@link Arrays#equals}), never a hash or a length alone.
 *
 * <p>Bounded: at most {@link DkimVerifyOptions#maxSignatures()} parses are kept, those of the topmost fields; each
 * field of the final message is compared with one of them at most (the one at its place counted from the bottom of
 * the DKIM-Signature fields, as fields added above by the receiving server do not move it), so the comparisons read
 * each octet of the final header section once at most. One per message (an SMTP transaction keeps its own).
 * Thread-safe.
 */
public final class DkimPrefetch {
    /** No early start: the verification parses every field. */
    public static final DkimPrefetch NONE = new DkimPrefetch(List.of(), 0, List.of(),
            CompletableFuture.completedFuture(null));

    /** A field's octets and what its parse gave: the signature, or why it cannot be verified. */
    record Parse(byte[] octets, DkimSignature signature, InvalidSignatureException invalid) {
        boolean sameOctets(HeaderField field) {
            if (field.length() != octets.length) {
                return false;
            }
            Same same = new Same(octets);
            field.readRaw(same);
            return same.equal;
        }
    }

    /** Compares the octets handed over with the kept ones, without copying them. */
    private static final class Same implements ByteRangeConsumer {
        private final byte[] octets;
        boolean equal;

        Same(byte[] octets) {
            this.octets = octets;
        }

        @Override
        public void accept(byte[] bytes, int offset, int length) {
            equal = Arrays.equals(octets, 0, octets.length, bytes, offset, offset + length);
        }
    }

    private final List<Parse> parses;
    private final int fields;
    private final List<String> keyNames;
    private final CompletableFuture<Void> lookups;
    private final AtomicInteger reused = new AtomicInteger();

    DkimPrefetch(List<Parse> parses, int fields, List<String> keyNames, CompletableFuture<Void> lookups) {
        this.parses = List.copyOf(parses);
        this.fields = fields;
        this.keyNames = List.copyOf(keyNames);
        this.lookups = lookups;
    }

    /**
     * Completes when every key lookup started has its answer (or failed, or timed out); cancelling it ends nothing
     * but itself (the lookups end with the resolver they were asked of).
     */
    public CompletableFuture<Void> lookups() {
        return lookups;
    }

    /** The key names asked, in the order asked (one per distinct name). */
    public List<String> keyNames() {
        return keyNames;
    }

    /** Parses kept for the end of the message (at most {@link DkimVerifyOptions#maxSignatures()}). */
    public int parsesKept() {
        return parses.size();
    }

    /** Parses taken over by verifications so far (tests, metrics). */
    public int reusedParses() {
        return reused.get();
    }

    /**
     * The parse of a field with {@code field}'s very octets, when the field at the same place from the bottom was
     * parsed early; else null.
     *
     * @param position the field's place among the message's {@code count} DKIM-Signature fields (0 = topmost)
     */
    Parse parseOf(HeaderField field, int position, int count) {
        int early = position - (count - fields);
        if (early < 0 || early >= parses.size()) {
            return null;
        }
        Parse parse = parses.get(early);
        if (!parse.sameOctets(field)) {
            return null;
        }
        reused.incrementAndGet();
        return parse;
    }
}
