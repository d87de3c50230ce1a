package dev.authpack.arc;

import dev.authpack.mail.RawMessage;

import java.util.List;
import java.util.Objects;

/**
 * What a chain validation found, as much of it as a later sealer needs (RFC 8617 §5.1: the sealer reports the
 * validation made when the message arrived, before this server changed it): the status for {@code cv=} and the
 * number of sets it read. The sets themselves are read again from the message when sealing.
 *
 * @param status     none, pass or fail
 * @param reason     the validation's reason ({@link ArcResult#reason()}: why it failed), or null
 * @param oldestPass RFC 8617 §5.2 step 5, -1 when not known
 * @param sets       the number of ARC sets the validation read
 * @param localOverload a {@code fail} only because this server did not send a key lookup
 *                   ({@link ArcResult#localOverload()}; false for any other status)
 */
public record ArcChainSummary(ArcStatus status, String reason, int oldestPass, int sets, boolean localOverload) {
    public ArcChainSummary {
        Objects.requireNonNull(status, "status");
        sets = Math.max(0, sets);
        localOverload = localOverload && status == ArcStatus.FAIL;
    }

    /** A summary of a validation that is not a fail of our own overload. */
    public ArcChainSummary(ArcStatus status, String reason, int oldestPass, int sets) {
        this(status, reason, oldestPass, sets, false);
    }

    /** The summary of a validation. */
    public static ArcChainSummary of(ArcResult result) {
        return new ArcChainSummary(result.status(), result.reason(), result.oldestPass(), result.sets().size(),
                result.localOverload());
    }

    /**
     * Whether this validation is of the chain the message carries now: a {@code none} needs a message still
     * without ARC fields, a {@code pass} the same number of complete sets (another sealer may have added one
     * since). A {@code fail} stays a fail whatever was added (§5.1 step 2); the sealer then reads the instance from
     * the message.
     */
    public boolean describes(RawMessage message) {
        int seals = message.count(ArcFieldKind.SEAL.fieldName());
        int signatures = message.count(ArcFieldKind.MESSAGE_SIGNATURE.fieldName());
        int results = message.count(ArcFieldKind.AUTHENTICATION_RESULTS.fieldName());
        return switch (status) {
            case NONE -> seals == 0 && signatures == 0 && results == 0;
            case PASS -> sets > 0 && seals == sets && signatures == seals && results == seals;
            case FAIL -> true;
        };
    }

    /**
     * As an {@link ArcResult} for {@link ArcSealer#seal}, which reads the sets from the message itself (the set
     * list and {@code terminated} are not needed there).
     */
    public ArcResult toArcResult() {
        return new ArcResult(status, status == ArcStatus.FAIL ? reason : null,
                status == ArcStatus.PASS ? oldestPass : -1, List.of(), sets, false, localOverload);
    }
}
