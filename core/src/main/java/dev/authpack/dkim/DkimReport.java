package dev.authpack.dkim;

import java.util.Collections;
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
        // a loop, not a stream: run for every message (DMARC), where a stream's code is one more cold path
        List<DkimResult> passed = new ArrayList<>(results.size());
        for (DkimResult result : results) {
            if (result.passed()) {
                passed.add(result);
            }
        }
        return Collections.unmodifiableList(passed);
    }

    /** The report when verification could not finish (timed out or failed on our side): one {@code temperror}. */
    public static DkimReport temperror(String reason) {
        return new DkimReport(List.of(new DkimResult(DkimStatus.TEMPERROR, reason, null, null, null, null, null,
                false, -1)), null, 0);
    }
}
