package dev.authpack.dmarc;

import dev.authpack.dkim.DkimReport;
import dev.authpack.dkim.DkimResult;
import dev.authpack.dkim.DkimStatus;
import dev.authpack.dns.ZoneFileResolver;
import dev.authpack.spf.SpfIdentity;
import dev.authpack.spf.SpfStatus;
import dev.authpack.spf.SpfResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Shared builders for the DMARC tests. */
final class DmarcTesting {
    private DmarcTesting() {
    }

    /** A zone from lines "absolute-name TYPE data" (names with a trailing dot). */
    static ZoneFileResolver zone(String... lines) {
        return new ZoneFileResolver(String.join("\n", lines) + "\n");
    }

    /** {@code _dmarc.<domain> TXT "<record>"}. */
    static String dmarc(String domain, String record) {
        return "_dmarc." + domain + ". TXT \"" + record + "\"";
    }

    /** An A record, so that the name exists. */
    static String host(String domain) {
        return domain + ". A 192.0.2.1";
    }

    static Optional<SpfResult> spf(SpfStatus result, String domain) {
        return Optional.of(new SpfResult(result, SpfIdentity.MAILFROM, domain,
                result == SpfStatus.PASS ? "all" : null, null, 1, 0, "test"));
    }

    static Optional<SpfResult> spfPass(String domain) {
        return spf(SpfStatus.PASS, domain);
    }

    static Optional<SpfResult> noSpf() {
        return Optional.empty();
    }

    static DkimResult signature(DkimStatus status, String domain) {
        return new DkimResult(status, status == DkimStatus.PASS ? null : "test", domain, "@" + domain, "s1",
                "rsa-sha256", "abcdefgh", false, 0);
    }

    static Optional<DkimReport> dkimPass(String... domains) {
        List<DkimResult> results = new ArrayList<>();
        for (String d : domains) {
            results.add(signature(DkimStatus.PASS, d));
        }
        return Optional.of(new DkimReport(results, null, 1));
    }

    static Optional<DkimReport> dkim(DkimResult... results) {
        return Optional.of(new DkimReport(List.of(results), null, 1));
    }

    static Optional<DkimReport> unsigned() {
        return Optional.of(DkimReport.unsigned());
    }
}
