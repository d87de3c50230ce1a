package dev.authpack.report;

import java.util.List;
import java.util.Objects;

/**
 * An abuse or authentication-failure report: RFC 5965 §3.1 / §3.2 fields and RFC 6591 §3.1 / §3.2 auth-failure
 * fields, or a provider's variant without Feedback-Type (then {@code feedbackType} is "abuse", as RFC 5965 §3.1
 * expects receivers to treat an unknown type). Strings are {@code null} and lists empty when absent; values are
 * unfolded, with angle brackets kept as written.
 */
public record FeedbackReport(String feedbackType, String userAgent, String version, String originalMailFrom,
                             List<String> originalRcptTo, String arrivalDate, String sourceIp,
                             List<String> reportedDomains, List<String> reportedUris, String incidents,
                             List<String> authenticationResults, String authFailure, String dkimDomain,
                             String dkimSelector, String dkimIdentity, String spfDns, String deliveryResult,
                             String identityAlignment, boolean standard, ReturnedMessage original)
        implements Report {
    public FeedbackReport {
        Objects.requireNonNull(feedbackType, "feedbackType");
        originalRcptTo = List.copyOf(originalRcptTo);
        reportedDomains = List.copyOf(reportedDomains);
        reportedUris = List.copyOf(reportedUris);
        authenticationResults = List.copyOf(authenticationResults);
        Objects.requireNonNull(original, "original");
    }
}
