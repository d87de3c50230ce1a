package dev.authpack.james.matchers;

import java.util.Map;

/**
 * Matches the recipients of a feedback report: RFC 5965 ARF (abuse, fraud, opt-out, ...), RFC 6591 auth-failure
 * reports and the provider variants without Feedback-Type, optionally only the recipients at given domains
 * (docs/IsArfReport.md).
 *
 * <pre>{@code
 * <mailet match="dev.authpack.james.matchers.IsArfReport=fbl.example.com" class="dev.authpack.james.mailets.LogReport"/>
 * <mailet match="dev.authpack.james.matchers.IsArfReport=fbl.example.com" class="Null"/>
 * }</pre>
 *
 * <p>Condition: nothing (every recipient), or domain names separated by commas; anything else makes
 * {@link #init()} fail with a message saying what is accepted. The parse is kept as the {@code authpack.report}
 * attribute. {@link #match} never throws.
 */
public class IsArfReport extends ReportMatcher {
    @Override
    String name() {
        return "IsArfReport";
    }

    @Override
    boolean wanted(Map<String, Object> report) {
        return "arf".equals(report.get("type"));
    }

    @Override
    public String getMatcherInfo() {
        return "authpack IsArfReport: the recipients (optionally at given domains) of a feedback report (ARF)";
    }
}
