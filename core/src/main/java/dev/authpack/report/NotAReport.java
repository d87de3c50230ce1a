package dev.authpack.report;

import java.util.Objects;

/**
 * The message is not a report: ordinary mail, an RFC 3834 auto-reply, or a message that could not be read within
 * the limits. {@code reason} says which, in a few words (for logs; not a stable vocabulary).
 */
public record NotAReport(Kind kind, String reason) implements Report {
    /** Why the message is not a report. */
    public enum Kind {
        /** Ordinary mail: nothing marks it as a report. */
        ORDINARY,
        /** An RFC 3834 auto-reply (vacation, out of office). */
        AUTO_REPLY,
        /** Looked like a report, but no report content was found. */
        NO_REPORT_CONTENT,
        /** The message could not be parsed within the limits. */
        UNPARSEABLE
    }

    public NotAReport {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(reason, "reason");
    }
}
