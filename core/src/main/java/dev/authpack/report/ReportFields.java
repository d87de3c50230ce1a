package dev.authpack.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link Report} as a tree of plain values (ordered maps with snake_case keys, lists, strings, booleans; a field
 * that is absent is {@code null}), in the shape of {@code authpack report} (docs/cli.md): {@code type} is
 * {@code dsn}, {@code arf}, {@code dmarc_aggregate} or {@code none}; numbers are {@link Long}. The same tree is the {@code authpack.report} mail attribute and the
 * source of the {@code LogReport} lines, so the three never disagree.
 *
 * <p>A DMARC aggregate report's {@code records} list holds the first of the records kept: at most
 * {@value #LISTED_RECORDS} of them with at most {@value #LISTED_RESULTS} DKIM and SPF results and reasons in all
 * ({@link #of(Report)}, the mail attribute), or as many as the caller asks ({@link #of(Report, int)}, the command
 * line: all kept, within {@link ReportLimits#maxRecords()} and {@link ReportLimits#maxKeptResults()}); its
 * {@code summary} counts every record of the report, and {@code summary.records_kept} says how many were kept.
 */
public final class ReportFields {
    /**
     * Records of a DMARC aggregate report listed in the mail attribute (the first ones): the summary is what
     * matchers and LogReport read, the stored mail keeps the report whole; 100 records of at most a few hundred
     * results each keep the attribute to a few hundred KB at worst (review s20: 35 MB before).
     */
    public static final int LISTED_RECORDS = 100;
    /** DKIM and SPF results and reasons of the records listed in the mail attribute, in all. */
    public static final int LISTED_RESULTS = 1_000;
    /** At most this many sources in {@code summary.top_failing_sources}. */
    public static final int TOP_FAILING_SOURCES = AggregateReport.TOP_FAILING_SOURCES;

    private ReportFields() {
    }

    /**
     * The report's tree, with the first records of an aggregate report within {@value #LISTED_RECORDS} records and
     * {@value #LISTED_RESULTS} results.
     */
    public static Map<String, Object> of(Report report) {
        return of(report, LISTED_RECORDS, LISTED_RESULTS);
    }

    /** The report's tree, with at most {@code maxRecords} records of an aggregate report (the first ones). */
    public static Map<String, Object> of(Report report, int maxRecords) {
        return of(report, maxRecords, Integer.MAX_VALUE);
    }

    private static Map<String, Object> of(Report report, int maxRecords, int maxResults) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (report instanceof DeliveryReport dsn) {
            out.put("type", "dsn");
            out.put("source", dsn.source().label());
            out.put("reporting_mta", dsn.reportingMta());
            out.put("original_envelope_id", dsn.originalEnvelopeId());
            out.put("arrival_date", dsn.arrivalDate());
            List<Object> recipients = new ArrayList<>();
            for (RecipientReport r : dsn.recipients()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("final_recipient", r.finalRecipient());
                m.put("original_recipient", r.originalRecipient());
                m.put("action", r.action());
                m.put("status", r.status());
                m.put("diagnostic_code", r.diagnosticCode());
                m.put("remote_mta", r.remoteMta());
                m.put("reply_code", r.replyCode());
                m.put("last_attempt_date", r.lastAttemptDate());
                m.put("reason", r.reason().label());
                m.put("hard_bounce", r.hardBounce());
                recipients.add(m);
            }
            out.put("recipients", recipients);
            out.put("original", original(dsn.original()));
        } else if (report instanceof FeedbackReport f) {
            out.put("type", "arf");
            out.put("feedback_type", f.feedbackType());
            out.put("user_agent", f.userAgent());
            out.put("version", f.version());
            out.put("original_mail_from", f.originalMailFrom());
            out.put("original_rcpt_to", List.copyOf(f.originalRcptTo()));
            out.put("source_ip", f.sourceIp());
            out.put("arrival_date", f.arrivalDate());
            out.put("reported_domain", List.copyOf(f.reportedDomains()));
            out.put("reported_uri", List.copyOf(f.reportedUris()));
            out.put("incidents", f.incidents());
            out.put("authentication_results", List.copyOf(f.authenticationResults()));
            out.put("auth_failure", f.authFailure());
            out.put("dkim_domain", f.dkimDomain());
            out.put("dkim_selector", f.dkimSelector());
            out.put("dkim_identity", f.dkimIdentity());
            out.put("spf_dns", f.spfDns());
            out.put("delivery_result", f.deliveryResult());
            out.put("identity_alignment", f.identityAlignment());
            out.put("standard", f.standard());
            out.put("original", original(f.original()));
        } else if (report instanceof AggregateReport a) {
            aggregate(a, out, maxRecords, maxResults);
        } else {
            NotAReport n = (NotAReport) report;
            out.put("type", "none");
            out.put("kind", n.kind().name().toLowerCase(java.util.Locale.ROOT));
            out.put("reason", n.reason());
        }
        return out;
    }

    private static void aggregate(AggregateReport a, Map<String, Object> out, int maxRecords, int maxResults) {
        out.put("type", "dmarc_aggregate");
        out.put("version", a.version());
        out.put("xml_namespace", a.namespace());
        out.put("compression", a.compression());
        out.put("file_name", a.fileName());
        out.put("truncated", a.truncated());
        out.put("problem", a.problem());
        AggregateReport.Metadata m = a.metadata();
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("org_name", m.orgName());
        meta.put("email", m.email());
        meta.put("extra_contact_info", m.extraContactInfo());
        meta.put("report_id", m.reportId());
        Map<String, Object> range = new LinkedHashMap<>();
        range.put("begin", m.begin());
        range.put("end", m.end());
        meta.put("date_range", range);
        meta.put("errors", m.errors());
        meta.put("generator", m.generator());
        out.put("report_metadata", meta);
        AggregateReport.PolicyPublished p = a.policy();
        Map<String, Object> policy = new LinkedHashMap<>();
        policy.put("domain", p.domain());
        policy.put("adkim", p.adkim());
        policy.put("aspf", p.aspf());
        policy.put("p", p.p());
        policy.put("sp", p.sp());
        policy.put("np", p.np());
        policy.put("pct", p.pct());
        policy.put("fo", p.fo());
        policy.put("testing", p.testing());
        policy.put("discovery_method", p.discoveryMethod());
        out.put("policy_published", policy);
        List<Object> records = new ArrayList<>();
        long results = 0;
        for (AggregateReport.Row r : a.records()) {
            results += r.dkimResults().size() + r.spfResults().size() + r.reasons().size();
            if (records.size() >= maxRecords || results > maxResults) {
                break;
            }
            records.add(row(r));
        }
        out.put("records", records);
        out.put("summary", summary(a));
    }

    private static Map<String, Object> row(AggregateReport.Row r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source_ip", r.sourceIp());
        m.put("count", r.count());
        Map<String, Object> evaluated = new LinkedHashMap<>();
        evaluated.put("disposition", r.disposition());
        evaluated.put("dkim", r.dkim());
        evaluated.put("spf", r.spf());
        List<Object> reasons = new ArrayList<>();
        for (AggregateReport.Reason reason : r.reasons()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("type", reason.type());
            x.put("comment", reason.comment());
            reasons.add(x);
        }
        evaluated.put("reasons", reasons);
        m.put("policy_evaluated", evaluated);
        Map<String, Object> ids = new LinkedHashMap<>();
        ids.put("header_from", r.headerFrom());
        ids.put("envelope_from", r.envelopeFrom());
        ids.put("envelope_to", r.envelopeTo());
        m.put("identifiers", ids);
        List<Object> dkim = new ArrayList<>();
        for (AggregateReport.DkimResult d : r.dkimResults()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("domain", d.domain());
            x.put("selector", d.selector());
            x.put("result", d.result());
            x.put("human_result", d.humanResult());
            dkim.add(x);
        }
        List<Object> spf = new ArrayList<>();
        for (AggregateReport.SpfResult s : r.spfResults()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("domain", s.domain());
            x.put("scope", s.scope());
            x.put("result", s.result());
            x.put("human_result", s.humanResult());
            spf.add(x);
        }
        Map<String, Object> auth = new LinkedHashMap<>();
        auth.put("dkim", dkim);
        auth.put("spf", spf);
        m.put("auth_results", auth);
        return m;
    }

    /** The report's {@link AggregateReport.Summary}, and how many records were kept. */
    private static Map<String, Object> summary(AggregateReport a) {
        AggregateReport.Summary s = a.summary();
        List<Object> top = new ArrayList<>();
        for (AggregateReport.SourceCount source : s.topFailingSources()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("source_ip", source.sourceIp());
            x.put("count", source.count());
            top.add(x);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("records", s.records());
        m.put("records_kept", (long) a.records().size());
        m.put("total_messages", s.totalMessages());
        m.put("dkim_unaligned", s.dkimUnaligned());
        m.put("spf_unaligned", s.spfUnaligned());
        m.put("dmarc_failing", s.dmarcFailing());
        m.put("top_failing_sources", top);
        return m;
    }

    private static Map<String, Object> original(ReturnedMessage original) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("message_id", original.messageId());
        m.put("from", original.from());
        m.put("to", original.to());
        m.put("subject", original.subject());
        return m;
    }
}
