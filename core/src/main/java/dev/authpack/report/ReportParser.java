package dev.authpack.report;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Recognises and parses delivery reports (RFC 3464 / RFC 6533 DSNs and non-standard text bounces), feedback
 * reports (RFC 5965 ARF, RFC 6591 auth-failure, provider variants) and DMARC aggregate reports (RFC 7489 §7.2). Bounded by {@link ReportLimits}; never throws
 * for any input (a message that cannot be read is a {@link NotAReport} with kind UNPARSEABLE). Thread-safe.
 */
public final class ReportParser {
    /** A daemon's From (lower case): the words MTAs sign their bounces with. */
    private static final List<String> BOUNCE_FROM_WORDS = List.of("mailer-daemon", "postmaster", "mail delivery",
            "mail-daemon", "mdaemon", "mailerdaemon", "mail administrator", "delivery subsystem", "bounce", "nobody@",
            "mail system");
    /** A bounce's or complaint's Subject (lower case), as plain words: looked up with indexOf, cheap. */
    private static final List<String> BOUNCE_SUBJECT_WORDS = List.of("undeliver", "delivery status",
            "delivery failure", "delivery failed", "delivery notification", "delivery problem", "delivery report",
            "returned mail", "failure notice", "mail delivery", "could not be delivered", "not delivered",
            "delivery has failed", "delayed mail", "warning: message", "nondelivery", "non-delivery",
            "non delivery", "nondeliverable", "unzustellbar", "error sending", "delivery error", "rejected",
            "returned to sender", "failed delivery", "mail system error", "unable to deliver",
            "message status", "complaint",
            // Japanese providers' wordings: mail error notification, undelivered, delivery error
            "メールエラー", "未配達", "配信エラー", "送信エラー", "不達", "エラー通知");
    /** The few subject wordings that need a pattern ("non?delivery" with any one character between). */
    private static final Pattern BOUNCE_SUBJECT = Pattern.compile("non.delivery");
    private static final Pattern AUTO_REPLY_SUBJECT = Pattern.compile(
            "^\\s*(auto(matic)?[ -]?(reply|response|antwort)|out of (the )?office|abwesen|vacation|"
                    + "autoreply|away from|on leave|auto:)", Pattern.CASE_INSENSITIVE);

    private final ReportLimits limits;

    public ReportParser(ReportLimits limits) {
        this.limits = limits;
    }

    public ReportParser() {
        this(ReportLimits.DEFAULTS);
    }

    /** {@link #parse(byte[], String)} without envelope information. */
    public Report parse(byte[] message) {
        return parse(message, null);
    }

    /**
     * Parses {@code message}. {@code envelopeSender} is the SMTP MAIL FROM if known ({@code ""} for the null
     * reverse-path of RFC 5321 §4.5.5, which bounces use), or {@code null}.
     */
    public Report parse(byte[] message, String envelopeSender) {
        Deadline deadline = Deadline.in(limits.maxParseTime().toNanos());
        try {
            // ordinary mail is decided from the envelope and the top-level header fields, the body unread
            Headers top = MimeScan.topHeaders(message, limits.maxOctets());
            Screen screen = screen(top::get, envelopeSender);
            boolean markers = screen == Screen.MARKERS;
            if (screen == Screen.NONE) {
                return autoReply(top) ? new NotAReport(NotAReport.Kind.AUTO_REPLY, "RFC 3834 auto-reply")
                        : new NotAReport(NotAReport.Kind.ORDINARY, "no report markers in the header");
            }
            MimeScan scan = MimeScan.of(message, limits, deadline);
            AggregateReports.Found aggregate = new AggregateReports.Found(null, null);
            if (!"multipart/report".equals(scan.topType())) {
                // RFC 7489 §7.2.1.1: the report is an attachment (or the body) whose XML root is <feedback>
                aggregate = AggregateReports.find(scan, limits, deadline);
                if (aggregate.report() != null) {
                    return aggregate.report();
                }
                if (!markers && !hasFeedbackPart(scan)) {
                    return aggregate.rejection() != null ? unreadableAggregate(aggregate)
                            : new NotAReport(NotAReport.Kind.ORDINARY,
                            "no report markers in the header and no aggregate report attached");
                }
            }
            Report report = parseScan(scan, envelopeSender, deadline);
            return report instanceof NotAReport && aggregate.rejection() != null ? unreadableAggregate(aggregate)
                    : report;
        } catch (Deadline.Exceeded e) {
            return new NotAReport(NotAReport.Kind.UNPARSEABLE,
                    "parse took longer than " + limits.maxParseTime().toMillis() + " ms");
        } catch (RuntimeException | StackOverflowError e) {
            return new NotAReport(NotAReport.Kind.UNPARSEABLE, "parse error: " + e.getClass().getSimpleName());
        }
    }

