package dev.authpack.check;

import dev.authpack.arc.ArcResult;
import dev.authpack.authres.MethodResult;
import dev.authpack.dkim.DkimReport;
import dev.authpack.dmarc.DmarcPolicy;
import dev.authpack.dmarc.DmarcResult;
import dev.authpack.iprev.IprevResult;
import dev.authpack.spf.SpfVerdict;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Everything {@link MailAuthChecker} found about one message; an absent member means that check did not run.
 *
 * @param dmarcOverride a local-policy override of a failing DMARC result (trusted ARC sealer), if one applied
 */
public record AuthCheckReport(Optional<DkimReport> dkim, Optional<SpfVerdict> spf, Optional<SpfVerdict> spfHelo,
                              Optional<IprevResult> iprev, Optional<SmtpAuthResult> smtpAuth,
                              Optional<DmarcResult> dmarc, Optional<ArcResult> arc,
                              Optional<DmarcOverride> dmarcOverride) {

    /**
     * What the DMARC policy asks for this message after local policy: the domain owner's disposition, or
     * {@code none} when DMARC did not run, did not fail, or a trusted ARC sealer's word overrode it.
     */
    public DmarcPolicy dmarcDisposition() {
        if (dmarcOverride.isPresent()) {
            return DmarcPolicy.NONE;
        }
        return dmarc.map(DmarcResult::disposition).orElse(DmarcPolicy.NONE);
    }

    /** The resinfos for an {@code Authentication-Results} field, in a stable order. */
    public List<MethodResult> methodResults() {
        List<MethodResult> results = new ArrayList<>(8);
        smtpAuth.filter(SmtpAuthResult::passed).map(AuthResultsMapping::auth).ifPresent(results::add);
        dkim.ifPresent(report -> results.addAll(report.methodResults()));
        spf.map(AuthResultsMapping::spf).ifPresent(results::add);
        spfHelo.map(AuthResultsMapping::spf).ifPresent(results::add);
        dmarc.map(d -> AuthResultsMapping.dmarc(d, dmarcOverride)).ifPresent(results::add);
        arc.map(a -> a.toMethodResult()).ifPresent(results::add);
        iprev.map(AuthResultsMapping::iprev).ifPresent(results::add);
        return results;
    }
}
