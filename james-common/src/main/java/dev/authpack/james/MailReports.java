package dev.authpack.james;

import dev.authpack.report.ReportFields;
import dev.authpack.report.ReportParser;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The report of a mail ({@link MailAttributes#REPORT}), parsed at most once: the first of {@code IsOobBounce},
 * {@code IsArfReport}, {@code IsDmarcReport} and {@code LogReport} to need it decides from the envelope and the top-level header fields
 * alone whether the message may be a report ({@link ReportParser#mayBeReport}); only then are the message's bytes
 * read and parsed, and the result kept as the attribute for the others. Never throws. The attribute of a DMARC
 * aggregate report is its summary (over all its records) with at most {@link ReportFields#LISTED_RECORDS} records
 * listed ({@link ReportFields#of(dev.authpack.report.Report)}): the stored mail keeps the report whole.
 */
public final class MailReports {
    private static final Logger LOGGER = LoggerFactory.getLogger(MailReports.class);
    private static final ReportParser PARSER = new ReportParser();

    /** The tree stored for ordinary mail rejected by the cheap path: nothing else is known about it. */
    static final Map<String, Object> ORDINARY = Map.of("type", "none", "kind", "ordinary",
            "reason", "no report markers in the envelope or header");

    private MailReports() {
    }

    /**
     * The mail's report as a tree of plain values ({@link ReportFields}): from the attribute when a matcher or
     * mailet already parsed it, else parsed now (and stored). Ordinary mail is decided from its headers alone and
     * gets no attribute.
     */
    public static Map<String, Object> of(Mail mail) {
        Optional<Map<String, Object>> stored = read(mail);
        if (stored.isPresent()) {
            return stored.get();
        }
        try {
            MimeMessage message = mail.getMessage();
            String sender = envelopeSender(mail);
            if (message == null || !ReportParser.mayBeReport(name -> header(message, name), sender)) {
                return ORDINARY;
            }
            // the parser reads no more than its first maxOctets: a message of any size is not read whole (s19)
            byte[] octets = MimeMessageBytes.prefix(message, dev.authpack.report.ReportLimits.DEFAULT_MAX_OCTETS);
            Map<String, Object> tree = ReportFields.of(PARSER.parse(octets, sender));
            mail.setAttribute(new Attribute(MailAttributes.REPORT, value(tree)));
            return tree;
        } catch (Exception | StackOverflowError | OutOfMemoryError e) {
            LOGGER.warn("authpack report: mail {} could not be read as a report: {}", mail.getName(), describe(e));
            return Map.of("type", "none", "kind", "unparseable", "reason",
                    "message unreadable: " + e.getClass().getSimpleName());
        }
    }

    /**
     * An exception for a log line: its class and message by the one rule of text from outside in our log lines
     * ({@link LogText}: no CR, LF, C1 or bidi control, at most {@link LogText#MAX_CHARS} characters); the message may
     * quote the mail (review s21).
     */
    static String describe(Throwable e) {
        return LogText.of(String.valueOf(e));
    }

    /** The stored report, if a matcher or mailet parsed this mail before. */
    public static Optional<Map<String, Object>> read(Mail mail) {
        return mail.getAttribute(MailAttributes.REPORT)
                .map(a -> plain(a.getValue()))
                .filter(Map.class::isInstance)
                .map(v -> {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> map = (Map<String, Object>) v;
                    return map;
                });
    }

    /** The SMTP MAIL FROM: {@code ""} for the null reverse-path (RFC 5321 §4.5.5), {@code null} if unknown. */
    public static String envelopeSender(Mail mail) {
        if (mail.getMaybeSender().isNullSender()) {
            return "";
        }
        return mail.getMaybeSender().asOptional().map(org.apache.james.core.MailAddress::asString).orElse(null);
    }

    private static String header(MimeMessage message, String name) {
        try {
            return message.getHeader(name, null);
        } catch (MessagingException | RuntimeException e) {
            return null;
        }
    }

    /** Plain values as attribute values (maps of strings, lists, booleans, longs); {@code null} members left out. */
    static AttributeValue<?> value(Object plain) {
        if (plain instanceof Map<?, ?> map) {
            Map<String, AttributeValue<?>> out = new LinkedHashMap<>();
            map.forEach((k, v) -> {
                if (v != null) {
                    out.put(String.valueOf(k), value(v));
                }
            });
            return AttributeValue.of(out);
        }
        if (plain instanceof Collection<?> list) {
            List<AttributeValue<?>> out = new ArrayList<>();
            for (Object v : list) {
                if (v != null) {
                    out.add(value(v));
                }
            }
            return AttributeValue.of(out);
        }
        if (plain instanceof Boolean b) {
            return AttributeValue.of(b);
        }
        if (plain instanceof Long n) {
            return AttributeValue.of(n);
        }
        return AttributeValue.of(String.valueOf(plain));
    }

    private static Object plain(AttributeValue<?> value) {
        Object v = value.value();
        if (v instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, item) -> out.put(String.valueOf(k),
                    item instanceof AttributeValue<?> av ? plain(av) : item));
            return out;
        }
        if (v instanceof Collection<?> list) {
            List<Object> out = new ArrayList<>();
            for (Object item : list) {
                out.add(item instanceof AttributeValue<?> av ? plain(av) : item);
            }
            return out;
        }
        return v;
    }
}
