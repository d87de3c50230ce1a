package dev.authpack.james.mailets;

import dev.authpack.james.MailAttributes;
import dev.authpack.arc.ArcResult;
import dev.authpack.arc.ArcStatus;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The ARC chain validation {@code MailAuthCheck} stored in the {@code authpack.arc} attribute (docs/MailAuthCheck.md):
 * the status it found on receipt and the number of sets it read. Only what a sealer needs: the status goes into
 * {@code cv=}; the sets themselves are read again from the message.
 *
 * @param status     none, pass or fail
 * @param reason     why it failed, or null
 * @param oldestPass RFC 8617 §5.2 step 5, -1 when not known
 * @param sets       the number of ARC sets MailAuthCheck read
 */
record StoredArcResult(ArcStatus status, String reason, int oldestPass, int sets) {

    /** The stored validation, or empty when MailAuthCheck did not validate this mail (or the value is not as documented). */
    static Optional<StoredArcResult> of(Mail mail) {
        return mail.getAttribute(MailAttributes.ARC).flatMap(a -> read(a.getValue().value()));
    }

    private static Optional<StoredArcResult> read(Object value) {
        if (!(value instanceof Map<?, ?> map) || !(unwrap(map.get("result")) instanceof String word)) {
            return Optional.empty();
        }
        ArcStatus status = null;
        for (ArcStatus s : ArcStatus.values()) {
            if (s.word().equals(word)) {
                status = s;
            }
        }
        if (status == null) {
            return Optional.empty();
        }
        String reason = unwrap(map.get("reason")) instanceof String r ? r : null;
        int oldestPass = unwrap(map.get("oldest_pass")) instanceof Number n ? n.intValue() : -1;
        int sets = unwrap(map.get("sets")) instanceof Collection<?> c ? c.size() : 0;
        return Optional.of(new StoredArcResult(status, reason, oldestPass, sets));
    }

    /**
     * As an {@link ArcResult} for the sealer, which reads the sets from the message itself ({@code sets} and
     * {@code terminated} are not needed there).
     */
    ArcResult toArcResult() {
        return new ArcResult(status, status == ArcStatus.FAIL ? reason : null,
                status == ArcStatus.PASS ? oldestPass : -1, List.of(), sets, false);
    }

    private static Object unwrap(Object value) {
        return value instanceof AttributeValue<?> av ? av.value() : value;
    }
}