    /**
     * Parses a file given as it is (the command line): a bare DMARC aggregate report (XML, or gzip or zip of XML,
     * recognised by its first bytes) or else an e-mail ({@link #parse(byte[], String)}). An empty file is a
     * {@link NotAReport} of kind UNPARSEABLE. Never throws.
     */
    public Report parseFile(byte[] file, String envelopeSender) {
        if (new String(file, 0, Math.min(file.length, 64), java.nio.charset.StandardCharsets.ISO_8859_1).isBlank()
                && (file.length <= 64 || new String(file, java.nio.charset.StandardCharsets.ISO_8859_1).isBlank())) {
            return new NotAReport(NotAReport.Kind.UNPARSEABLE, "empty file");
        }
        if (!AggregateReports.isBareFile(file)) {
            return parse(file, envelopeSender);
        }
        Deadline deadline = Deadline.in(limits.maxParseTime().toNanos());
        try {
            return AggregateReports.read(file, null, limits, deadline);
        } catch (ReportArchive.Rejected | AggregateXml.Rejected e) {
            return new NotAReport(NotAReport.Kind.UNPARSEABLE, "not an aggregate report: " + e.getMessage());
        } catch (Deadline.Exceeded e) {
            return new NotAReport(NotAReport.Kind.UNPARSEABLE,
                    "parse took longer than " + limits.maxParseTime().toMillis() + " ms");
        } catch (RuntimeException | StackOverflowError e) {
            return new NotAReport(NotAReport.Kind.UNPARSEABLE, "parse error: " + e.getClass().getSimpleName());
        }
    }

    private static NotAReport unreadableAggregate(AggregateReports.Found aggregate) {
        return new NotAReport(NotAReport.Kind.UNPARSEABLE, "aggregate report unreadable: " + aggregate.rejection());
    }

    /**
     * Cheap check on the top-level header fields alone: could this message be a report? False means the body
     * need not be read (ordinary mail). Content-Type multipart/report (or any report-type), a daemon sender, the
     * null envelope sender, X-Failed-Recipients, X-Apple-Unsubscribe, a bounce-like Subject or a complaint; or,
     * for a DMARC aggregate report, an XML, gzip or zip body or the RFC 7489 §7.2.1.1 Subject (a hint: the report
     * is recognised only by its XML).
     *
     * @param header         the first value of a top-level header field by name (case-insensitive), or
     *                       {@code null} when absent; values may be folded and RFC 2047 encoded
     * @param envelopeSender the SMTP MAIL FROM ({@code ""} for the null reverse-path), or {@code null} if unknown
     */
    public static boolean mayBeReport(Function<String, String> header, String envelopeSender) {
        return screen(header, envelopeSender) != Screen.NONE;
    }

    /** What the top-level header alone says: report markers, only an aggregate report hint, or nothing. */
    private enum Screen { NONE, AGGREGATE_HINT, MARKERS }

