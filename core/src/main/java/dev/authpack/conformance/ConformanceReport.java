package dev.authpack.conformance;

import java.util.EnumSet;
import java.util.Set;

/**
 * What the check found.
 *
 * @param issues   the issues present, immutable
 * @param complete false when a {@link ConformanceLimits} bound or an unreadable structure stopped the walk of the
 *                 MIME tree early: the issues are then those found so far
 */
public record ConformanceReport(Set<ConformanceIssue> issues, boolean complete) {
    public ConformanceReport {
        issues = issues.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(issues));
    }

    public boolean has(ConformanceIssue issue) {
        return issues.contains(issue);
    }

    /** The issues that are also in {@code wanted}, in declaration order. */
    public Set<ConformanceIssue> among(Set<ConformanceIssue> wanted) {
        EnumSet<ConformanceIssue> out = EnumSet.noneOf(ConformanceIssue.class);
        for (ConformanceIssue issue : issues) {
            if (wanted.contains(issue)) {
                out.add(issue);
            }
        }
        return out;
    }
}
