package dev.authpack.arc;

import dev.authpack.mail.HeaderField;
import dev.authpack.mail.RawMessage;

import java.util.ArrayList;
import java.util.List;

/**
 * The ARC header fields of a message grouped into sets, with the checks of RFC 8617 §5.2 steps 1 to 3 that need no
 * DNS: the number of sets, a newest seal that already says {@code cv=fail}, and the structure (each set exactly one
 * AAR, AMS and AS, instances 1..N without gaps, the {@code cv=} of each seal, no {@code h=} in a seal). Immutable.
 */
final class ArcChain {
    private final List<ArcField> fields;
    private final int highestInstance;
    private final String failure;
    private final boolean terminated;
    /** {@code sets[k][kind.ordinal()]} for k = 1..N, complete, when {@link #failure} is null. */
    private final ArcField[][] sets;

    private ArcChain(List<ArcField> fields, int highestInstance, String failure, boolean terminated,
                     ArcField[][] sets) {
        this.fields = fields;
        this.highestInstance = highestInstance;
        this.failure = failure;
        this.terminated = terminated;
        this.sets = sets;
    }

    static ArcChain collect(RawMessage message, int maxSets) {
        List<ArcField> fields = new ArrayList<>();
        if (ArcFieldKind.noneIn(message)) {
            // the usual message: no ARC field, found by name (case-insensitive, as of() reads them)
            return new ArcChain(fields, 0, null, false, null);
        }
        int highest = 0;
        for (HeaderField field : message.fields()) {
            ArcFieldKind kind = ArcFieldKind.of(field.name());
            if (kind != null) {
                ArcField read = ArcField.read(kind, field);
                fields.add(read);
                highest = Math.max(highest, read.instance());
            }
        }
        if (fields.isEmpty()) {
            return new ArcChain(fields, 0, null, false, null);
        }
        // step 1: at most maxSets sets (RFC 8617 §4.2.1: instances 1 to 50)
        if (highest > maxSets) {
            return failed(fields, highest, "more than " + maxSets + " ARC Sets (instance " + highest + ")", false);
        }
        if (fields.size() > 3 * maxSets) {
            return failed(fields, highest, "more than " + 3 * maxSets + " ARC header fields (" + fields.size()
                    + ")", false);
        }
        // step 2: the newest seal already reports a broken chain
        for (ArcField f : fields) {
            if (f.kind() == ArcFieldKind.SEAL && f.instance() == highest && f.usable()
                    && "fail".equals(f.tags().get("cv"))) {
                return failed(fields, highest, "the newest ARC-Seal (i=" + highest + ") says cv=fail", true);
            }
        }
        // step 3: structure
        for (ArcField f : fields) {
            if (!f.usable()) {
                return failed(fields, highest, f.problem(), false);
            }
        }
        ArcField[][] sets = new ArcField[highest + 1][ArcFieldKind.values().length];
        for (ArcField f : fields) {
            ArcField[] set = sets[f.instance()];
            int k = f.kind().ordinal();
            if (set[k] != null) {
                return failed(fields, highest, "ARC Set i=" + f.instance() + " has more than one "
                        + f.kind().fieldName(), false);
            }
            set[k] = f;
        }
        for (int i = 1; i <= highest; i++) {
            for (ArcFieldKind kind : ArcFieldKind.values()) {
                if (sets[i][kind.ordinal()] == null) {
                    return failed(fields, highest, "ARC Set i=" + i + " has no " + kind.fieldName(), false);
                }
            }
        }
        for (int i = 1; i <= highest; i++) {
            ArcField seal = sets[i][ArcFieldKind.SEAL.ordinal()];
            String cv = seal.tags().get("cv");
            if (cv == null) {
                return failed(fields, highest, "ARC-Seal i=" + i + " has no cv= tag", false);
            }
            String expected = i == 1 ? "none" : "pass";
            if (!cv.equals(expected)) {
                return failed(fields, highest, "ARC-Seal i=" + i + " has cv=" + cv
                        + " where RFC 8617 §5.2 requires cv=" + expected, false);
            }
            if (seal.tags().has("h")) {
                // RFC 8617 §4.1.3: an h= tag in an ARC-Seal must make the chain fail
                return failed(fields, highest, "ARC-Seal i=" + i + " has an h= tag", false);
            }
        }
        return new ArcChain(fields, highest, null, false, sets);
    }

    private static ArcChain failed(List<ArcField> fields, int highest, String reason, boolean terminated) {
        return new ArcChain(fields, highest, reason, terminated, null);
    }

    /** No ARC header field at all: {@code arc=none}. */
    boolean isEmpty() {
        return fields.isEmpty();
    }

    /** Why steps 1 to 3 failed, or null when the chain has a valid structure (or no ARC field). */
    String failure() {
        return failure;
    }

    /** The newest seal says {@code cv=fail}. */
    boolean terminated() {
        return terminated;
    }

    /** N: the highest instance of any readable ARC field, 0 if none. */
    int highestInstance() {
        return highestInstance;
    }

    /** The field of one kind in set {@code instance} (1..N); only for a chain with a valid structure. */
    ArcField field(int instance, ArcFieldKind kind) {
        return sets[instance][kind.ordinal()];
    }

    /**
     * For reports: the first readable field of each kind per instance 1..min(N, 50), even when the structure is
     * broken ({@code [instance][kind.ordinal()]}, nulls where none).
     */
    ArcField[][] bestEffortSets() {
        if (sets != null) {
            return sets;
        }
        int n = Math.min(highestInstance, ArcVerifyOptions.MAX_SETS);
        ArcField[][] found = new ArcField[n + 1][ArcFieldKind.values().length];
        for (ArcField f : fields) {
            if (f.instance() >= 1 && f.instance() <= n && found[f.instance()][f.kind().ordinal()] == null) {
                found[f.instance()][f.kind().ordinal()] = f;
            }
        }
        return found;
    }
}
