package dev.authpack.james.smtp;

import dev.authpack.check.AuthCheckReport;
import dev.authpack.dmarc.DmarcPolicy;
import dev.authpack.dmarc.DmarcResult;
import dev.authpack.dmarc.DmarcStatus;
import dev.authpack.spf.SpfStatus;
import dev.authpack.spf.SpfResult;
import org.apache.james.protocols.smtp.SMTPRetCode;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * What {@link SessionAuthCheck} refuses, from its parameters (docs/enforcement.md):
 * <ul>
 *   <li>{@code refuseDmarcReject} ({@code true}): mail whose DMARC disposition after local policy (ARC override,
 *       {@code t=y}, {@code pct}) is {@code reject}: {@code 550 5.7.1} naming the author domain (RFC 7489 §7.3,
 *       RFC 9989); a DMARC {@code temperror} is deferred only with {@code temperror=defer}.</li>
 *   <li>{@code refuseSpfFail} ({@code never}; {@code mailfrom} = vSMTP's "strict", {@code data} = "soft"): SPF
 *       {@code fail} for MAIL FROM: {@code 550 5.7.23} (RFC 7372 §3.2), at MAIL FROM or at the end of DATA.</li>
 *   <li>{@code temperror} ({@code accept}; or {@code defer}): {@code defer} answers {@code 451 4.7.24} (SPF,
 *       RFC 7372 §3.2) or {@code 451 4.7.1} (DMARC: the policy could not be found out) where the refusal above
 *       could not be decided; {@code accept} accepts and labels the mail.</li>
 *   <li>whatever {@code temperror} says, a {@code temperror} caused by this server's own DNS resolver being at its
 *       bound ({@link DmarcResult#localOverload()}, {@link SpfResult#localOverload()}: a lookup was not sent) is
 *       answered {@code 451 4.7.1} where the check could refuse: it says nothing about the sender's domain, and an
 *       attacker who fills the resolver could otherwise turn any refusal into an acceptance at will (an error must
 *       never be cheaper than a fail). The sender retries; nothing is lost. The reply blames no domain.</li>
 *   <li>{@code awaitAtData} ({@code auto}; or {@code always}): whether the end of DATA waits for the checks.
 *       {@code auto} waits only where a refusal at DATA is possible ({@link #refusesAtData()}) and the client is
 *       not exempt; otherwise the checks are handed over to {@code MailAuthCheck} unfinished (label-only).
 *       {@code always} waits for every message, so the results travel with the mail (a James whose spool runs
 *       in other JVMs than its SMTP server).</li>
 * </ul>
 */
record Enforcement(boolean refuseDmarcReject, SpfFailRefusal refuseSpfFail, boolean deferTemperror,
                   boolean awaitAlways) {
    /** Where SPF {@code fail} is refused. */
    enum SpfFailRefusal { NEVER, MAILFROM, DATA }

    static final Set<String> PARAMETERS = Set.of("refuseDmarcReject", "refuseSpfFail", "temperror", "awaitAtData");
    /** The reply to a temperror caused by a local overload: the server is busy, the sender's domain is not to blame. */
    static final String OVERLOADED = "4.7.1 Server busy: the %s check could not be completed now; try again later";
    /** Longest domain name quoted in a reply (RFC 1035: 253 octets); anything longer is cut. */
    static final int MAX_QUOTED = 253;

    static final Enforcement DEFAULT = new Enforcement(true, SpfFailRefusal.NEVER, false, false);

    /** Reads the parameters ({@code parameter} gives null when one is not set); errors list what is accepted. */
    static Enforcement read(Function<String, String> parameter) {
        String dmarc = value(parameter, "refuseDmarcReject", "true");
        boolean refuseDmarc = switch (dmarc) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new IllegalArgumentException("refuseDmarcReject must be true or false, not '" + dmarc
                    + "'");
        };
        String spf = value(parameter, "refuseSpfFail", "never");
        SpfFailRefusal spfFail = switch (spf) {
            case "never", "no", "false", "off" -> SpfFailRefusal.NEVER;
            case "mailfrom", "mail", "strict" -> SpfFailRefusal.MAILFROM;
            case "data", "soft" -> SpfFailRefusal.DATA;
            default -> throw new IllegalArgumentException("refuseSpfFail must be never, mailfrom (strict) or data"
                    + " (soft), not '" + spf + "'");
        };
        String temperror = value(parameter, "temperror", "accept");
        boolean defer = switch (temperror) {
            case "accept" -> false;
            case "defer", "451" -> true;
            default -> throw new IllegalArgumentException("temperror must be accept or defer, not '" + temperror
                    + "'");
        };
        String await = value(parameter, "awaitAtData", "auto");
        boolean always = switch (await) {
            case "auto" -> false;
            case "always" -> true;
            default -> throw new IllegalArgumentException("awaitAtData must be auto or always, not '" + await + "'");
        };
        return new Enforcement(refuseDmarc, spfFail, defer, always);
    }

    /**
     * Whether {@link #atEndOfData} can refuse anything: only with {@code refuseDmarcReject=true} (DMARC reject, or
     * its temperror with {@code temperror=defer}) or {@code refuseSpfFail=data} (SPF fail, or its temperror with
     * {@code temperror=defer}). {@code refuseSpfFail=mailfrom} and {@code temperror=defer} alone act at MAIL FROM.
     */
    boolean refusesAtData() {
        return refuseDmarcReject || refuseSpfFail == SpfFailRefusal.DATA;
    }

    /** Whether the end of DATA waits for the checks of a client that is {@code exempt} (never refused) or not. */
    boolean awaitsAtData(boolean exempt) {
        return awaitAlways || refusesAtData() && !exempt;
    }

    private static String value(Function<String, String> parameter, String name, String otherwise) {
        String v = parameter.apply(name);
        return v == null || v.isBlank() ? otherwise : v.trim().toLowerCase(Locale.ROOT);
    }

    /** The reply to MAIL FROM, given its SPF result; empty: no objection. */
    Optional<HookResult> atMailFrom(Optional<SpfResult> spf) {
        return refuseSpfFail == SpfFailRefusal.MAILFROM ? spf.flatMap(this::spfReply) : Optional.empty();
    }

    /** The reply to the end of DATA, given the report; empty: no objection. */
    Optional<HookResult> atEndOfData(AuthCheckReport report) {
        return atEndOfData(report, false);
    }

    /**
     * The reply to the end of DATA, given the report; empty: no objection. {@code spfLeftToData}: with
     * {@code refuseSpfFail=mailfrom}, SPF was not decided at MAIL FROM (no wait was possible, or it took longer
     * than {@code mailFromWait}), so its refusal is made here instead: nothing {@code mailfrom} refuses is accepted.
     */
    Optional<HookResult> atEndOfData(AuthCheckReport report, boolean spfLeftToData) {
        Optional<HookResult> dmarc = refuseDmarcReject ? report.dmarc().flatMap(d -> dmarcReply(d, report))
                : Optional.empty();
        if (dmarc.isPresent() || !refusesSpfAtData(spfLeftToData)) {
            return dmarc;
        }
        return report.spf().flatMap(this::spfReply);
    }

    /** Whether SPF is refused at the end of DATA: {@code data}, or {@code mailfrom} left undecided at MAIL FROM. */
    private boolean refusesSpfAtData(boolean spfLeftToData) {
        return refuseSpfFail == SpfFailRefusal.DATA || refuseSpfFail == SpfFailRefusal.MAILFROM && spfLeftToData;
    }

    /** {@link #refusesAtData()}, counting an SPF refusal left from MAIL FROM to the end of DATA. */
    boolean refusesAtData(boolean spfLeftToData) {
        return refusesAtData() || refusesSpfAtData(spfLeftToData);
    }

    /** {@link #awaitsAtData(boolean)}, counting an SPF refusal left from MAIL FROM to the end of DATA. */
    boolean awaitsAtData(boolean exempt, boolean spfLeftToData) {
        return awaitAlways || refusesAtData(spfLeftToData) && !exempt;
    }

    /**
     * RFC 7489 §7.3 / RFC 9989: {@code reject} after local policy ({@link AuthCheckReport#dmarcDisposition()}: none
     * when a trusted ARC sealer overrode the failure). A result without a verdict that asks for {@code reject}
     * (fail-closed rules, docs/dmarc.md) is refused too when it is permanent; a temporary error, whose policy is not
     * known, is deferred on request, and always when it comes from this server's own overload and the policy that
     * applies is not known or may be {@code reject} ({@link #mayBeReject}).
     */
    private Optional<HookResult> dmarcReply(DmarcResult dmarc, AuthCheckReport report) {
        String domain = quoted(dmarc.fromDomain());
        if (dmarc.localOverload() && mayBeReject(dmarc)) {
            // our own overload, which an attacker can cause: the policy may be reject, asking again may tell
            return Optional.of(reply(false, OVERLOADED.formatted("DMARC")));
        }
        if (dmarc.status() == DmarcStatus.TEMPERROR) {
            // the policy is not known: it may be reject
            return deferTemperror ? Optional.of(reply(false, "4.7.1 DMARC policy of " + domain
                    + " could not be evaluated now; try again later")) : Optional.empty();
        }
        if (report.dmarcDisposition() != DmarcPolicy.REJECT) {
            return Optional.empty();
        }
        String why = dmarc.status() == DmarcStatus.FAIL ? "failed the DMARC check of " + domain
                + ", whose policy is reject" : "could not be verified for " + domain + " and the policy that applies"
                + " is reject";
        return Optional.of(reply(true, "5.7.1 Message refused: it " + why + " (RFC 7489 section 7.3)"));
    }

    /**
     * Whether a policy that may apply to the author domain of {@code dmarc} is {@code reject}, or the policy is not
     * known: only then could the check refuse, and only then is an overload worth a 451 (review F2). A known record
     * whose applicable policies are all milder leaves the ordinary temperror handling. A fail left undecided (a
     * trusted ARC sealer's override not checked, {@link DmarcResult#undecidedFail()}) is refused at most as the fail
     * itself: its own policy after {@code t=y} and the {@code pct} draw (RFC 7489 §6.6.4), which the override could
     * only make milder.
     */
    private static boolean mayBeReject(DmarcResult dmarc) {
        if (dmarc.undecidedFail() && dmarc.policy() != null) {
            return dmarc.policy() == DmarcPolicy.REJECT;
        }
        DmarcPolicy strictest = dmarc.strictestPolicy();
        return strictest == null || strictest == DmarcPolicy.REJECT;
    }

    private Optional<HookResult> spfReply(SpfResult spf) {
        if (spf.status() == SpfStatus.FAIL) {
            return Optional.of(reply(true, "5.7.23 SPF validation failed for " + quoted(spf.domain())));
        }
        if (spf.localOverload()) {
            return Optional.of(reply(false, OVERLOADED.formatted("SPF")));
        }
        if (spf.status() == SpfStatus.TEMPERROR && deferTemperror) {
            return Optional.of(reply(false, "4.7.24 SPF validation error for " + quoted(spf.domain())
                    + "; try again later"));
        }
        return Optional.empty();
    }

    private static HookResult reply(boolean permanent, String text) {
        return HookResult.builder()
                .hookReturnCode(permanent ? HookReturnCode.deny() : HookReturnCode.denySoft())
                .smtpReturnCode(permanent ? SMTPRetCode.MAILBOX_PERM_UNAVAILABLE : SMTPRetCode.LOCAL_ERROR)
                .smtpDescription(text)
                .build();
    }

    /** A domain as the sender gave it, made safe for a reply line: printable ASCII only, at most 253 octets. */
    static String quoted(String domain) {
        if (domain == null || domain.isEmpty()) {
            return "the author domain";
        }
        StringBuilder out = new StringBuilder(Math.min(domain.length(), MAX_QUOTED));
        for (int i = 0; i < domain.length() && out.length() < MAX_QUOTED; i++) {
            char c = domain.charAt(i);
            out.append(c > ' ' && c < 0x7f ? c : '?');
        }
        return out.toString();
    }
}
