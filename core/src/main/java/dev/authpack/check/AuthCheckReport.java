package dev.authpack.check;

import dev.authpack.arc.ArcResult;
import dev.authpack.authres.MethodResult;
import dev.authpack.dkim.DkimReport;
import dev.authpack.dkim.DkimVerifyOptions;
import dev.authpack.dmarc.DmarcPolicy;
import dev.authpack.dmarc.DmarcResult;
import dev.authpack.iprev.IprevResult;
import dev.authpack.spf.SpfResult;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Everything {@link MailAuthChecker} found about one message; an absent member means that check did not run.
 *
 * @param dmarcOverride a local-policy override of a failing DMARC result (trusted ARC sealer), if one applied
 */
public record AuthCheckReport(Optional<DkimReport> dkim, Optional<SpfResult> spf, Optional<SpfResult> spfHelo,
                              Optional<IprevResult> iprev, Optional<SmtpAuthResult> smtpAuth,
                              Optional<DmarcResult> dmarc, Optional<ArcResult> arc,
                              Optional<DmarcOverride> dmarcOverride) {
    /**
     * Most {@code dkim=} resinfos listed, as many as are verified by default
     * ({@link DkimVerifyOptions#DEFAULT_MAX_SIGNATURES}); further signatures are counted in one more resinfo.
     */
    public static final int MAX_DKIM_RESULTS = DkimVerifyOptions.DEFAULT_MAX_SIGNATURES;
    /** Which DKIM results are listed first when there are too many: those a reader acts on. */
    private static final List<String> DKIM_PRIORITY = List.of("pass", "fail", "temperror", "permerror", "neutral",
            "policy");

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

    /**
     * Whether a result depends on a lookup this server's resolver did not send, being at its bound
     * ({@link dev.authpack.dns.DnsLookup#localOverload()}): asked again later, it may be known.
     */
    public boolean localOverload() {
        return dkim.map(r -> r.results().stream().anyMatch(d -> d.localOverload())).orElse(false)
                || spf.map(SpfResult::localOverload).orElse(false)
                || spfHelo.map(SpfResult::localOverload).orElse(false)
                || iprev.map(IprevResult::localOverload).orElse(false)
                || dmarc.map(DmarcResult::localOverload).orElse(false)
                || arc.map(ArcResult::localOverload).orElse(false);
    }

    /** The resinfos for an {@code Authentication-Results} field, in a stable order. */
    public List<MethodResult> methodResults() {
        List<MethodResult> results = new ArrayList<>(8);
        smtpAuth.filter(SmtpAuthResult::passed).map(AuthResultsMapping::auth).ifPresent(results::add);
        dkim.ifPresent(report -> results.addAll(capped(AuthResultsMapping.dkim(report))));
        spf.map(AuthResultsMapping::spf).ifPresent(results::add);
        spfHelo.map(AuthResultsMapping::spf).ifPresent(results::add);
        dmarc.map(d -> AuthResultsMapping.dmarc(d, dmarcOverride)).ifPresent(results::add);
        arc.map(a -> a.toMethodResult()).ifPresent(results::add);
        iprev.map(AuthResultsMapping::iprev).ifPresent(results::add);
        return results;
    }

    /**
     * At most {@link #MAX_DKIM_RESULTS} of the DKIM resinfos, the most telling ones ({@link #DKIM_PRIORITY}) in
     * field order, then one {@code dkim=policy} that counts the others by result: a message with hundreds of
     * signatures must not make a field the next hop cannot read.
     */
    static List<MethodResult> capped(List<MethodResult> all) {
        if (all.size() <= MAX_DKIM_RESULTS) {
            return all;
        }
        List<Integer> order = new ArrayList<>(all.size());
        for (int i = 0; i < all.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingInt(i -> rank(all.get(i).result())));
        boolean[] listed = new boolean[all.size()];
        for (int i = 0; i < MAX_DKIM_RESULTS; i++) {
            listed[order.get(i)] = true;
        }
        List<MethodResult> out = new ArrayList<>(MAX_DKIM_RESULTS + 1);
        Map<String, Integer> others = new TreeMap<>();
        for (int i = 0; i < all.size(); i++) {
            if (listed[i]) {
                out.add(all.get(i));
            } else {
                others.merge(all.get(i).result(), 1, Integer::sum);
            }
        }
        String counts = others.entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
                .collect(Collectors.joining(", "));
        out.add(new MethodResult("dkim", "policy", (all.size() - MAX_DKIM_RESULTS)
                + " more DKIM signatures not listed: " + counts, List.of()));
        return out;
    }

    private static int rank(String result) {
        int rank = DKIM_PRIORITY.indexOf(result);
        return rank < 0 ? DKIM_PRIORITY.size() : rank;
    }
}
