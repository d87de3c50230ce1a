package dev.authpack.check;

import dev.authpack.authres.MethodResult;
import dev.authpack.dkim.DkimReport;
import dev.authpack.iprev.IprevResult;
import dev.authpack.spf.SpfVerdict;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Everything {@link MailAuthChecker} found about one message; an absent member means that check did not run. */
public record AuthCheckReport(Optional<DkimReport> dkim, Optional<SpfVerdict> spf, Optional<SpfVerdict> spfHelo,
                              Optional<IprevResult> iprev, Optional<SmtpAuthResult> smtpAuth) {

    /** The resinfos for an {@code Authentication-Results} field, in a stable order. */
    public List<MethodResult> methodResults() {
        List<MethodResult> results = new ArrayList<>(6);
        smtpAuth.filter(SmtpAuthResult::passed).map(AuthResultsMapping::auth).ifPresent(results::add);
        dkim.ifPresent(report -> results.addAll(report.methodResults()));
        spf.map(AuthResultsMapping::spf).ifPresent(results::add);
        spfHelo.map(AuthResultsMapping::spf).ifPresent(results::add);
        iprev.map(AuthResultsMapping::iprev).ifPresent(results::add);
        return results;
    }
}
