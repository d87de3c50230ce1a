package dev.authpack.check;

import dev.authpack.arc.ArcVerifier;
import dev.authpack.dkim.DkimVerifier;
import dev.authpack.spf.SpfChecker;

import java.time.Duration;
import java.util.Objects;

/**
 * How long each check of {@link MailAuthChecker} may run before its result becomes {@code temperror} (for ARC,
 * whose registered results have no temporary error, {@code fail}: RFC 8617 §5.2.1 counts every failure as
 * permanent). Each budget is the engine's own bound plus {@link #MARGIN} for the work after the last DNS answer;
 * the one deadline for a whole message, {@link #overall()}, follows from them.
 *
 * @param spf   SPF, MAIL FROM and HELO each (RFC 7208 §4.6.4: the engine's own budget, 20 s by default)
 * @param dkim  DKIM, all signatures (key lookups run concurrently, each bounded by the verifier's key timeout)
 * @param iprev iprev: a PTR lookup, then forward lookups concurrently ({@link #DEFAULT_IPREV})
 * @param dmarc DMARC, which starts once SPF (MAIL FROM) and DKIM are in ({@link #DEFAULT_DMARC})
 * @param arc   ARC chain validation (bounded by the verifier's key timeout)
 */
public record CheckBudgets(Duration spf, Duration dkim, Duration iprev, Duration dmarc, Duration arc) {
    /** Time for the work after the last DNS answer (hashing, signature checks) and for scheduling. */
    public static final Duration MARGIN = Duration.ofSeconds(5);
    /** iprev's own bound: two lookups in a row (PTR, then A/AAAA), as long as SPF's whole evaluation. */
    public static final Duration DEFAULT_IPREV = Duration.ofSeconds(20);
    /** DMARC's own time budget (DmarcOptions.timeBudget): the evaluator ends within it with its fail-closed result. */
    public static final Duration DEFAULT_DMARC = dev.authpack.dmarc.DmarcOptions.DEFAULT_TIME_BUDGET;

    public CheckBudgets {
        for (Duration d : new Duration[] {spf, dkim, iprev, dmarc, arc}) {
            Objects.requireNonNull(d, "budget");
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("check budgets must be positive");
            }
        }
    }

    /** The engines' own bounds, each plus {@link #MARGIN}; iprev and DMARC take theirs as given. */
    public static CheckBudgets of(SpfChecker spf, DkimVerifier dkim, Duration iprev, Duration dmarc,
                                  ArcVerifier arc) {
        return new CheckBudgets(spf.options().timeout().plus(MARGIN), dkim.options().keyLookupTimeout().plus(MARGIN),
                iprev.plus(MARGIN), dmarc.plus(MARGIN), arcValidation(arc));
    }

    /** The budget of one ARC chain validation: the verifier's key-lookup bound plus {@link #MARGIN}. */
    public static Duration arcValidation(ArcVerifier arc) {
        return arc.options().keyLookupTimeout().plus(MARGIN);
    }

    /** The same budget for every check (tests). */
    public static CheckBudgets all(Duration budget) {
        return new CheckBudgets(budget, budget, budget, budget, budget);
    }

    /**
     * The longest a whole check of one message can take: DMARC runs after the slower of SPF and DKIM; iprev, SPF
     * for HELO and ARC run alongside.
     */
    public Duration overall() {
        Duration first = max(spf, dkim).plus(dmarc);
        return max(first, max(iprev, arc));
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
