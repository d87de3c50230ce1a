package dev.authpack.check;

import dev.authpack.dns.DomainNames;
import dev.authpack.arc.ArcResult;
import dev.authpack.arc.ArcSet;
import dev.authpack.arc.ArcStatus;
import dev.authpack.authres.AuthResultsHeader;
import dev.authpack.authres.MethodResult;
import dev.authpack.authres.ResultProperty;
import dev.authpack.dmarc.DmarcOptions;
import dev.authpack.dmarc.DmarcResult;
import dev.authpack.dmarc.DmarcStatus;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A local-policy override of a failing DMARC result (RFC 7489 §6.7 "local_policy", RFC 8617 §7.2): forwarders and
 * mailing lists break SPF and DKIM, so when the message carries an ARC chain that validates, and the sealers from
 * the newest set down are ones we trust, and one of those trusted sets' ARC-Authentication-Results says
 * {@code dmarc=pass}, the domain owner's policy is not enforced. The DMARC result stays {@code fail}; only the
 * disposition changes, and the override is recorded.
 *
 * <p>Only sets sealed by trusted sealers count, and only contiguously from the newest: a set below an untrusted
 * sealer could be replayed by it, so its word is not taken. And the sealer's {@code dmarc=pass} must be about the
 * author domains that failed here ({@code header.from}, every one of them): an ARC seal does not cover a From field
 * added above the sealed message later, so a pass for the list's original author says nothing about a spoofed one.
 * For the same reason the newest ARC-Message-Signature must meet the rule of a DKIM pass ({@link
 * ArcSet#amsSignsEveryInstance()}, {@link dev.authpack.dkim.SignedHeaders#unsignedInstance}): one that lists From
 * (or Subject, Content-Type) once signs the bottom-most only, and a From of the same domain added above it (another
 * mailbox, the one a client shows) would otherwise ride on the sealer's pass. The override stands in for a DKIM
 * pass, so it asks no less: a Subject or Content-Type added above a DKIM-signed message makes that signature
 * {@code policy} (and so DMARC {@code fail}), and must not come back in through the sealer's word.
 *
 * @param sealer   the trusted sealer whose ARC-Authentication-Results said dmarc=pass
 * @param instance the instance of that ARC set
 * @param reason   a human reason
 */
public record DmarcOverride(String sealer, int instance, String reason) {

    public static Optional<DmarcOverride> find(DmarcResult dmarc, ArcResult arc, Set<String> trustedSealers) {
        return find(dmarc, arc, trustedSealers, false);
    }

    /**
     * {@link #find(DmarcResult, ArcResult, Set)}; {@code hiddenFrom}: the message has a From field only some readers
     * see ({@link dev.authpack.dmarc.DmarcEvaluator.Prepared#hasFromOutsideEverySignature()}), which no sealer's
     * ARC-Message-Signature signs: no override (review s22).
     */
    public static Optional<DmarcOverride> find(DmarcResult dmarc, ArcResult arc, Set<String> trustedSealers,
                                               boolean hiddenFrom) {
        return arc.passed() && !hiddenFrom ? vouched(dmarc, arc, trustedSealers) : Optional.empty();
    }

    /**
     * {@code dmarc}, or, when it is a {@code fail} that {@link #find} would override had the chain validated and
     * the chain is a {@code fail} only because a key lookup was not sent ({@link ArcResult#localOverload()}), a
     * {@code temperror} marked {@link DmarcResult#localOverload()} (docs/dmarc.md rule 9): our overload says
     * nothing about the sealer, so it makes neither the hook's permanent refusal nor an acceptance. A chain that
     * fails for any other reason, an untrusted sealer or one that did not see {@code dmarc=pass} leave the
     * {@code fail} as it is.
     */
    public static DmarcResult unlessUndecided(DmarcResult dmarc, ArcResult arc, Set<String> trustedSealers,
                                              DmarcOptions options) {
        return unlessUndecided(dmarc, arc, trustedSealers, options, false);
    }

    /** {@link #unlessUndecided(DmarcResult, ArcResult, Set, DmarcOptions)}; {@code hiddenFrom} as in {@link #find}. */
    public static DmarcResult unlessUndecided(DmarcResult dmarc, ArcResult arc, Set<String> trustedSealers,
                                              DmarcOptions options, boolean hiddenFrom) {
        if (arc.status() != ArcStatus.FAIL || !arc.localOverload() || hiddenFrom) {
            // a pass marked so (an older AMS undetermined) is a pass: find applies
            return dmarc;
        }
        return vouched(dmarc, arc, trustedSealers).map(o -> dmarc.undecidedByOverload("the chain of trusted ARC"
                + " sealer " + o.sealer() + " (i=" + o.instance() + ")", options)).orElse(dmarc);
    }

    /** The override the sets' trusted sealers vouch for, whether or not the chain validated. */
    private static Optional<DmarcOverride> vouched(DmarcResult dmarc, ArcResult arc, Set<String> trustedSealers) {
        if (dmarc.status() != DmarcStatus.FAIL || trustedSealers.isEmpty()) {
            return Optional.empty();
        }
        List<ArcSet> sets = arc.sets();
        if (sets.isEmpty() || !sets.get(sets.size() - 1).amsSignsEveryInstance()) {
            // a From (Subject, ...) outside the newest ARC-Message-Signature (the one validated over this message)
            // was added after the newest seal: no sealer saw what a client may show (review s22)
            return Optional.empty();
        }
        for (int i = sets.size() - 1; i >= 0; i--) {
            ArcSet set = sets.get(i);
            String sealer = set.sealDomain() == null ? "" : set.sealDomain().toLowerCase(Locale.ROOT);
            if (!trustedSealers.contains(sealer)) {
                return Optional.empty();
            }
            if (saidDmarcPass(set, dmarc.fromDomains())) {
                return Optional.of(new DmarcOverride(sealer, set.instance(), "local policy: trusted ARC sealer "
                        + sealer + " (i=" + set.instance() + ") saw dmarc=pass"));
            }
        }
        return Optional.empty();
    }

    /** Whether the set's ARC-Authentication-Results has a {@code dmarc=pass} for each of the author domains. */
    private static boolean saidDmarcPass(ArcSet set, List<String> authorDomains) {
        Optional<AuthResultsHeader> header = set.parsedAuthResults().header();
        if (header.isEmpty() || authorDomains.isEmpty()) {
            return false;
        }
        Set<String> passed = new HashSet<>();
        for (MethodResult result : header.get().results()) {
            if ("dmarc".equals(result.method()) && "pass".equals(result.result())) {
                for (ResultProperty property : result.properties()) {
                    if ("header".equalsIgnoreCase(property.ptype()) && "from".equalsIgnoreCase(property.property())) {
                        passed.add(domain(property.value()));
                    }
                }
            }
        }
        passed.remove("");
        return authorDomains.stream().allMatch(d -> passed.contains(domain(d)));
    }

    /** DMARC's own normal form (the author domains are in it); a value that is no domain name matches nothing. */
    private static String domain(String name) {
        try {
            return DomainNames.canonical(name.strip());
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
