package dev.authpack.dmarc;

import java.util.Locale;
import java.util.Optional;

/**
 * The disposition of a message DMARC cannot verify (docs/dmarc.md "Fail-closed rules"): a {@code temperror} at a
 * name the author's organization owns, a header section or From field no reading recovers an author domain from
 * while a bound was passed, more author domains than {@link DmarcOptions#maxAuthorDomains()}, the time budget
 * spent, several author domains with {@link MultipleAuthorDomains#PERMERROR}, an internal error. A real
 * {@code fail} among the author domains keeps its own (stricter) disposition whatever this setting says.
 */
public enum UnverifiableDisposition {
    /**
     * The strictest policy published for the author domains seen so far (the record that applies, or any record
     * found on their tree walk), after {@code t=y}; {@code reject} when author domains were left unevaluated
     * because there were too many of them (any of those may publish {@code p=reject}). The default.
     */
    STRICTEST,
    /** {@code none}: the RFC's reading (errors carry no disposition); fails open. */
    NONE,
    QUARANTINE,
    REJECT;

    /** The word of MailAuthCheck's {@code dmarcUnverifiableDisposition} parameter. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code strictest}, {@code none}, {@code quarantine} or {@code reject}, case-insensitive; else empty. */
    public static Optional<UnverifiableDisposition> parse(String word) {
        for (UnverifiableDisposition d : values()) {
            if (d.name().equalsIgnoreCase(word == null ? "" : word.strip())) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /**
     * The disposition for an unverifiable message.
     *
     * @param strictestSeen the strictest policy published for the author domains seen ({@code NONE} if none)
     */
    DmarcPolicy disposition(DmarcPolicy strictestSeen) {
        return switch (this) {
            case STRICTEST -> strictestSeen;
            case NONE -> DmarcPolicy.NONE;
            case QUARANTINE -> DmarcPolicy.QUARANTINE;
            case REJECT -> DmarcPolicy.REJECT;
        };
    }

    /**
     * The disposition when this server's own overload kept the author's policy from being fetched (a lookup of its
     * policy discovery not sent, {@link DmarcResult#localOverload()}): an attacker can cause that at will, so under
     * {@link #STRICTEST} it is never milder than {@code quarantine}, the policy being unknown rather than absent
     * (docs/dmarc.md "Fail-closed rules", rule 9). The other settings give what they always give.
     *
     * @param strictestSeen the strictest policy published for the author domains seen ({@code NONE} if none)
     */
    DmarcPolicy dispositionOfHiddenPolicy(DmarcPolicy strictestSeen) {
        DmarcPolicy disposition = disposition(strictestSeen);
        return this == STRICTEST ? disposition.stricter(DmarcPolicy.QUARANTINE) : disposition;
    }
}
