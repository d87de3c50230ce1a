package dev.authpack.dmarc;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of {@link DmarcEvaluator}.
 *
 * @param mode                  which specification to follow; default {@link DmarcMode#RFC9989}
 * @param multipleAuthorDomains several From fields or several author domains; default
 *                              {@link MultipleAuthorDomains#EVALUATE_EACH}
 * @param maxAuthorDomains      the most author domains evaluated for one message; a message with more gets
 *                              {@code permerror} with the unverifiable disposition (RFC 9989 §11.5: limit them to
 *                              avoid a denial of service); default {@value #DEFAULT_MAX_AUTHOR_DOMAINS}
 * @param maxDkimDomains        the most distinct DKIM-authenticated domains checked for alignment; the others are
 *                              ignored (each relaxed check may cost a DNS Tree Walk); default
 *                              {@value #DEFAULT_MAX_DKIM_DOMAINS}
 * @param maxRecordLength       a DMARC record longer than this many characters is unusable; default
 *                              {@value #DEFAULT_MAX_RECORD_LENGTH}
 * @param sampler               the random draw for RFC 7489 {@code pct}; default {@link PercentSampler#RANDOM}
 * @param unverifiableDisposition the disposition of a message DMARC cannot verify (docs/dmarc.md "Fail-closed
 *                              rules"); default {@link UnverifiableDisposition#STRICTEST}
 * @param timeBudget            the most one evaluation may take; past it the result is {@code temperror} with the
 *                              unverifiable disposition; default 10 s ({@link #DEFAULT_TIME_BUDGET})
 */
public record DmarcOptions(DmarcMode mode, MultipleAuthorDomains multipleAuthorDomains, int maxAuthorDomains,
                           int maxDkimDomains, int maxRecordLength, PercentSampler sampler,
                           UnverifiableDisposition unverifiableDisposition, Duration timeBudget) {
    public static final int DEFAULT_MAX_AUTHOR_DOMAINS = 5;
    public static final int DEFAULT_MAX_DKIM_DOMAINS = 10;
    public static final int DEFAULT_MAX_RECORD_LENGTH = 4096;
    /** Two rounds of DNS (policy discovery, then alignment walks), each a few answers on a working network. */
    public static final Duration DEFAULT_TIME_BUDGET = Duration.ofSeconds(10);
    /** The largest time budget accepted (a mail check must never wait for minutes). */
    public static final Duration MAX_TIME_BUDGET = Duration.ofMinutes(2);

    public static final DmarcOptions DEFAULT = new DmarcOptions(DmarcMode.RFC9989,
            MultipleAuthorDomains.EVALUATE_EACH, DEFAULT_MAX_AUTHOR_DOMAINS, DEFAULT_MAX_DKIM_DOMAINS,
            DEFAULT_MAX_RECORD_LENGTH, PercentSampler.RANDOM, UnverifiableDisposition.STRICTEST, DEFAULT_TIME_BUDGET);

    public DmarcOptions {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(multipleAuthorDomains, "multipleAuthorDomains");
        Objects.requireNonNull(sampler, "sampler");
        Objects.requireNonNull(unverifiableDisposition, "unverifiableDisposition");
        Objects.requireNonNull(timeBudget, "timeBudget");
        if (maxAuthorDomains < 1 || maxDkimDomains < 1 || maxRecordLength < 16) {
            throw new IllegalArgumentException("DMARC limits must be positive (record length at least 16)");
        }
        if (timeBudget.isNegative() || timeBudget.isZero() || timeBudget.compareTo(MAX_TIME_BUDGET) > 0) {
            throw new IllegalArgumentException("DMARC time budget must be between 1 ms and "
                    + MAX_TIME_BUDGET.toSeconds() + " s: " + timeBudget);
        }
    }

    /** The settings of earlier releases, with the default unverifiable disposition and time budget. */
    public DmarcOptions(DmarcMode mode, MultipleAuthorDomains multipleAuthorDomains, int maxAuthorDomains,
                        int maxDkimDomains, int maxRecordLength, PercentSampler sampler) {
        this(mode, multipleAuthorDomains, maxAuthorDomains, maxDkimDomains, maxRecordLength, sampler,
                UnverifiableDisposition.STRICTEST, DEFAULT_TIME_BUDGET);
    }

    public DmarcOptions withMode(DmarcMode value) {
        return new DmarcOptions(value, multipleAuthorDomains, maxAuthorDomains, maxDkimDomains, maxRecordLength,
                sampler, unverifiableDisposition, timeBudget);
    }

    public DmarcOptions withMultipleAuthorDomains(MultipleAuthorDomains value) {
        return new DmarcOptions(mode, value, maxAuthorDomains, maxDkimDomains, maxRecordLength, sampler,
                unverifiableDisposition, timeBudget);
    }

    public DmarcOptions withMaxAuthorDomains(int value) {
        return new DmarcOptions(mode, multipleAuthorDomains, value, maxDkimDomains, maxRecordLength, sampler,
                unverifiableDisposition, timeBudget);
    }

    public DmarcOptions withMaxDkimDomains(int value) {
        return new DmarcOptions(mode, multipleAuthorDomains, maxAuthorDomains, value, maxRecordLength, sampler,
                unverifiableDisposition, timeBudget);
    }

    public DmarcOptions withMaxRecordLength(int value) {
        return new DmarcOptions(mode, multipleAuthorDomains, maxAuthorDomains, maxDkimDomains, value, sampler,
                unverifiableDisposition, timeBudget);
    }

    public DmarcOptions withSampler(PercentSampler value) {
        return new DmarcOptions(mode, multipleAuthorDomains, maxAuthorDomains, maxDkimDomains, maxRecordLength,
                value, unverifiableDisposition, timeBudget);
    }

    public DmarcOptions withUnverifiableDisposition(UnverifiableDisposition value) {
        return new DmarcOptions(mode, multipleAuthorDomains, maxAuthorDomains, maxDkimDomains, maxRecordLength,
                sampler, value, timeBudget);
    }

    public DmarcOptions withTimeBudget(Duration value) {
        return new DmarcOptions(mode, multipleAuthorDomains, maxAuthorDomains, maxDkimDomains, maxRecordLength,
                sampler, unverifiableDisposition, value);
    }
}
