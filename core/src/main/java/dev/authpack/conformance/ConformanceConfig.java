package dev.authpack.conformance;

import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The settings every front end takes as text (mailet and hook parameters, CLI options), KumoMTA's names and
 * syntax, turned into a {@link ConformancePolicy}; one place, so they cannot drift apart.
 */
public final class ConformanceConfig {
    private ConformanceConfig() {
    }

    /**
     * A policy from text settings.
     *
     * @param checks           {@code |}-separated labels that reject (null or blank: none)
     * @param fixes            {@code |}-separated labels that are repaired (null or blank: none)
     * @param detectEncoding   guess the charset of 8-bit text without a usable one (else lossy UTF-8)
     * @param includeEncodings encodings the guess chooses among, separated by {@code |}, {@code ,} or white space
     *                         (null or blank: all 36)
     * @param excludeEncodings encodings left out of the guess (same syntax)
     * @param serverId         right-hand side of a new Message-ID
     * @param clock            clock of a new Date
     * @throws IllegalArgumentException naming the bad value and listing what is accepted
     */
    public static ConformancePolicy policy(String checks, String fixes, boolean detectEncoding,
                                           String includeEncodings, String excludeEncodings, String serverId,
                                           Clock clock) {
        Set<ConformanceIssue> checkSet = ConformanceIssue.parseList(checks);
        Set<ConformanceIssue> fixSet = ConformanceIssue.parseList(fixes);
        Set<String> include = encodings(includeEncodings);
        Set<String> exclude = encodings(excludeEncodings);
        CharsetGuesser guesser = CharsetGuesser.NONE;
        DetectorGuesser detector = DetectorGuesser.of(include, exclude); // validates the labels even when off
        if (detectEncoding) {
            guesser = detector;
        } else if (!include.isEmpty() || !exclude.isEmpty()) {
            throw new IllegalArgumentException("includeEncodings and excludeEncodings need detectEncoding");
        }
        return new ConformancePolicy(checkSet, fixSet, new FixSettings(serverId, guesser, clock));
    }

    /** Encoding labels separated by {@code |}, {@code ,} or white space; empty for null or blank. */
    public static Set<String> encodings(String list) {
        Set<String> out = new LinkedHashSet<>();
        if (list != null) {
            for (String label : list.split("[|,\\s]+")) {
                if (!label.isEmpty()) {
                    out.add(label);
                }
            }
        }
        return out;
    }
}
