package dev.authpack.dmarc;

import java.util.List;

/**
 * "The strictest policy published among the author domains seen", which {@link UnverifiableDisposition#STRICTEST}
 * gives a message DMARC cannot verify: for an author domain whose record is known, what that record asks for it;
 * otherwise the strictest policy among the records that have arrived for the names of its policy discovery (its
 * tree walk, or the author and its Public Suffix List organizational domain). {@code t=y} counts (RFC 9989).
 */
final class SeenPolicies {
    private SeenPolicies() {
    }

    /**
     * What {@code record}, found at {@code policyDomain}, asks for mail from {@code author}: {@code p} at the
     * author domain, else the stricter of {@code sp} and {@code np} (whether the subdomain exists is not always
     * known when the message cannot be verified); one level down under {@code t=y} in RFC 9989 mode.
     */
    static DmarcPolicy applying(DmarcRecord record, String policyDomain, String author, DmarcMode mode) {
        DmarcPolicy p = record.p() == null ? DmarcPolicy.NONE : record.p();
        DmarcPolicy policy;
        if (policyDomain.equals(author)) {
            policy = p;
        } else {
            DmarcPolicy sp = record.sp() == null ? p : record.sp();
            policy = record.np() == null ? sp : sp.stricter(record.np());
        }
        return mode == DmarcMode.RFC9989 && record.testMode() ? policy.oneLevelDown() : policy;
    }

    /** The strictest policy among the records that have arrived for {@code author}'s policy discovery. */
    static DmarcPolicy along(String author, DmarcMode mode, DmarcLookups lookups) {
        List<String> names = mode == DmarcMode.RFC9989 ? TreeWalk.targets(author)
                : List.of(author, PublicSuffixOrgDomain.of(author));
        DmarcPolicy strictest = DmarcPolicy.NONE;
        for (String name : names) {
            PolicyLookup l = lookups.answered(name);
            if (l != null && l.found()) {
                strictest = strictest.stricter(applying(l.record(), name, author, mode));
            }
        }
        return strictest;
    }

    /** The strictest policy seen for the author domain of {@code result}. */
    static DmarcPolicy of(DmarcResult result, DmarcLookups lookups) {
        if (result.record() != null && result.policyDomain() != null) {
            return applying(result.record(), result.policyDomain(), result.fromDomain(), result.mode());
        }
        return result.fromDomain() == null ? DmarcPolicy.NONE : along(result.fromDomain(), result.mode(), lookups);
    }

    /** The strictest policy seen for any of {@code authors}. */
    static DmarcPolicy ofAll(List<String> authors, DmarcMode mode, DmarcLookups lookups) {
        DmarcPolicy strictest = DmarcPolicy.NONE;
        for (String a : authors) {
            strictest = strictest.stricter(along(a, mode, lookups));
        }
        return strictest;
    }
}