    /** {@link #mayBeReport}, each header field looked up once (the matchers' cheap path on every mail). */
    private static Screen screen(Function<String, String> header, String envelopeSender) {
        String contentType = Headers.lower(Headers.unfold(header.apply("Content-Type")));
        if (contentType != null && (contentType.startsWith("multipart/report") || contentType.contains("report-type"))) {
            return Screen.MARKERS;
        }
        if ("".equals(envelopeSender) || header.apply("X-Failed-Recipients") != null
                || header.apply("X-Apple-Unsubscribe") != null) {
            return Screen.MARKERS;
        }
        String from = header.apply("From");
        String fromLower = from == null ? null : from.toLowerCase(Locale.ROOT);
        if (fromLower != null && containsAny(fromLower, BOUNCE_FROM_WORDS)) {
            return Screen.MARKERS;
        }
        String subject = Headers.unfold(header.apply("Subject"));
        String lower = null;
        if (subject != null) {
            if (subject.contains("=?")) {
                subject = Headers.decode(subject);
            }
            lower = subject.toLowerCase(Locale.ROOT);
            if (containsAny(lower, BOUNCE_SUBJECT_WORDS) || BOUNCE_SUBJECT.matcher(lower).find()) {
                return Screen.MARKERS;
            }
        }
        return AggregateReports.hint(contentType, header, lower, fromLower) ? Screen.AGGREGATE_HINT : Screen.NONE;
    }

    /** The bounce and feedback report markers of {@link #mayBeReport} (not the aggregate report hints). */
    private static boolean markers(Function<String, String> header, String envelopeSender) {
        return screen(header, envelopeSender) == Screen.MARKERS;
    }

    private static boolean containsAny(String lower, List<String> words) {
        for (String word : words) {
            if (lower.contains(word)) {
                return true;
            }
        }
        return false;
    }

    private Report parseScan(MimeScan scan, String envelopeSender, Deadline deadline) {
        Headers top = scan.headers();
        if (!"multipart/report".equals(scan.topType()) && !markers(top::get, envelopeSender)
                && !hasFeedbackPart(scan)) {
            return autoReply(top) ? new NotAReport(NotAReport.Kind.AUTO_REPLY, "RFC 3834 auto-reply")
                    : new NotAReport(NotAReport.Kind.ORDINARY, "no report markers in the header"
                    + (scan.problem() == null ? "" : "; " + scan.problem()));
        }
        ReturnedMessage original = ReturnedMessages.find(scan);
        FeedbackReport feedback = FeedbackParser.parse(scan, top, original, limits.maxRecipients());
        if (feedback != null) {
            return feedback;
        }
        deadline.check();
        // the text parts are joined once per parse, for the DSN's human-readable part and for a text bounce
        ReturnedMessages.Body body = new ReturnedMessages.Body(scan);
        DeliveryReport dsn = DsnParser.parse(scan, body, original, limits.maxRecipients(), deadline);
        if (dsn != null) {
            return dsn;
        }
        if (autoReply(top) && !isDaemon(top)) {
            return new NotAReport(NotAReport.Kind.AUTO_REPLY, "RFC 3834 auto-reply");
        }
        String bodyText = body.text();
        TextBounceFamily family = TextBounceParser.family(top.decoded("Subject"), bodyText);
        DeliveryReport text = textBounce(bodyText, family, top, original, envelopeSender, deadline);
        if (text != null && autoReply(top) && isFreeTextNotice(text, bodyText, family, top)) {
            return new NotAReport(NotAReport.Kind.AUTO_REPLY,
                    "RFC 3834 auto-reply in free text: no MTA wording, SMTP reply or status code");
        }
        if (text != null) {
            return text;
        }
        if (scan.problem() != null) {
            return new NotAReport(NotAReport.Kind.UNPARSEABLE, scan.problem());
        }
        return new NotAReport(NotAReport.Kind.NO_REPORT_CONTENT, "no delivery or feedback report found");
    }

    /**
     * A message/feedback-report part in a message without the report markers: a failure report sent as
     * multipart/mixed (Netease's), found when the DMARC hint made the body worth reading.
     */
    private static boolean hasFeedbackPart(MimeScan scan) {
        return scan.parts().stream().anyMatch(p -> p.mimeType().equals("message/feedback-report"));
    }

