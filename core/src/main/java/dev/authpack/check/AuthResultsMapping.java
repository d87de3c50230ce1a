package dev.authpack.check;

import dev.authpack.authres.MethodResult;
import dev.authpack.authres.ResultProperty;
import dev.authpack.dkim.DkimReport;
import dev.authpack.dkim.DkimResult;
import dev.authpack.dkim.DkimStatus;
import dev.authpack.dmarc.DmarcPolicy;
import dev.authpack.dmarc.DmarcResult;
import dev.authpack.dmarc.DmarcStatus;
import dev.authpack.iprev.IprevResult;
import dev.authpack.spf.SpfIdentity;
import dev.authpack.spf.SpfResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns each check's result into an RFC 8601 resinfo (§2.7 for the method-specific properties). The protocol
 * packages know nothing of Authentication-Results; this is the one place their results are written as resinfos
 * (ARC's own {@code arc=} resinfo stays with ARC: it is part of the ARC-Authentication-Results field ARC seals).
 */
public final class AuthResultsMapping {
    private AuthResultsMapping() {
    }

    /** {@code spf=RESULT smtp.mailfrom=DOMAIN} or {@code smtp.helo=NAME} (RFC 8601 §2.7.2). */
    public static MethodResult spf(SpfResult verdict) {
        String property = verdict.identity() == SpfIdentity.HELO ? "helo" : "mailfrom";
        List<ResultProperty> properties = verdict.domain() == null || verdict.domain().isEmpty()
                ? List.of()
                : List.of(new ResultProperty("smtp", property, verdict.domain()));
        return new MethodResult("spf", verdict.status().word(), verdict.reason(), properties);
    }

    /**
     * {@code iprev=RESULT policy.iprev=IP} (RFC 8601 §2.7.3, §3); without {@code policy.iprev} when no address is
     * known (a mail not checked: {@link MailAuthChecker#unchecked}).
     */
    public static MethodResult iprev(IprevResult result) {
        return new MethodResult("iprev", result.status().word(), result.reason(), result.ip() == null ? List.of()
                : List.of(new ResultProperty("policy", "iprev", result.ip())));
    }

    /**
     * The resinfos of a DKIM report: one {@code dkim=} per signature, {@code dkim=none} for an unsigned message,
     * {@code dkim=permerror} with the reason for an unreadable one.
     */
    public static List<MethodResult> dkim(DkimReport report) {
        if (report.error() != null) {
            return List.of(new MethodResult("dkim", DkimStatus.PERMERROR.word(), report.error(), List.of()));
        }
        if (report.results().isEmpty()) {
            return List.of(new MethodResult("dkim", "none", null, List.of()));
        }
        List<MethodResult> out = new ArrayList<>(report.results().size());
        for (DkimResult r : report.results()) {
            out.add(dkim(r));
        }
        return out;
    }

    /**
     * {@code dkim=RESULT header.d=... header.i=... header.s=... header.a=... header.b=...} (RFC 8601 §2.7.1,
     * RFC 6008); properties that could not be read are left out.
     */
    public static MethodResult dkim(DkimResult result) {
        List<ResultProperty> properties = new ArrayList<>(5);
        addHeader(properties, "d", result.domain());
        addHeader(properties, "i", result.identity());
        addHeader(properties, "s", result.selector());
        addHeader(properties, "a", result.algorithm());
        addHeader(properties, "b", result.signatureStart());
        return new MethodResult("dkim", result.status().word(), result.reason(), properties);
    }

    private static void addHeader(List<ResultProperty> properties, String name, String value) {
        if (value != null && !value.isEmpty()) {
            properties.add(new ResultProperty("header", name, value));
        }
    }

    /**
     * {@code dmarc=RESULT reason="p=... sp=... dis=...; why" header.from=DOMAIN policy.dmarc=POLICY}
     * (RFC 8601 §2.7, RFC 9989 §9.1); {@code policy.dmarc} only for pass and fail, {@code header.from} whenever
     * the author domain is known. An error that carries a disposition says so first:
     * {@code dmarc=temperror reason="dis=reject (unverifiable); ..."}.
     */
    public static MethodResult dmarc(DmarcResult result) {
        List<ResultProperty> properties = new ArrayList<>(2);
        if (result.fromDomain() != null) {
            properties.add(new ResultProperty("header", "from", result.fromDomain()));
        }
        boolean decided = result.status() == DmarcStatus.PASS || result.status() == DmarcStatus.FAIL;
        if (decided && result.policy() != null) {
            properties.add(new ResultProperty("policy", "dmarc", result.policy().word()));
        }
        String summary = decided ? result.policySummary()
                : result.disposition() != DmarcPolicy.NONE ? "dis=" + result.disposition().word() + " (unverifiable)"
                : "";
        String text = summary.isEmpty() ? result.reason() : summary + "; " + result.reason();
        return new MethodResult("dmarc", result.status().word(), text, properties);
    }

    /** The DMARC resinfo; a local-policy override is said in its reason (the result word stays {@code fail}). */
    public static MethodResult dmarc(DmarcResult result, Optional<DmarcOverride> override) {
        MethodResult base = dmarc(result);
        if (override.isEmpty()) {
            return base;
        }
        String reason = (base.reason() == null ? "" : base.reason() + "; ") + override.get().reason();
        return new MethodResult(base.method(), base.result(), reason, base.properties());
    }

    /** {@code auth=pass smtp.auth=USER} (RFC 8601 §2.7.4). */
    public static MethodResult auth(SmtpAuthResult result) {
        return new MethodResult("auth", result.status().word(), null,
                result.user().map(u -> List.of(new ResultProperty("smtp", "auth", u))).orElse(List.of()));
    }
}
