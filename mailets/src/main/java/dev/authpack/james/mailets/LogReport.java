package dev.authpack.james.mailets;

import dev.authpack.james.InitParameters;
import dev.authpack.report.Verp;
import dev.authpack.james.MailReports;
import dev.authpack.report.JsonLine;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.mail.MessagingException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Logs a bounce or feedback report as JSON lines to a dedicated SLF4J logger (docs/LogReport.md): one line per
 * failed or delayed recipient of a bounce ({@code "type": "Bounce"}), one line per feedback report
 * ({@code "type": "Feedback"}), one line per DMARC aggregate report ({@code "type": "DmarcAggregate"}: its
 * summary), with KumoMTA's log record fields where they apply. Mail that is not a report is
 * not logged. The mail is left as it is: what happens next (relay, drop with {@code Null}, keep with
 * {@code ToRepository}) is up to the next mailets. Uses the {@code authpack.report} attribute when
 * {@code IsOobBounce}, {@code IsArfReport} or {@code IsDmarcReport} already parsed the message, else parses it once itself.
 *
 * <pre>{@code
 * <mailet match="dev.authpack.james.matchers.IsOobBounce=bounce.example.com" class="dev.authpack.james.mailets.LogReport">
 *   <logger>authpack.report</logger>
 * </mailet>
 * }</pre>
 *
 * <p>Parameter {@code logger}: the SLF4J logger name (default {@value #DEFAULT_LOGGER}); lines are logged at INFO.
 * {@code verpPrefix} and {@code verpDelimiter}: see docs/LogReport.md. Any other parameter stops James at start.
 * Every value comes from the sender and is JSON-escaped ({@link JsonLine}), so a line is always one line.
 * {@link #service} never throws.
 */
public class LogReport extends GenericMailet {
    public static final String DEFAULT_LOGGER = "authpack.report";
    private static final Logger LOGGER = LoggerFactory.getLogger(LogReport.class);
    private static final Pattern LOGGER_NAME = Pattern.compile("[A-Za-z0-9_$.\\-]{1,200}");
    /** At most this many lines per mail (a report's recipients are bounded by the parser as well). */
    static final int MAX_LINES_PER_MAIL = 1000;
    /**
     * At most this many octets of lines per mail (UTF-8, each line with its line end): a line repeats the report's
     * shared fields (the returned original's Subject, From, To, ...; up to 2000 characters each, up to 3 octets each
     * as JsonLine keeps non-ASCII text), so 1000 recipients of an 80 KB DSN wrote 8.1 MB (review s21, measured in
     * ReviewS21LogReportTest). The lines past it are dropped and counted in a last {@code "type": "Truncated"} line,
     * which is within the bound too.
     */
    static final int MAX_OCTETS_PER_MAIL = 1024 * 1024;
    /** Every parameter; any other stops James at start (a misspelt {@code verpPrefix} would turn VERP off). */
    static final Set<String> PARAMETERS = Set.of("logger", "verpPrefix", "verpDelimiter");

    private Logger out = LoggerFactory.getLogger(DEFAULT_LOGGER);
    /** {@code verpPrefix}/{@code verpDelimiter}: decode the failed recipient from our VERP bounce address. */
    private Optional<Verp> verp = Optional.empty();
    private final Clock clock;

    public LogReport() {
        this(Clock.systemUTC());
    }

    LogReport(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void init() throws MessagingException {
        InitParameters.check("LogReport", getMailetConfig(), PARAMETERS);
        String name = getInitParameter("logger", DEFAULT_LOGGER).strip();
        if (!LOGGER_NAME.matcher(name).matches()) {
            throw new MessagingException("LogReport: bad logger '" + name + "' (accepted: a logger name of letters,"
                    + " digits, '.', '_', '-' and '$', at most 200 characters; default " + DEFAULT_LOGGER + ")");
        }
        out = LoggerFactory.getLogger(name);
        verp = verp(getInitParameter("verpPrefix", "").strip(), getInitParameter("verpDelimiter", "+"));
    }

    /** The VERP decoding configured, or none without {@code verpPrefix}. */
    static Optional<Verp> verp(String prefix, String delimiter) throws MessagingException {
        if (prefix.isEmpty()) {
            return Optional.empty();
        }
        if (delimiter.length() != 1 || "@=<> \t\"".indexOf(delimiter.charAt(0)) >= 0) {
            throw new MessagingException("LogReport: bad verpDelimiter '" + delimiter + "' (accepted: one character"
                    + " other than '@', '=', '<', '>', '\"' and white space; default '+')");
        }
        try {
            return Optional.of(new Verp(prefix, delimiter.charAt(0)));
        } catch (IllegalArgumentException e) {
            throw new MessagingException("LogReport: bad verpPrefix '" + prefix + "' (accepted: the local-part"
                    + " prefix of your VERP bounce addresses, without '@', e.g. 'bounces')", e);
        }
    }

    @Override
    public void service(Mail mail) {
        try {
            for (String line : lines(mail, MailReports.of(mail), clock.millis() / 1000, verp)) {
                out.info(line);
            }
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            LOGGER.error("LogReport: mail {} not logged after an unexpected error", mail.getName(), e);
        }
    }

    /** The JSON lines for a mail whose report is {@code report} (the tree of {@code authpack.report}). */
    static List<String> lines(Mail mail, Map<String, Object> report, long epochSeconds) {
        return lines(mail, report, epochSeconds, Optional.empty());
    }

    /**
     * {@link #lines(Mail, Map, long)}; with VERP configured, each bounce line also names {@code verp_recipient}: the
     * recipient encoded in the mail's envelope recipients that are our VERP addresses, which identifies the failed
     * recipient even when the bounce's text names none or a wrong one; null when none is, or when they encode
     * different recipients (a bounce goes to the one return path of the message it returns; review s23: the first
     * of several was whichever the report's sender named first).
     */
    static List<String> lines(Mail mail, Map<String, Object> report, long epochSeconds, Optional<Verp> verp) {
        List<String> lines = new ArrayList<>();
        String verpRecipient = verp.flatMap(v -> onlyVerpRecipient(mail, v)).orElse(null);
        String type = String.valueOf(report.get("type"));
        Map<?, ?> original = report.get("original") instanceof Map<?, ?> m ? m : Map.of();
        if (type.equals("dsn") && report.get("recipients") instanceof Collection<?> recipients) {
            for (Object item : recipients) {
                if (!(item instanceof Map<?, ?> r) || !isFailure(r.get("action"))) {
                    continue;
                }
                if (lines.size() >= MAX_LINES_PER_MAIL) {
                    break;
                }
                Map<String, Object> record = common("Bounce", mail, epochSeconds);
                record.put("recipient", r.get("final_recipient"));
                if (verp.isPresent()) {
                    record.put("verp_recipient", verpRecipient);
                }
                record.put("original_recipient", r.get("original_recipient"));
                record.put("action", r.get("action"));
                Map<String, Object> response = new LinkedHashMap<>();
                response.put("code", r.get("reply_code") == null ? null : toInt(r.get("reply_code")));
                response.put("enhanced_code", r.get("status"));
                response.put("content", r.get("diagnostic_code"));
                record.put("response", response);
                record.put("bounce_classification", r.get("reason"));
                record.put("hard_bounce", Boolean.valueOf(String.valueOf(r.get("hard_bounce"))));
                record.put("remote_mta", r.get("remote_mta"));
                record.put("reporting_mta", report.get("reporting_mta"));
                record.put("source", report.get("source"));
                record.put("original_envelope_id", report.get("original_envelope_id"));
                originals(record, original);
                lines.add(JsonLine.of(record));
            }
        } else if (type.equals("arf")) {
            Map<String, Object> record = common("Feedback", mail, epochSeconds);
            Map<String, Object> feedback = new LinkedHashMap<>();
            for (String key : List.of("feedback_type", "user_agent", "version", "original_mail_from",
                    "original_rcpt_to", "arrival_date", "source_ip", "reported_domain", "reported_uri", "incidents",
                    "authentication_results", "auth_failure", "dkim_domain", "dkim_selector", "dkim_identity",
                    "spf_dns", "delivery_result", "identity_alignment")) {
                feedback.put(key, report.get(key));
            }
            record.put("feedback_report", feedback);
            originals(record, original);
            lines.add(JsonLine.of(record));
        } else if (type.equals("dmarc_aggregate")) {
            lines.add(JsonLine.of(aggregate(mail, report, epochSeconds)));
        }
        return bounded(lines, mail, epochSeconds);
    }

    /** The one recipient the mail's VERP envelope recipients encode; empty when none does or they differ. */
    private static Optional<String> onlyVerpRecipient(Mail mail, Verp verp) {
        List<String> encoded = mail.getRecipients().stream().map(r -> verp.decode(r.asString()))
                .flatMap(Optional::stream).distinct().limit(2).toList();
        return encoded.size() == 1 ? Optional.of(encoded.get(0)) : Optional.empty();
    }

    /**
     * The lines within {@link #MAX_OCTETS_PER_MAIL} (UTF-8 octets counted without encoding, {@link JsonLine#utf8Octets}:
     * a character count let CJK text write 3 MiB; final review s21): those past it dropped, a last line counting them.
     */
    private static List<String> bounded(List<String> lines, Mail mail, long epochSeconds) {
        long[] sizes = new long[lines.size()];
        long octets = 0;
        int kept = 0;
        for (String line : lines) {
            sizes[kept] = JsonLine.utf8Octets(line) + 1;
            if (octets + sizes[kept] > MAX_OCTETS_PER_MAIL) {
                break;
            }
            octets += sizes[kept];
            kept++;
        }
        if (kept == lines.size()) {
            return lines;
        }
        // room for the Truncated line: at most as long as with every line dropped (its count has the most digits)
        long room = JsonLine.utf8Octets(truncated(mail, epochSeconds, lines.size())) + 1;
        while (kept > 0 && octets > MAX_OCTETS_PER_MAIL - room) {
            octets -= sizes[--kept];
        }
        List<String> out = new ArrayList<>(lines.subList(0, kept));
        out.add(truncated(mail, epochSeconds, lines.size() - kept));
        return out;
    }

    private static String truncated(Mail mail, long epochSeconds, int dropped) {
        Map<String, Object> record = common("Truncated", mail, epochSeconds);
        record.remove("reception_recipients");
        record.put("lines_dropped", (long) dropped);
        record.put("limit_octets", (long) MAX_OCTETS_PER_MAIL);
        return JsonLine.of(record);
    }

    /**
     * One line per DMARC aggregate report (RFC 7489 §7.2): who reported which period for which policy domain, the
     * messages covered, those failing DKIM or SPF alignment or both, and the top failing sources (at most
     * {@code ReportFields.TOP_FAILING_SOURCES}); not the records themselves (the attribute and the stored mail keep
     * them).
     */
    private static Map<String, Object> aggregate(Mail mail, Map<String, Object> report, long epochSeconds) {
        Map<String, Object> record = common("DmarcAggregate", mail, epochSeconds);
        Map<?, ?> meta = report.get("report_metadata") instanceof Map<?, ?> m ? m : Map.of();
        Map<?, ?> policy = report.get("policy_published") instanceof Map<?, ?> m ? m : Map.of();
        Map<?, ?> summary = report.get("summary") instanceof Map<?, ?> m ? m : Map.of();
        record.put("org_name", meta.get("org_name"));
        record.put("report_id", meta.get("report_id"));
        record.put("email", meta.get("email"));
        record.put("date_range", meta.get("date_range"));
        record.put("policy_domain", policy.get("domain"));
        Map<String, Object> published = new LinkedHashMap<>();
        for (String key : List.of("p", "sp", "np", "adkim", "aspf", "pct", "testing")) {
            published.put(key, policy.get(key));
        }
        record.put("policy", published);
        for (String key : List.of("records", "total_messages", "dkim_unaligned", "spf_unaligned", "dmarc_failing",
                "top_failing_sources")) {
            record.put(key, summary.get(key));
        }
        record.put("truncated", report.get("truncated"));
        record.put("problem", report.get("problem"));
        return record;
    }

    /** KumoMTA's record fields that describe the report mail itself. */
    private static Map<String, Object> common(String type, Mail mail, long epochSeconds) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("type", type);
        record.put("timestamp", epochSeconds);
        record.put("id", mail.getName());
        record.put("sender", MailReports.envelopeSender(mail));
        record.put("reception_recipients", mail.getRecipients().stream().map(Object::toString).toList());
        record.put("peer_address", mail.getRemoteAddr());
        return record;
    }

    private static void originals(Map<String, Object> record, Map<?, ?> original) {
        record.put("original_message_id", original.get("message_id"));
        record.put("original_from", original.get("from"));
        record.put("original_to", original.get("to"));
        record.put("original_subject", original.get("subject"));
    }

    private static boolean isFailure(Object action) {
        return action == null || "failed".equals(action) || "delayed".equals(action);
    }

    private static Object toInt(Object code) {
        try {
            return Integer.parseInt(String.valueOf(code));
        } catch (NumberFormatException e) {
            return String.valueOf(code);
        }
    }

    @Override
    public String getMailetInfo() {
        return "authpack LogReport: one JSON line per bounced recipient, feedback report or DMARC aggregate report";
    }
}