    private DeliveryReport textBounce(String text, TextBounceFamily family, Headers top, ReturnedMessage attached,
                                      String envelopeSender, Deadline deadline) {
        ReturnedMessage original = attached.isEmpty() ? ReturnedMessages.quoted(text) : attached;
        Set<String> excluded = new HashSet<>();
        for (String field : List.of("From", "To", "Reply-To", "Sender", "Return-Path")) {
            String value = top.get(field);
            if (value != null) {
                excluded.addAll(TextBounceParser.addresses(value));
            }
        }
        if (original.from() != null) {
            excluded.addAll(TextBounceParser.addresses(original.from()));
        }
        List<RecipientReport> recipients = new ArrayList<>();
        String failed = top.get("X-Failed-Recipients");
        TextBounceParser.Context context = new TextBounceParser.Context(text, family, deadline);
        if (family != null || failed != null) {
            recipients.addAll(TextBounceParser.recipients(family, text, context, excluded, limits.maxRecipients()));
        } else if (isDaemon(top) || "".equals(envelopeSender)) {
            // no family's wording: from a daemon (or the null sender), addresses near an SMTP reply only
            TextBounceParser.recipients(null, text, context, excluded, limits.maxRecipients()).stream()
                    .filter(r -> r.replyCode() != null).forEach(recipients::add);
        }
        if (failed != null) {
            List<String> known = recipients.stream().map(RecipientReport::finalRecipient).toList();
            for (String address : TextBounceParser.addresses(failed)) {
                if (!known.contains(address) && recipients.size() < limits.maxRecipients()) {
                    recipients.add(TextBounceParser.recipient(address, "", context));
                }
            }
            if (recipients.size() > known.size()) {
                // X-Failed-Recipients (Exim) is authoritative: keep only its addresses
                List<String> listed = TextBounceParser.addresses(failed);
                recipients.removeIf(r -> !listed.contains(r.finalRecipient()));
            }
        }
        if (recipients.isEmpty() && family != null) {
            String quoted = TextBounceParser.quotedOriginalRecipient(text, excluded);
            if (quoted == null && original.to() != null && TextBounceParser.addresses(original.to()).size() == 1) {
                quoted = TextBounceParser.addresses(original.to()).get(0);
            }
            if (quoted != null) {
                recipients.add(TextBounceParser.recipient(quoted, "", context));
            }
        }
        if (recipients.isEmpty()) {
            return null;
        }
        return new DeliveryReport(Source.TEXT, null, null, null, recipients, original);
    }

    /**
     * A notice marked as an RFC 3834 auto-reply that only tells in its own words that a message was not kept (a
     * recipient-side script, not an MTA): no known MTA family's wording, no X-Failed-Recipients, and no SMTP reply or
     * RFC 3463 status for any recipient. Exim's bounces are auto-replied too, but carry its wording and the reply.
     */
    private static boolean isFreeTextNotice(DeliveryReport text, String body, TextBounceFamily family, Headers top) {
        String notice = body.length() > TextBounceParser.MAX_CONTEXT_CHARS
                ? body.substring(0, TextBounceParser.MAX_CONTEXT_CHARS) : body;
        return (family == null || family.name().equals("generic")) && !top.has("X-Failed-Recipients")
                && text.recipients().stream().allMatch(r -> r.replyCode() == null)
                && Classifier.statusIn(notice) == null && Classifier.replyCodeIn(notice) == null;
    }

    private static boolean isDaemon(Headers top) {
        String from = top.get("From");
        return from != null && containsAny(from.toLowerCase(Locale.ROOT), BOUNCE_FROM_WORDS);
    }

    /** RFC 3834 §5: Auto-Submitted other than "no", or the common pre-3834 auto-responder fields. */
    static boolean autoReply(Headers top) {
        String autoSubmitted = Headers.lower(top.get("Auto-Submitted"));
        if (autoSubmitted != null && !autoSubmitted.startsWith("no")) {
            return true;
        }
        String precedence = Headers.lower(top.get("Precedence"));
        String subject = top.decoded("Subject");
        return top.has("X-Autoreply") || top.has("X-Autorespond") || top.has("X-Auto-Response-Suppress")
                && subject != null && AUTO_REPLY_SUBJECT.matcher(subject).find()
                || "auto_reply".equals(precedence)
                || subject != null && AUTO_REPLY_SUBJECT.matcher(subject).find();
    }
}
