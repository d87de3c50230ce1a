package dev.authpack.check;

import dev.authpack.dkim.DkimVerifyOptions;
import dev.authpack.spf.SpfOptions;

import java.time.Duration;

/**
 * The engines' own time bounds ({@code MailAuthCheck}'s parameters, {@link CheckerSettings}); each check's budget
 * is its bound plus {@link CheckBudgets#MARGIN}, and the deadline of a message follows from them
 * ({@link CheckBudgets#overall()}, {@link MailAuthChecker#deadline()}): the one deadline rule.
 *
 * @param spf       one SPF evaluation (RFC 7208 §4.6.4: at least 20 s); parameter {@code spfTimeout}
 * @param keyLookup one DKIM or ARC key lookup; parameter {@code dkimKeyTimeout}
 * @param iprev     the iprev check; parameter {@code iprevTimeout}
 * @param dmarc     the DMARC evaluation; parameter {@code dmarcTimeout}
 */
public record CheckTimeouts(Duration spf, Duration keyLookup, Duration iprev, Duration dmarc) {
    public static final CheckTimeouts DEFAULT = new CheckTimeouts(SpfOptions.DEFAULT_TIMEOUT,
            DkimVerifyOptions.DEFAULT_KEY_LOOKUP_TIMEOUT, CheckBudgets.DEFAULT_IPREV, CheckBudgets.DEFAULT_DMARC);
    /** The largest value accepted for any of them: a mail thread must never wait for minutes. */
    public static final Duration MAX = Duration.ofMinutes(2);
}
