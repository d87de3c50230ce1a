package dev.authpack.report;

import java.util.Locale;

/**
 * Why a recipient bounced, in sisimai's vocabulary (https://libsisimai.org/en/reason/), so that figures compare
 * with sisimai's. {@link #label()} is the lower-case name used in logs and the CLI.
 */
public enum Reason {
    AUTHFAILURE, BADREPUTATION, BLOCKED, CONTENTERROR, DELIVERED, EXCEEDLIMIT, EXPIRED, FAILEDSTARTTLS, FEEDBACK,
    FILTERED, HASMOVED, HOSTUNKNOWN, MAILBOXFULL, MAILERERROR, MESGTOOBIG, NETWORKERROR, NORELAYING, NOTACCEPT,
    NOTCOMPLIANTRFC, ONHOLD, POLICYVIOLATION, RATELIMITED, REJECTED, REQUIREPTR, SECURITYERROR, SPAMDETECTED,
    SPEEDING, SUSPEND, SYNTAXERROR, SYSTEMERROR, SYSTEMFULL, TOOMANYCONN, UNDEFINED, USERUNKNOWN, VACATION,
    VIRUSDETECTED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Whether the address itself is bad, so sending to it again is pointless (sisimai's "hard bounce"): unknown
     * user or host, moved address, and a domain that accepts no mail, the last only for a permanent status.
     */
    public boolean isHardBounce(String status) {
        return switch (this) {
            case USERUNKNOWN, HOSTUNKNOWN, HASMOVED -> true;
            case NOTACCEPT -> status != null && status.startsWith("5");
            default -> false;
        };
    }
}
