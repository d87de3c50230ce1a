package dev.authpack.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link Report} as a tree of plain values (ordered maps with snake_case keys, lists, strings, booleans; a field
 * that is absent is {@code null}), in the shape of {@code authpack report} (docs/cli.md): {@code type} is
 * {@code dsn}, {@code arf} or {@code none}. The same tree is the {@code authpack.report} mail attribute and the
 * source of the {@code LogReport} lines, so the three never disagree.
 */
public final class ReportFields {
    private ReportFields() {
    }

    public static Map<String, Object> of(Report report) {
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
        } else {
            NotAReport n = (NotAReport) report;
            out.put("type", "none");
            out.put("kind", n.kind().name().toLowerCase(java.util.Locale.ROOT));
            out.put("reason", n.reason());
        }
        return out;
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
