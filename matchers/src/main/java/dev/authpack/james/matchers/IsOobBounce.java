package dev.authpack.james.matchers;

import java.util.Map;

/**
 * Matches the recipients of a bounce: an RFC 3464 / RFC 6533 delivery status notification or a non-standard text
 * bounce with at least one failed or delayed recipient (a success notification does not match), optionally only
 * the recipients at given domains (docs/IsOobBounce.md).
 *
 * <pre>{@code
 * <mailet match="dev.authpack.james.matchers.IsOobBounce=bounce.example.com" class="dev.authpack.james.mailets.LogReport"/>
 * <mailet match="dev.authpack.james.matchers.IsOobBounce=bounce.example.com" class="ToRepository">
 *   <repositoryPath>file://var/mail/bounces/</repositoryPath>
 * </mailet>
 * }</pre>
 *
 * <p>Condition: nothing (every recipient), or domain names separated by commas; anything else makes
 * {@link #init()} fail with a message saying what is accepted. The parse is kept as the {@code authpack.report}
 * attribute. {@link #match} never throws.
 */
public class IsOobBounce extends ReportMatcher {
    @Override
    String name() {
        return "IsOobBounce";
    }

    @Override
    boolean wanted(Map<String, Object> report) {
        return "dsn".equals(report.get("type")) && !failedRecipients(report).isEmpty();
    }

    @Override
    public String getMatcherInfo() {
        return "authpack IsOobBounce: the recipients (optionally at given domains) of a bounce (DSN or text bounce)";
    }
}
