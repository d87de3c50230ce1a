package dev.authpack.check;

import dev.authpack.dns.TranslatorPrefixes;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which checks {@link MailAuthChecker} runs, and the one piece of local policy it applies.
 *
 * @param dkim              DKIM verification of every signature (RFC 6376, 8301, 8463)
 * @param spf               SPF for MAIL FROM and for HELO (RFC 7208)
 * @param iprev             iprev (RFC 8601 §3)
 * @param smtpAuth          report the SMTP AUTH identity (RFC 8601 {@code auth} method)
 * @param dmarc             DMARC (RFC 9989 / RFC 7489), after SPF and DKIM
 * @param arc               ARC chain validation (RFC 8617)
 * @param trustedArcSealers ARC sealer domains ({@code d=} of ARC-Seal) whose word we take: a failing DMARC result
 *                          is not enforced when a validating chain, sealed by these, says DMARC passed upstream
 *                          (see {@link DmarcOverride}); empty = no override
 * @param translatorPrefixes the prefixes of the operator's SIIT/NAT64 translators: a client address inside one is
 *                          checked as the IPv4 address it embeds (RFC 6052). Applied where the client address is
 *                          read (the mailet, the SMTP hook, the CLI: {@link TranslatorPrefixes#client}), so that an
 *                          {@link Envelope} carries the address checked; here so that results of the session are
 *                          reused only by a check configured alike. Default {@link TranslatorPrefixes#NONE}.
 */
public record CheckOptions(boolean dkim, boolean spf, boolean iprev, boolean smtpAuth, boolean dmarc, boolean arc,
                           Set<String> trustedArcSealers, TranslatorPrefixes translatorPrefixes) {
    public static final CheckOptions ALL = new CheckOptions(true, true, true, true, true, true, Set.of());

    /** No translator prefixes. */
    public CheckOptions(boolean dkim, boolean spf, boolean iprev, boolean smtpAuth, boolean dmarc, boolean arc,
                        Set<String> trustedArcSealers) {
        this(dkim, spf, iprev, smtpAuth, dmarc, arc, trustedArcSealers, TranslatorPrefixes.NONE);
    }

    public CheckOptions {
        translatorPrefixes = translatorPrefixes == null ? TranslatorPrefixes.NONE : translatorPrefixes;
        trustedArcSealers = trustedArcSealers == null ? Set.of() : trustedArcSealers.stream()
                .map(d -> d.trim().toLowerCase(Locale.ROOT)).map(d -> d.endsWith(".") ? d.substring(0, d.length() - 1) : d)
                .filter(d -> !d.isEmpty()).collect(Collectors.toUnmodifiableSet());
    }

    public CheckOptions withTrustedArcSealers(Set<String> sealers) {
        return new CheckOptions(dkim, spf, iprev, smtpAuth, dmarc, arc, sealers, translatorPrefixes);
    }

    public CheckOptions withTranslatorPrefixes(TranslatorPrefixes prefixes) {
        return new CheckOptions(dkim, spf, iprev, smtpAuth, dmarc, arc, trustedArcSealers, prefixes);
    }

    /** Whether the message itself is needed (the other checks read only the envelope). */
    public boolean needsMessage() {
        return dkim || dmarc || arc;
    }
}
