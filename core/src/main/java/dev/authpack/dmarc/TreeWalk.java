package dev.authpack.dmarc;

import java.util.ArrayList;
import java.util.List;

/**
 * The DNS Tree Walk of RFC 9989 §4.10 and the Organizational Domain selection of §4.10.2, as pure functions over
 * lookups that {@link DmarcLookups} performs.
 */
final class TreeWalk {
    /** §4.10: a walk never needs more than eight queries, whatever the number of labels. */
    static final int MAX_QUERIES = 8;

    private TreeWalk() {
    }

    /**
     * The names whose {@code _dmarc} record a walk from {@code start} consults, in order: {@code start} itself,
     * then (§4.10 step 4) its parent, or, when it has eight labels or more, its last seven labels; then one label
     * less at a time down to the top-level domain. At most {@value #MAX_QUERIES} names.
     */
    static List<String> targets(String start) {
        String[] labels = start.split("\\.");
        int x = labels.length;
        List<String> out = new ArrayList<>(Math.min(x, MAX_QUERIES));
        out.add(start);
        int next = x >= MAX_QUERIES ? MAX_QUERIES - 1 : x - 1;
        for (int count = next; count >= 1; count--) {
            out.add(String.join(".", java.util.Arrays.copyOfRange(labels, x - count, x)));
        }
        return out;
    }

    /**
     * The result of a walk: the records found before it stopped, and the Organizational Domain (§4.10.2).
     *
     * @param start   the domain the walk started at
     * @param records the DMARC records found, longest name first (a name with several records counts as none)
     * @param orgDomain the Organizational Domain of {@code start}, or null when a DNS error hid part of the walk
     * @param error   the DNS error that made the walk incomplete, or null
     * @param errorDomain the name (without {@code _dmarc.}) whose lookup failed, or null
     * @param errorOverload the failed lookup was a local overload ({@link PolicyLookup#localOverload()})
     */
    record Outcome(String start, List<PolicyLookup> records, String orgDomain, String error, String errorDomain,
                   boolean errorOverload) {
        boolean failed() {
            return error != null;
        }

        /** The record found at {@code name}, or null. */
        PolicyLookup recordAt(String name) {
            for (PolicyLookup l : records) {
                if (l.domain().equals(name)) {
                    return l;
                }
            }
            return null;
        }

        /** The {@code psd=y} record that stopped the walk above {@code start}, or null. */
        PolicyLookup publicSuffixRecord() {
            if (records.isEmpty()) {
                return null;
            }
            PolicyLookup last = records.get(records.size() - 1);
            return last.record().psd() == PsdFlag.YES && !last.domain().equals(start) ? last : null;
        }
    }

    /**
     * Runs the walk over the lookups of {@link #targets(String)} (same order): steps 2 and 6 stop at the first
     * record with {@code psd=y} or {@code psd=n}; a DNS error before that point makes the outcome unknown.
     */
    static Outcome select(String start, List<PolicyLookup> lookups) {
        List<PolicyLookup> found = new ArrayList<>();
        for (PolicyLookup l : lookups) {
            if (l.kind() == PolicyLookup.Kind.ERROR) {
                return new Outcome(start, found, null, l.detail(), l.domain(), l.localOverload());
            }
            if (l.found()) {
                found.add(l);
                PsdFlag psd = l.record().psd();
                if (psd == PsdFlag.YES || psd == PsdFlag.NO) {
                    break;
                }
            }
        }
        return new Outcome(start, found, organizationalDomain(start, found), null, null, false);
    }

    /** §4.10.2: psd=n names itself; psd=y (not at the start) names the domain one label below it; else the
     *  record with the fewest labels; with no record at all, the start itself. */
    private static String organizationalDomain(String start, List<PolicyLookup> found) {
        for (PolicyLookup l : found) {
            PsdFlag psd = l.record().psd();
            if (psd == PsdFlag.NO) {
                return l.domain();
            }
            if (psd == PsdFlag.YES && !l.domain().equals(start)) {
                return oneLabelBelow(l.domain(), start);
            }
        }
        return found.isEmpty() ? start : found.get(found.size() - 1).domain();
    }

    /** The ancestor of {@code start} (or {@code start}) that has one label more than {@code ancestor}. */
    static String oneLabelBelow(String ancestor, String start) {
        int wanted = labelCount(ancestor) + 1;
        String name = start;
        while (labelCount(name) > wanted) {
            name = name.substring(name.indexOf('.') + 1);
        }
        return name;
    }

    static int labelCount(String name) {
        int n = 1;
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) == '.') {
                n++;
            }
        }
        return n;
    }

    /**
     * The longest common ancestor-or-self of two names, label-wise ({@code a.example.com} and
     * {@code b.example.com}: {@code example.com}); null when they do not even share the top-level domain.
     */
    static String commonAncestor(String a, String b) {
        int i = a.length();
        int j = b.length();
        int lastBoundary = -1;      // length of the common suffix that starts at a label boundary
        while (i > 0 && j > 0 && a.charAt(i - 1) == b.charAt(j - 1)) {
            i--;
            j--;
            boolean boundaryA = i == 0 || a.charAt(i - 1) == '.';
            boolean boundaryB = j == 0 || b.charAt(j - 1) == '.';
            if (boundaryA && boundaryB) {
                lastBoundary = a.length() - i;
            }
        }
        return lastBoundary <= 0 ? null : a.substring(a.length() - lastBoundary);
    }

    /** Whether {@code name} is {@code ancestor} or below it (label-wise, case already normalised). */
    static boolean isAtOrBelow(String name, String ancestor) {
        return name.equals(ancestor) || name.endsWith("." + ancestor);
    }
}
