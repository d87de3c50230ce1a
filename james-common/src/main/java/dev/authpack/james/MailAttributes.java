package dev.authpack.james;

import dev.authpack.authres.AuthResultsHeader;
import dev.authpack.authres.AuthResultsParser;
import dev.authpack.authres.AuthResultsWriter;
import dev.authpack.authres.MethodResult;
import dev.authpack.authres.ResultProperty;
import dev.authpack.check.AuthCheckReport;
import dev.authpack.check.SmtpAuthResult;
import dev.authpack.arc.ArcChainSummary;
import dev.authpack.arc.ArcResult;
import dev.authpack.arc.ArcSet;
import dev.authpack.arc.ArcStatus;
import dev.authpack.dkim.DkimReport;
import dev.authpack.dmarc.DmarcResult;
import dev.authpack.dkim.DkimResult;
import dev.authpack.iprev.IprevResult;
import dev.authpack.spf.SpfResult;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The mail-attribute contract of the pack, documented in docs/MailAuthCheck.md ("Attributes"): the names, how
 * {@code MailAuthCheck} stores its results, and how mailets and matchers read them back. The one place that knows
 * the attribute values' shape. Values are maps of strings (and lists of them), so they survive James' JSON
 * serialisation of attributes in queues and repositories. Readers do not throw: a value that is not as documented
 * (another mailet wrote it, an older release) reads as absent; but {@link #results}, which is read whole or not at
 * all, throws {@link UnreadableResults} (review s22: never a partial set of results).
 */
public final class MailAttributes {
    /** One map per DKIM-Signature, top to bottom (a list; empty for an unsigned message). */
    public static final AttributeName DKIM = AttributeName.of("authpack.dkim");
    public static final AttributeName SPF = AttributeName.of("authpack.spf");
    /** Map: result, domain, policy, disposition (after local policy), ... (docs/MailAuthCheck.md). */
    public static final AttributeName DMARC = AttributeName.of("authpack.dmarc");
    /** The disposition DMARC asks for after local policy: {@code none}, {@code quarantine} or {@code reject}. */
    public static final AttributeName DMARC_DISPOSITION = AttributeName.of("authpack.dmarc.disposition");
    /** Map: result, reason, oldest_pass, sets (list of maps: instance, seal_domain, cv, authserv_id, ...). */
    public static final AttributeName ARC = AttributeName.of("authpack.arc");
    public static final AttributeName SPF_HELO = AttributeName.of("authpack.spf-helo");
    public static final AttributeName IPREV = AttributeName.of("authpack.iprev");
    public static final AttributeName SMTP_AUTH = AttributeName.of("authpack.smtp-auth");
    /**
     * All resinfos of the check, in header order, as one string: the body of our {@code Authentication-Results}
     * field on one line ({@code serverId; method=result reason=... ptype.property=value; ...}, RFC 8601 syntax,
     * written by {@link AuthResultsWriter} with its bounds), read back with {@link AuthResultsParser}. One string
     * instead of a list of maps: a mail's attributes were half this list (about 5 KB of objects a mail, kept and
     * copied with the mail; docs/benchmarks.md). Earlier builds stored a list of maps
     * {method, result, reason?, properties{ptype.property: value}}, which {@link #results} still reads.
     */
    public static final AttributeName RESULTS = AttributeName.of("authpack.results");
    /**
     * The bounce, feedback or DMARC aggregate report read from the message by {@code IsOobBounce},
     * {@code IsArfReport}, {@code IsDmarcReport} or {@code LogReport}, parsed once per mail: a map in the shape of
     * {@code authpack report} (docs/reports.md; {@code type} dsn, arf, dmarc_aggregate or none; absent fields left
     * out; counts and dates as longs). Read and written by {@link MailReports}.
     */
    public static final AttributeName REPORT = AttributeName.of("authpack.report");
    /** The authserv-id the results were made under. */
    public static final AttributeName AUTHSERV_ID = AttributeName.of("authpack.authserv-id");
    /** More resinfos than any check writes: the rest is not read. */
    public static final int MAX_RESULTS = 100;

    private MailAttributes() {
    }

    public static void store(Mail mail, String authservId, AuthCheckReport report) {
        store(mail, authservId, report, report.methodResults());
    }

    /** {@link #store(Mail, String, AuthCheckReport)} with the report's resinfos already made. */
    public static void store(Mail mail, String authservId, AuthCheckReport report, List<MethodResult> resinfos) {
        store(mail, authservId, report, resinfos, AuthResultsWriter.headerValue(authservId, resinfos));
    }

    /**
     * {@link #store(Mail, String, AuthCheckReport)} with the field body already written
     * ({@link AuthResultsWriter#headerValue} of {@code authservId} and the report's resinfos), as MailAuthCheck
     * writes it into the message too: written once a mail.
     */
    public static void store(Mail mail, String authservId, AuthCheckReport report, List<MethodResult> resinfos,
                             String fieldValue) {
        report.dkim().ifPresent(v -> mail.setAttribute(new Attribute(DKIM, dkim(v))));
        report.spf().ifPresent(v -> mail.setAttribute(new Attribute(SPF, spf(v))));
        report.dmarc().ifPresent(v -> {
            mail.setAttribute(new Attribute(DMARC, dmarc(v, report)));
            mail.setAttribute(new Attribute(DMARC_DISPOSITION, AttributeValue.of(report.dmarcDisposition().word())));
        });
        report.arc().ifPresent(v -> mail.setAttribute(new Attribute(ARC, arc(v))));
        report.spfHelo().ifPresent(v -> mail.setAttribute(new Attribute(SPF_HELO, spf(v))));
        report.iprev().ifPresent(v -> mail.setAttribute(new Attribute(IPREV, iprev(v))));
        report.smtpAuth().ifPresent(v -> mail.setAttribute(new Attribute(SMTP_AUTH, smtpAuth(v))));
        mail.setAttribute(new Attribute(RESULTS, results(resinfos, fieldValue)));
        mail.setAttribute(new Attribute(AUTHSERV_ID, AttributeValue.of(authservId)));
    }

    /**
     * The resinfos stored by {@link #store}, in header order, or empty when the check did not run on this mail.
     * All of them or none (review s22): results that cannot be read whole ({@link #resultsUnreadable}) throw, so that
     * no field, seal or decision is ever made from the part that could be read (an entry that does not read may be
     * the {@code dmarc=fail}).
     *
     * @throws UnreadableResults when {@link #RESULTS} is set but cannot be read as {@link #store} writes it
     */
    public static Optional<List<MethodResult>> results(Mail mail) {
        Read read = read(mail);
        if (read.unreadable() != null) {
            throw new UnreadableResults(read.unreadable());
        }
        return read.results();
    }

    /**
     * Why the stored results cannot be read as {@link #store} writes them, when {@link #RESULTS} is set: a value of
     * another type, a text that does not parse as a field body, more than {@link #MAX_RESULTS} entries, an entry that
     * is not a resinfo (a method and a result), or no {@link #AUTHSERV_ID} beside them. Empty when they are absent
     * (the check did not run) or readable. The one rule {@link #results} refuses by (review s22: read in part, they
     * lost {@code dmarc=fail} from {@code HasAuthResult}'s test, AddAuthResults' field and ArcSeal's seal).
     */
    public static Optional<String> resultsUnreadable(Mail mail) {
        return Optional.ofNullable(read(mail).unreadable());
    }

    /**
     * Results stored as {@link #store} does not write them: none of them may be used ({@link #resultsUnreadable}).
     * Unchecked: every reader of them in the pack already fails closed on any exception (a mailet sends the mail to
     * the error processor or does not seal it, a matcher reads no pass), and so does James for one let out.
     */
    public static final class UnreadableResults extends IllegalStateException {
        UnreadableResults(String reason) {
            super(reason);
        }
    }

    /** {@link #RESULTS} read: the results (empty: not set), or why they cannot be read whole (else null). */
    private record Read(Optional<List<MethodResult>> results, String unreadable) {
        static Read unreadable(String why) {
            return new Read(Optional.empty(), RESULTS.asString() + " " + why);
        }
    }

    private static Read read(Mail mail) {
        Optional<Attribute> attribute = mail.getAttribute(RESULTS);
        if (attribute.isEmpty()) {
            return new Read(Optional.empty(), null);
        }
        Object stored = attribute.get().getValue().value();
        List<MethodResult> out;
        if (stored instanceof String text) {
            // the parser refuses a field of more than MAX_RESULTS resinfos: none is left out
            Optional<AuthResultsHeader> header = AuthResultsParser.parse(text).header();
            if (header.isEmpty()) {
                return Read.unreadable("is a text that does not parse as a field body");
            }
            out = header.get().results();
        } else if (stored instanceof Collection<?> values) {
            out = new ArrayList<>();
            for (Object value : values) {
                // more entries than any check writes are not as stored: the rest would go unread
                if (out.size() == MAX_RESULTS) {
                    return Read.unreadable("has more than " + MAX_RESULTS + " entries");
                }
                Optional<MethodResult> resinfo = unwrap(value) instanceof Map<?, ?> map ? readResinfo(map)
                        : Optional.empty();
                if (resinfo.isEmpty()) {
                    return Read.unreadable("entry " + (out.size() + 1) + " is not a resinfo (a method and a result)");
                }
                out.add(resinfo.get());
            }
        } else {
            return Read.unreadable("is a " + (stored == null ? "null" : stored.getClass().getSimpleName())
                    + ", not a list or a text");
        }
        if (authservId(mail).isEmpty()) {
            return Read.unreadable("is set but " + AUTHSERV_ID.asString() + " is not");
        }
        return new Read(Optional.of(List.copyOf(out)), null);
    }

    /** The authserv-id the stored results were made under; empty when the check did not run (or it is blank). */
    public static Optional<String> authservId(Mail mail) {
        return string(mail, AUTHSERV_ID);
    }

    /**
     * The disposition DMARC asks for after local policy ({@link #DMARC_DISPOSITION}), lower case; empty when DMARC
     * was not checked.
     */
    public static Optional<String> dmarcDisposition(Mail mail) {
        return string(mail, DMARC_DISPOSITION).map(v -> v.toLowerCase(java.util.Locale.ROOT));
    }

    /** The ARC chain validation stored in {@link #ARC}, or empty when the check did not validate this mail. */
    public static Optional<ArcChainSummary> arc(Mail mail) {
        return mail.getAttribute(ARC).flatMap(a -> readArc(a.getValue().value()));
    }

    private static Optional<String> string(Mail mail, AttributeName name) {
        return mail.getAttribute(name).map(a -> a.getValue().value())
                .filter(String.class::isInstance).map(String.class::cast).map(String::strip)
                .filter(v -> !v.isEmpty());
    }

    private static Optional<ArcChainSummary> readArc(Object value) {
        if (!(value instanceof Map<?, ?> map) || !(unwrap(map.get("result")) instanceof String word)) {
            return Optional.empty();
        }
        for (ArcStatus status : ArcStatus.values()) {
            if (status.word().equals(word)) {
                String reason = unwrap(map.get("reason")) instanceof String r ? r : null;
                int oldestPass = unwrap(map.get("oldest_pass")) instanceof Number n ? n.intValue() : -1;
                int sets = unwrap(map.get("sets")) instanceof Collection<?> c ? c.size() : 0;
                boolean overload = Boolean.TRUE.equals(unwrap(map.get("local_overload")));
                return Optional.of(new ArcChainSummary(status, reason, oldestPass, sets, overload));
            }
        }
        return Optional.empty();
    }

    private static AttributeValue<?> dkim(DkimReport report) {
        List<AttributeValue<?>> signatures = new ArrayList<>(report.results().size());
        for (DkimResult r : report.results()) {
            CompactAttributeMap.Builder map = CompactAttributeMap.builder();
            map.put("result", r.status().word());
            map.put("domain", r.domain());
            map.put("identity", r.identity());
            map.put("selector", r.selector());
            map.put("algorithm", r.algorithm());
            map.put("b", r.signatureStart());
            map.put("reason", r.reason());
            map.put("testing", AttributeValue.of(r.testing()));
            localOverload(map, r.localOverload());
            signatures.add(map.build());
        }
        if (report.error() != null) {
            CompactAttributeMap.Builder map = CompactAttributeMap.builder();
            map.put("result", "permerror");
            map.put("reason", report.error());
            signatures.add(map.build());
        }
        return AttributeValue.of(signatures);
    }

    private static AttributeValue<?> dmarc(DmarcResult v, AuthCheckReport report) {
        CompactAttributeMap.Builder map = CompactAttributeMap.builder();
        map.put("result", v.status().word());
        map.put("domain", v.fromDomain());
        map.put("policy_domain", v.policyDomain());
        map.put("policy", v.policy() == null ? null : v.policy().word());
        map.put("requested_disposition", v.disposition().word());
        map.put("disposition", report.dmarcDisposition().word());
        map.put("spf_aligned", AttributeValue.of(v.spfAligned()));
        map.put("dkim_aligned", AttributeValue.of(v.dkimAligned()));
        map.put("test_mode", AttributeValue.of(v.testMode()));
        map.put("mode", v.mode().name().toLowerCase(java.util.Locale.ROOT));
        map.put("reason", v.reason());
        localOverload(map, v.localOverload());
        report.dmarcOverride().ifPresent(o -> {
            map.put("override", "local_policy");
            map.put("override_sealer", o.sealer());
            map.put("override_reason", o.reason());
        });
        return map.build();
    }

    private static AttributeValue<?> arc(ArcResult v) {
        CompactAttributeMap.Builder map = CompactAttributeMap.builder();
        map.put("result", v.status().word());
        map.put("reason", v.reason());
        map.put("oldest_pass", AttributeValue.of(v.oldestPass()));
        localOverload(map, v.localOverload());
        List<AttributeValue<?>> sets = new ArrayList<>(v.sets().size());
        for (ArcSet set : v.sets()) {
            CompactAttributeMap.Builder s = CompactAttributeMap.builder();
            s.put("instance", AttributeValue.of(set.instance()));
            s.put("seal_domain", set.sealDomain());
            s.put("seal_selector", set.sealSelector());
            s.put("cv", set.cv());
            s.put("ams_domain", set.amsDomain());
            s.put("authserv_id", set.authservId());
            s.put("auth_results", set.authResults());
            s.put("ams", set.ams().name().toLowerCase(java.util.Locale.ROOT));
            s.put("seal", set.seal().name().toLowerCase(java.util.Locale.ROOT));
            sets.add(s.build());
        }
        map.put("sets", AttributeValue.of(sets));
        return map.build();
    }

    private static AttributeValue<?> spf(SpfResult v) {
        CompactAttributeMap.Builder map = CompactAttributeMap.builder();
        map.put("result", v.status().word());
        map.put("identity", v.identity().word());
        map.put("domain", v.domain());
        map.put("mechanism", v.mechanism());
        map.put("explanation", v.explanation());
        map.put("reason", v.reason());
        map.put("lookups", AttributeValue.of(v.lookups()));
        map.put("void_lookups", AttributeValue.of(v.voidLookups()));
        localOverload(map, v.localOverload());
        return map.build();
    }

    /**
     * {@code local_overload} = {@code true} for a result of this server's own DNS overload: a lookup not sent, which
     * says nothing about the domain's DNS (docs/dmarc.md, "Fail-closed rules", rule 9); nothing otherwise.
     */
    private static void localOverload(CompactAttributeMap.Builder map, boolean overload) {
        if (overload) {
            map.put("local_overload", AttributeValue.of(true));
        }
    }

    private static AttributeValue<?> iprev(IprevResult v) {
        CompactAttributeMap.Builder map = CompactAttributeMap.builder();
        map.put("result", v.status().word());
        map.put("ip", v.ip());
        List<AttributeValue<?>> names = new ArrayList<>(v.names().size());
        for (String name : v.names()) {
            names.add(AttributeValue.of(name));
        }
        map.put("names", AttributeValue.of(names));
        map.put("reason", v.reason());
        localOverload(map, v.localOverload());
        return map.build();
    }

    private static AttributeValue<?> smtpAuth(SmtpAuthResult v) {
        CompactAttributeMap.Builder map = CompactAttributeMap.builder();
        map.put("result", v.status().word());
        map.put("user", v.user().orElse(null));
        return map.build();
    }

    /**
     * {@link #RESULTS}: the field body as our field has it, its folds (CRLF and a tab) made single spaces; but when
     * the field's size bound left resinfos out (a sender can make names and reasons long enough, with ten DKIM
     * signatures), the list of maps of earlier builds, so that no result, DMARC's least of all, is missing from what
     * our own matchers read.
     */
    static AttributeValue<?> results(List<MethodResult> resinfos, String fieldValue) {
        if (AuthResultsWriter.listsAll(fieldValue)) {
            return AttributeValue.of(resultsText(fieldValue));
        }
        List<AttributeValue<?>> list = new ArrayList<>(resinfos.size());
        for (MethodResult result : resinfos) {
            CompactAttributeMap.Builder properties = CompactAttributeMap.builder();
            for (ResultProperty p : result.properties()) {
                properties.put(p.ptype() + "." + p.property(), p.value());
            }
            list.add(CompactAttributeMap.builder().put("method", result.method()).put("result", result.result())
                    .put("reason", result.reason()).put("properties", properties.build()).build());
        }
        return AttributeValue.of(list);
    }

    static String resultsText(String fieldValue) {
        // each fold (CRLF and a tab, the writer's only one) becomes a space; what String.replace gives, in one copy
        int fold = fieldValue.indexOf('\r');
        if (fold < 0) {
            return fieldValue;
        }
        StringBuilder out = new StringBuilder(fieldValue.length());
        int from = 0;
        while (fold >= 0) {
            out.append(fieldValue, from, fold);
            if (fieldValue.startsWith("\r\n\t", fold)) {
                out.append(' ');
                from = fold + 3;
            } else {
                out.append('\r');
                from = fold + 1;
            }
            fold = fieldValue.indexOf('\r', from);
        }
        return out.append(fieldValue, from, fieldValue.length()).toString();
    }

    /** A resinfo in the list-of-maps form of earlier releases. */
    private static Optional<MethodResult> readResinfo(Map<?, ?> map) {
        if (!(unwrap(map.get("method")) instanceof String method) || method.isBlank()
                || !(unwrap(map.get("result")) instanceof String result) || result.isBlank()) {
            return Optional.empty();
        }
        String reason = unwrap(map.get("reason")) instanceof String s ? s : null;
        List<ResultProperty> properties = new ArrayList<>();
        if (unwrap(map.get("properties")) instanceof Map<?, ?> props) {
            for (Map.Entry<?, ?> e : props.entrySet()) {
                String key = String.valueOf(e.getKey());
                int dot = key.indexOf('.');
                if (dot > 0 && dot < key.length() - 1 && unwrap(e.getValue()) instanceof String value) {
                    properties.add(new ResultProperty(key.substring(0, dot), key.substring(dot + 1), value));
                }
            }
        }
        return Optional.of(new MethodResult(method, result, reason, properties));
    }

    /** James wraps the members of list and map values in AttributeValue; after JSON they may be plain. */
    static Object unwrap(Object value) {
        return value instanceof AttributeValue<?> av ? av.value() : value;
    }
}
