package dev.authpack.check;

import dev.authpack.authres.MethodResult;
import dev.authpack.authres.ResultProperty;
import dev.authpack.dmarc.DmarcResult;
import dev.authpack.iprev.IprevResult;
import dev.authpack.spf.SpfIdentity;
import dev.authpack.spf.SpfVerdict;

import java.util.List;
import java.util.Optional;

/** Turns each check's result into an RFC 8601 resinfo (§2.7 for the method-specific properties). */
public final class AuthResultsMapping {
    private AuthResultsMapping() {
    }

    /** {@code spf=RESULT smtp.mailfrom=DOMAIN} or {@code smtp.helo=NAME} (RFC 8601 §2.7.2). */
    public static MethodResult spf(SpfVerdict verdict) {
        String property = verdict.identity() == SpfIdentity.HELO ? "helo" : "mailfrom";
        List<ResultProperty> properties = verdict.domain() == null || verdict.domain().isEmpty()
                ? List.of()
                : List.of(new ResultProperty("smtp", property, verdict.domain()));
        return new MethodResult("spf", verdict.result().word(), verdict.reason(), properties);
    }

    /** {@code iprev=RESULT policy.iprev=IP} (RFC 8601 §2.7.3, §3). */
    public static MethodResult iprev(IprevResult result) {
        return new MethodResult("iprev", result.result(), result.reason(),
                List.of(new ResultProperty("policy", "iprev", result.ip())));
    }

    /** The DMARC resinfo; a local-policy override is said in its reason (the result word stays {@code fail}). */
    public static MethodResult dmarc(DmarcResult result, Optional<DmarcOverride> override) {
        MethodResult base = result.toMethodResult();
        if (override.isEmpty()) {
            return base;
        }
        String reason = (base.reason() == null ? "" : base.reason() + "; ") + override.get().reason();
        return new MethodResult(base.method(), base.result(), reason, base.properties());
    }

    /** {@code auth=pass smtp.auth=USER} (RFC 8601 §2.7.4). */
    public static MethodResult auth(SmtpAuthResult result) {
        return new MethodResult("auth", result.result(), null,
                result.user().map(u -> List.of(new ResultProperty("smtp", "auth", u))).orElse(List.of()));
    }
}
