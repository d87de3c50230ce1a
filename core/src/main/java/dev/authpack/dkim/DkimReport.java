package dev.authpack.dkim;

import dev.authpack.authres.MethodResult;

import java.util.ArrayList;
import java.util.List;

/**
 * The DKIM results of one message: one entry per DKIM-Signature field, top to bottom.
 *
 * @param results            per signature; empty for an unsigned message
 * @param error              why the message could not be examined at all (unparseable header section), else null
 * @param bodyHashesComputed how many distinct body hashes were computed (diagnostics; signatures with the same
 *                           canonicalization, hash and l= share one)
 */
public record DkimReport(List<DkimResult> results, String error, int bodyHashesComputed) {
    private static final DkimReport UNSIGNED = new DkimReport(List.of(), null, 0);

    public DkimReport {
        results = List.copyOf(results);
    }

    /** The report of a message without DKIM-Signature fields. */
    public static DkimReport unsigned() {
        return UNSIGNED;
    }

    /** The report of a message that could not be read. */
    public static DkimReport unreadable(String reason) {
        return new DkimReport(List.of(), reason, 0);
    }

    /** Whether the message has at least one DKIM-Signature field (or could not be read to find out). */
    public boolean signed() {
        return !results.isEmpty() || error != null;
    }

    /** Whether any signature passed. */
    public boolean anyPass() {
        return results.stream().anyMatch(DkimResult::passed);
    }

    /** How many signatures were left unverified because the message had too many ({@link DkimResult#notVerified()}). */
    public int notVerified() {
        return (int) results.stream().filter(DkimResult::notVerified).count();
    }

    /** The signatures that passed, top to bottom. */
    public List<DkimResult> passes() {
        return results.stream().filter(DkimResult::passed).toList();
    }

    /**
     * The resinfos for Authentication-Results: one {@code dkim=} per signature, {@code dkim=none} for an unsigned
     * message, {@code dkim=permerror} with the reason for an unreadable one.
     */
    public List<MethodResult> methodResults() {
        if (error != null) {
            return List.of(new MethodResult("dkim", DkimStatus.PERMERROR.word(), error, List.of()));
        }
        if (results.isEmpty()) {
            return List.of(new MethodResult("dkim", "none", null, List.of()));
        }
        List<MethodResult> out = new ArrayList<>(results.size());
        for (DkimResult r : results) {
            out.add(r.toMethodResult());
        }
        return out;
    }

    /**
     * {@link #methodResults()} in at most {@code max} resinfos (at least 2), for a header field of bounded size:
     * when there are more, the signatures that were verified come first, top to bottom, up to {@code max - 1}, and
     * one last {@code dkim=policy} counts the rest: {@code reason="N more signatures, not verified"} when none of
     * them was verified ({@link #notVerified()}), else {@code reason="N more signatures not listed"}.
     */
    public List<MethodResult> methodResults(int max) {
        if (max < 2) {
            throw new IllegalArgumentException("max must be at least 2: " + max);
        }
        List<MethodResult> all = methodResults();
        if (all.size() <= max) {
            return all;
        }
        List<MethodResult> out = new ArrayList<>(max);
        boolean droppedVerified = false;
        for (DkimResult r : results) {
            if (!r.notVerified() && out.size() < max - 1) {
                out.add(r.toMethodResult());
            } else {
                droppedVerified |= !r.notVerified();
            }
        }
        int more = results.size() - out.size();
        out.add(new MethodResult("dkim", DkimStatus.POLICY.word(), more + (droppedVerified
                ? " more signatures not listed" : " more signatures, not verified"), List.of()));
        return out;
    }
}
