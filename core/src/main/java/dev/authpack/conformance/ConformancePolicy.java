package dev.authpack.conformance;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * KumoMTA's {@code check_fix_conformance(checks, fixes)}: issues in {@code checks} reject the message, unless they
 * are also in {@code fixes} ("don't raise errors for things that we're going to fix anyway"); otherwise issues in
 * {@code fixes} are repaired. When only missing-header issues are to be fixed the new fields are added on top and
 * nothing else changes; anything else rebuilds the message from its MIME tree ({@link Rebuilder}). Immutable,
 * thread-safe; {@link #apply(byte[])} never throws.
 *
 * @param checks   issues that reject
 * @param fixes    issues that are repaired
 * @param settings what a fix writes
 * @param limits   bounds of the check and of a rebuild
 */
public record ConformancePolicy(Set<ConformanceIssue> checks, Set<ConformanceIssue> fixes, FixSettings settings,
                                ConformanceLimits limits) {
    public ConformancePolicy {
        checks = checks.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(checks));
        fixes = fixes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(fixes));
    }

    /**
     * The issues found by walking the MIME tree (header fields of every entity, the charsets of encoded text), not
     * by the one scan of the raw octets: a message whose walk a {@link ConformanceLimits} bound or a parse error
     * stopped counts as having each of them that the checks refuse (also a fix or not: it cannot be repaired unread),
     * since it may hide one past the bound; each of them that only the fixes name is reported
     * ({@link ConformanceOutcome#unwalked()}), the message not refused.
     */
    public static final Set<ConformanceIssue> WALK_ISSUES = Set.copyOf(EnumSet.of(ConformanceIssue.MISSING_COLON_VALUE,
            ConformanceIssue.NAME_ENDS_WITH_SPACE, ConformanceIssue.NEEDS_TRANSFER_ENCODING));

    public ConformancePolicy(Set<ConformanceIssue> checks, Set<ConformanceIssue> fixes, FixSettings settings) {
        this(checks, fixes, settings, ConformanceLimits.DEFAULT);
    }

    public ConformanceOutcome apply(byte[] message) {
        MimeTree tree = MimeTree.parse(message, limits);
        ConformanceChecker checker = new ConformanceChecker(limits);
        ConformanceReport report = checker.check(message, tree);
        EnumSet<ConformanceIssue> rejecting = EnumSet.noneOf(ConformanceIssue.class);
        for (ConformanceIssue issue : report.issues()) {
            if (checks.contains(issue) && !fixes.contains(issue)) {
                rejecting.add(issue);
            }
        }
        EnumSet<ConformanceIssue> unread = EnumSet.noneOf(ConformanceIssue.class);
        if (!tree.walked()) {
            // fail closed (review s23): a limit or a parse error stopped the walk, and a line without a colon (or
            // "From :") past it, in field 1,001 or part 501, was accepted as if checked. A check is refused whether
            // or not it is also a fix (review s23 C1): what was not read cannot be repaired, and unrepaired the
            // administrator refuses it. A fix alone is not refused (the administrator chose not to refuse it) but
            // reported, so that the message does not pass as checked.
            for (ConformanceIssue issue : WALK_ISSUES) {
                if (checks.contains(issue)) {
                    rejecting.add(issue);
                } else if (fixes.contains(issue)) {
                    unread.add(issue);
                }
            }
        }
        if (!rejecting.isEmpty()) {
            return new ConformanceOutcome.Rejected(report, rejecting);
        }
        ConformanceOutcome.Unwalked unwalked = unread.isEmpty() ? ConformanceOutcome.Unwalked.NONE
                : new ConformanceOutcome.Unwalked(unread, tree.stop());
        Set<ConformanceIssue> toFix = report.among(fixes);
        if (toFix.isEmpty()) {
            return unread.isEmpty() ? new ConformanceOutcome.Passed(report)
                    : new ConformanceOutcome.PassedUnchecked(report, unwalked);
        }
        EnumSet<ConformanceIssue> missing = EnumSet.noneOf(ConformanceIssue.class);
        toFix.stream().filter(ConformanceIssue::isMissingHeader).forEach(missing::add);
        if (missing.size() < toFix.size()) {
            Optional<byte[]> rebuilt = rebuild(tree, report, missing);
            if (rebuilt.isPresent()) {
                return repaired(report, rebuilt.get(), toFix, true, checker, unwalked);
            }
        }
        byte[] added = missing.isEmpty() ? message : MissingFields.add(message, missing, settings);
        return repaired(report, added, toFix, false, checker, unwalked);
    }

    private Optional<byte[]> rebuild(MimeTree tree, ConformanceReport report, Set<ConformanceIssue> missing) {
        EnumSet<ConformanceIssue> add = EnumSet.noneOf(ConformanceIssue.class);
        add.addAll(missing);
        if (report.has(ConformanceIssue.MISSING_MIME_VERSION)) {
            add.add(ConformanceIssue.MISSING_MIME_VERSION); // the rebuilt message is MIME: RFC 2045 §4
        }
        List<String> drop = new ArrayList<>();
        for (ConformanceIssue issue : add) {
            drop.add(MissingFields.fieldName(issue).toLowerCase(Locale.ROOT));
        }
        return Rebuilder.rebuild(tree, MissingFields.fields(add, settings), drop, settings);
    }

    private static ConformanceOutcome repaired(ConformanceReport report, byte[] message, Set<ConformanceIssue> toFix,
                                               boolean rebuilt, ConformanceChecker checker,
                                               ConformanceOutcome.Unwalked unwalked) {
        Set<ConformanceIssue> remaining = checker.check(message, MimeTree.parse(message, checker.limits()), !rebuilt)
                .among(toFix);
        return new ConformanceOutcome.Repaired(report, message, toFix, rebuilt, remaining, unwalked);
    }
}
