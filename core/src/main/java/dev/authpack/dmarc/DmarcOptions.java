package dev.authpack.dmarc;

import java.util.Objects;

/**
 * Settings of {@link DmarcEvaluator}.
 *
 * @param mode                  which specification to follow; default {@link DmarcMode#RFC9989}
 * @param multipleAuthorDomains several From fields or several author domains; default
 *                              {@link MultipleAuthorDomains#EVALUATE_EACH}
 * @param maxAuthorDomains      the most author domains evaluated for one message; a message with more gets
 *                              {@code permerror} (RFC 9989 §11.5: limit them to avoid a denial of service);
 *                              default {@value #DEFAULT_MAX_AUTHOR_DOMAINS}
 * @param maxDkimDomains        the most distinct DKIM-authenticated domains checked for alignment; the others are
 *                              ignored (each relaxed check may cost a DNS Tree Walk); default
 *                              {@value #DEFAULT_MAX_DKIM_DOMAINS}
 * @param maxRecordLength       a DMARC record longer than this many characters is unusable; default
 *                              {@value #DEFAULT_MAX_RECORD_LENGTH}
 * @param sampler               the random draw for RFC 7489 {@code pct}; default {@link PercentSampler#RANDOM}
 */
public record DmarcOptions(DmarcMode mode, MultipleAuthorDomains multipleAuthorDomains, int maxAuthorDomains,
                           int maxDkimDomains, int maxRecordLength, PercentSampler sampler) {
    public static final int DEFAULT_MAX_AUTHOR_DOMAINS = 5;
    public static final int DEFAULT_MAX_DKIM_DOMAINS = 10;
    public static final int DEFAULT_MAX_RECORD_LENGTH = 4096;

    public static final DmarcOptions DEFAULT = new DmarcOptions(DmarcMode.RFC9989,
            MultipleAuthorDomains.EVALUATE_EACH, DEFAULT_MAX_AUTHOR_DOMAINS, DEFAULT_MAX_DKIM_DOMAINS,
            DEFAULT_MAX_RECORD_LENGTH, PercentSampler.RANDOM);

    public DmarcOptions {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(multipleAuthorDomains, "multipleAuthorDomains");
        Objects.requireNonNull(sampler, "sampler");
        if (maxAuthorDomains < 1 || maxDkimDomains < 1 || maxRecordLength < 16) {
            throw new IllegalArgumentException("DMARC limits must be positive (record length at least 16)");
        }
    }

    public DmarcOptions withMode(DmarcMode value) {
        return new DmarcOptions(value, multipleAuthorDomains, maxAuthorDomains, maxDkimDomains, maxRecordLength,
                sampler);
    }

    public DmarcOptions withMultipleAuthorDomains(MultipleAuthorDomains value) {
        return new DmarcOptions(mode, value, maxAuthorDomains, maxDkimDomains, maxRecordLength, sampler);
    }

    public DmarcOptions withMaxAuthorDomains(int value) {
        return new DmarcOptions(mode, multipleAuthorDomains, value, maxDkimDomains, maxRecordLength, sampler);
    }

    public DmarcOptions withMaxDkimDomains(int value) {
        return new DmarcOptions(mode, multipleAuthorDomains, maxAuthorDomains, value, maxRecordLength, sampler);
    }

    public DmarcOptions withMaxRecordLength(int value) {
        return new DmarcOptions(mode, multipleAuthorDomains, maxAuthorDomains, maxDkimDomains, value, sampler);
    }

    public DmarcOptions withSampler(PercentSampler value) {
        return new DmarcOptions(mode, multipleAuthorDomains, maxAuthorDomains, maxDkimDomains, maxRecordLength,
                value);
    }
}
