package dev.authpack.dmarc;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A DMARC Policy Record as published, parsed by {@link DmarcRecordParser}. Tags that are absent or whose value is
 * invalid take their default (RFC 9989 §4.8: "syntax errors ... MUST be discarded in favor of default values");
 * {@link #invalidTags()} says which were invalid, because an invalid {@code p}, {@code sp} or {@code np} changes
 * how the whole record is used (RFC 9989 §4.10.1, RFC 7489 §6.6.3).
 *
 * @param text        the record text, as retrieved (character-strings joined)
 * @param p           the policy, or null when absent or invalid
 * @param sp          the subdomain policy, or null when absent or invalid
 * @param np          the non-existent subdomain policy (RFC 9989, RFC 9091), or null when absent or invalid
 * @param adkim       DKIM alignment, default relaxed
 * @param aspf        SPF alignment, default relaxed
 * @param pct         RFC 7489 sampling percentage, 0 to 100, default 100
 * @param testMode    {@code t=y} (RFC 9989)
 * @param psd         the {@code psd} flag (RFC 9989), default {@link PsdFlag#UNKNOWN}
 * @param fo          failure reporting options as written when valid, default {@code "0"}
 * @param rua         the syntactically valid aggregate report URIs (any {@code !size} suffix removed)
 * @param ruf         the syntactically valid failure report URIs
 * @param rf          RFC 7489 failure report format, default {@code "afrf"}
 * @param ri          RFC 7489 aggregate report interval in seconds, default 86400
 * @param invalidTags lower-case names of tags that were present but invalid (bad value, duplicated)
 * @param problems    human descriptions of everything ignored or defaulted, for diagnostics
 */
public record DmarcRecord(String text, DmarcPolicy p, DmarcPolicy sp, DmarcPolicy np, AlignmentMode adkim,
                          AlignmentMode aspf, int pct, boolean testMode, PsdFlag psd, String fo, List<String> rua,
                          List<String> ruf, String rf, long ri, Set<String> invalidTags, List<String> problems) {
    public static final int DEFAULT_PCT = 100;
    public static final long DEFAULT_RI = 86_400;

    public DmarcRecord {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(adkim, "adkim");
        Objects.requireNonNull(aspf, "aspf");
        Objects.requireNonNull(psd, "psd");
        Objects.requireNonNull(fo, "fo");
        Objects.requireNonNull(rf, "rf");
        rua = List.copyOf(rua);
        ruf = List.copyOf(ruf);
        invalidTags = Set.copyOf(invalidTags);
        problems = List.copyOf(problems);
    }

    /** Whether the tag was present with an invalid value (or more than once). */
    public boolean isInvalid(String tag) {
        return invalidTags.contains(tag);
    }
}
