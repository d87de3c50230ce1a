package dev.authpack.conformance;

import java.util.Set;

/** What {@link ConformancePolicy#apply(byte[])} decided. */
public sealed interface ConformanceOutcome {
    /** KumoMTA's wording, without the SMTP code: {@code Message has conformance issues: A, B}. */
    String REJECT_PREFIX = "Message has conformance issues: ";

    /** The report of the check the decision was made on. */
    ConformanceReport report();

    /**
     * The issues of {@code fixes} that the walk of the MIME tree looks for and could not look for past where a bound
     * or a parse error stopped it ({@link Unwalked#NONE} when it walked the whole tree, or nothing went on).
     */
    default Unwalked unwalked() {
        return Unwalked.NONE;
    }

    /**
     * Issues of {@code fixes} among {@link ConformancePolicy#WALK_ISSUES} that may lie, unrepaired, past where the
     * walk stopped (review s23 C1: such a message passed as if checked).
     *
     * @param issues the labels, empty when the walk was whole
     * @param bound  what stopped the walk (e.g. {@code more than 1000 header fields, ...}), empty with no issues
     */
    record Unwalked(Set<ConformanceIssue> issues, String bound) {
        public static final Unwalked NONE = new Unwalked(Set.of(), "");

        public Unwalked {
            issues = Set.copyOf(issues);
        }
    }

    /** Nothing to reject or to fix: the message goes on unchanged. */
    record Passed(ConformanceReport report) implements ConformanceOutcome {
    }

    /**
     * Nothing to reject or to fix within what was walked, but a bound or a parse error stopped the walk: the issues
     * of {@code fixes} it looks for ({@code unwalked}) may lie past it, unrepaired. The message goes on unchanged,
     * not as a plain {@link Passed}: a caller marks it so that a policy after it can act.
     */
    record PassedUnchecked(ConformanceReport report, Unwalked unwalked) implements ConformanceOutcome {
    }

    /**
     * Issues in the checks (that are not also fixes) were found, or the walk of the MIME tree stopped at a bound or a
     * parse error and a check among {@link ConformancePolicy#WALK_ISSUES} (a fix too or not: what was not read cannot
     * be repaired) could not be made past it.
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
     * @param unwalked  the fixes the walk could not look for past where it stopped (then the message was not
     *                  rebuilt), or {@link Unwalked#NONE}
     */
    record Repaired(ConformanceReport report, byte[] message, Set<ConformanceIssue> fixed, boolean rebuilt,
                    Set<ConformanceIssue> remaining, Unwalked unwalked) implements ConformanceOutcome {
        public Repaired {
            fixed = Set.copyOf(fixed);
            remaining = Set.copyOf(remaining);
        }
    }
}
