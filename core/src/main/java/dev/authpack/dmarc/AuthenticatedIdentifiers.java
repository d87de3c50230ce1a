package dev.authpack.dmarc;

import dev.authpack.dns.DomainNames;
import dev.authpack.dkim.DkimReport;
import dev.authpack.dkim.DkimResult;
import dev.authpack.dkim.DkimStatus;
import dev.authpack.spf.SpfIdentity;
import dev.authpack.spf.SpfStatus;
import dev.authpack.spf.SpfResult;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The Authenticated Identifiers DMARC aligns (RFC 9989 §4.4): the MAIL FROM domain when SPF passed for it
 * (§4.4.2; the HELO identity does not count), and the {@code d=} of every DKIM signature that passed (§4.4.1).
 * Domains are normalised like author domains. A DKIM key in testing mode ({@code t=y}) still counts: its signature
 * verified, and RFC 6376 leaves the use of that to the receiver. A DKIM pass is taken as {@link
 * dev.authpack.dkim.DkimVerifier} gives it: a signature that leaves an instance of From (or of another field a
 * message has once) unsigned is {@code policy}, not {@code pass} ({@link
 * dev.authpack.dkim.SignedHeaders#unsignedInstance}). What only DMARC knows is a From field only some readers see
 * (one the strict parser reads as part of another field, after a lone CR): no signature signs it, so with one no
 * DKIM pass counts.
 *
 * @param spfDomain   the SPF-authenticated domain, or null
 * @param spfNote     why there is none (null when there is one)
 * @param dkimDomains the distinct DKIM-authenticated domains, at most the configured number, in signature order
 * @param dkimNote    why there is none, or which were left out; null when nothing to say
 * @param overloaded  what could not be authenticated because of this server's own DNS overload (a MAIL FROM SPF
 *                    temperror or a DKIM temperror marked {@code localOverload}: a lookup was not sent), or null:
 *                    an identifier that would have passed may be missing, so DMARC must not conclude {@code fail}
 */
record AuthenticatedIdentifiers(String spfDomain, String spfNote, List<String> dkimDomains, String dkimNote,
                                String overloaded) {

    static AuthenticatedIdentifiers of(Optional<SpfResult> spf, Optional<DkimReport> dkim, int maxDkimDomains) {
        return of(spf, dkim, maxDkimDomains, false);
    }

    /**
     * @param hiddenFrom the message has a From field only some readers see, which no signature signs: no DKIM pass
     *                   authenticates an author
     */
    static AuthenticatedIdentifiers of(Optional<SpfResult> spf, Optional<DkimReport> dkim, int maxDkimDomains,
                                       boolean hiddenFrom) {
        String spfDomain = null;
        String spfNote = null;
        List<String> overloaded = new ArrayList<>(2);
        if (spf == null || spf.isEmpty()) {
            spfNote = "no SPF result";
        } else {
            SpfResult v = spf.get();
            if (v.identity() != SpfIdentity.MAILFROM) {
                spfNote = "SPF result is for HELO, not MAIL FROM";
            } else if (v.status() != SpfStatus.PASS) {
                if (v.status() == SpfStatus.TEMPERROR && v.localOverload()) {
                    overloaded.add("SPF for " + (v.domain() == null ? "the MAIL FROM domain" : v.domain()));
                }
                spfNote = "SPF " + v.status().word() + (v.domain() == null ? "" : " for " + v.domain());
            } else {
                try {
                    spfDomain = DomainNames.canonical(v.domain() == null ? "" : v.domain());
                } catch (IllegalArgumentException e) {
                    spfNote = "SPF domain unusable: " + e.getMessage();
                }
            }
        }
        Set<String> domains = new LinkedHashSet<>();
        String dkimNote = null;
        if (dkim == null || dkim.isEmpty()) {
            dkimNote = "no DKIM result";
        } else {
            int skipped = 0;
            int outsideHidden = 0;
            for (DkimResult r : dkim.get().results()) {
                if (r.localOverload() && r.status() == DkimStatus.TEMPERROR) {
                    overloaded.add("DKIM key " + (r.selector() == null || r.domain() == null ? "lookup"
                            : r.selector() + "._domainkey." + r.domain()));
                    break;
                }
            }
            for (DkimResult r : dkim.get().passes()) {
                if (hiddenFrom) {
                    outsideHidden++;
                    continue;
                }
                String d;
                try {
                    d = DomainNames.canonical(r.domain() == null ? "" : r.domain());
                } catch (IllegalArgumentException e) {
                    continue;
                }
                if (domains.contains(d)) {
                    continue;
                }
                if (domains.size() >= maxDkimDomains) {
                    skipped++;
                } else {
                    domains.add(d);
                }
            }
            String outside = outsideHidden == 0 ? null : outsideHidden + " passing DKIM signature(s) not counted: the"
                    + " message has a From field only some readers see, which no signature signs";
            if (domains.isEmpty()) {
                dkimNote = outside != null ? outside
                        : dkim.get().signed() ? "no DKIM signature passed" : "no DKIM signature";
            } else if (skipped > 0 || outside != null) {
                String more = skipped > 0 ? skipped + " more DKIM domains not checked (limit " + maxDkimDomains + ")"
                        : null;
                dkimNote = more == null ? outside : outside == null ? more : more + "; " + outside;
            }
        }
        return new AuthenticatedIdentifiers(spfDomain, spfNote, new ArrayList<>(domains), dkimNote,
                overloaded.isEmpty() ? null : String.join(", ", overloaded));
    }
}
