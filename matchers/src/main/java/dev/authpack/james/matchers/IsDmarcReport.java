package dev.authpack.james.matchers;

import java.util.Map;

/**
 * Matches the recipients of a DMARC aggregate report (RFC 7489 §7.2, RFC 9990): an e-mail whose body or attachment
 * (XML, gzip or zip) holds XML with the root {@code feedback}, as receivers send to a domain's {@code rua=}
 * address; optionally only the recipients at given domains (docs/IsDmarcReport.md). The Subject of RFC 7489
 * §7.2.1.1 only makes the attachment worth reading; it proves nothing.
 *
 * <pre>{@code
 * <mailet match="dev.authpack.james.matchers.IsDmarcReport=dmarc.example.com" class="dev.authpack.james.mailets.LogReport"/>
 * <mailet match="dev.authpack.james.matchers.IsDmarcReport=dmarc.example.com" class="ToRepository">
 *   <repositoryPath>file://var/mail/dmarc-reports/</repositoryPath>
 * </mailet>
 * }</pre>
 *
 * <p>Condition: nothing (every recipient), or domain names separated by commas; anything else makes
 * {@link #init()} fail with a message saying what is accepted. The parse is kept as the {@code authpack.report}
 * attribute. {@link #match} never throws.
 */
public class IsDmarcReport extends ReportMatcher {
    @Override
    String name() {
        return "IsDmarcReport";
    }

    @Override
    boolean wanted(Map<String, Object> report) {
        return "dmarc_aggregate".equals(report.get("type"));
    }

    @Override
    public String getMatcherInfo() {
        return "authpack IsDmarcReport: the recipients (optionally at given domains) of a DMARC aggregate report";
    }
}
