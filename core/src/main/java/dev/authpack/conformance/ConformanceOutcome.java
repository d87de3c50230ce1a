package dev.authpack.conformance;

import java.util.Set;

/** What {@link ConformancePolicy#apply(byte[])} decided. */
public sealed interface ConformanceOutcome {
    /** KumoMTA's wording, without the SMTP code: {@code Message has conformance issues: A, B}. */
    String REJECT_PREFIX = "Message has conformance issues: ";

    /** The report of the check the decision was made on. */
    ConformanceReport report();

    /** Nothing to reject or to fix: the message goes on unchanged. */
    record Passed(ConformanceReport report) implements ConformanceOutcome {
    }

    /**
     * Issues in the checks (that are not also fixes) were found.
     *
     * @param issues the issues found among the checks
     */
    record Rejected(ConformanceReport report, Set<ConformanceIssue> issues) implements ConformanceOutcome {
        public Rejected {
            issues = Set.copyOf(issues);
        }

        /** {@code Message has conformance issues: LABEL, LABEL} (labels sorted). */
        public String reason() {
            return REJECT_PREFIX + ConformanceIssue.join(issues, ", ");
        }
    }

    /**
     * Issues in the fixes were found and repaired.
     *
     * @param message   the repaired message
     * @param fixed     the issues that were to be fixed
     * @param rebuilt   true when the message was rebuilt (signatures over it no longer verify), false when fields
     *                  were only added on top
     * @param remaining issues among the fixes that the repaired message still has (e.g. an 8-bit address, a
     *                  header line with no white space to fold at, a tree beyond the limits)
     */
    record Repaired(ConformanceReport report, byte[] message, Set<ConformanceIssue> fixed, boolean rebuilt,
                    Set<ConformanceIssue> remaining) implements ConformanceOutcome {
        public Repaired {
            fixed = Set.copyOf(fixed);
            remaining = Set.copyOf(remaining);
        }
    }
}
