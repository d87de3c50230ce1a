package dev.authpack.james.matchers;

import dev.authpack.james.MailReports;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.mail.MessagingException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What {@link IsOobBounce}, {@link IsArfReport} and {@link IsDmarcReport} share: the optional domain list (KumoMTA's per-domain switch),
 * parsed in {@link #init()}; the recipients at those domains are matched when the mail is a report of the right
 * kind. Cheap on ordinary mail: the recipients are filtered first, then {@link MailReports#of} decides from the
 * envelope and top-level header fields before any body is read, and a parse is kept as the {@code authpack.report}
 * attribute for the next matcher or mailet. {@link #match} never throws.
 */
abstract class ReportMatcher extends GenericMatcher {
    private static final Logger LOGGER = LoggerFactory.getLogger(ReportMatcher.class);
    /** RFC 1035 §2.3.1 host name (letters, digits, hyphens; dot-separated labels of 1..63), at most 253 long. */
    private static final Pattern DOMAIN = Pattern.compile(
            "(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\\.?");
    /** More domains than any listener needs; bounds the condition. */
    static final int MAX_DOMAINS = 1000;

    private Set<String> domains = Set.of();

    /** The matcher's name in messages. */
    abstract String name();

    /** Whether a report (the tree of {@code authpack.report}) is of the kind this matcher wants. */
    abstract boolean wanted(Map<String, Object> report);

    @Override
    public void init() throws MessagingException {
        domains = parseDomains(name(), getCondition());
    }

    static Set<String> parseDomains(String name, String condition) throws MessagingException {
        if (condition == null || condition.isBlank()) {
            return Set.of();
        }
        Set<String> out = new TreeSet<>();
        String[] entries = condition.split(",", -1);
        if (entries.length > MAX_DOMAINS) {
            throw new MessagingException(name + ": more than " + MAX_DOMAINS + " domains in the condition");
        }
        for (String entry : entries) {
            String domain = entry.strip().toLowerCase(Locale.ROOT);
            if (domain.startsWith("@")) {
                domain = domain.substring(1);
            }
            if (!DOMAIN.matcher(domain).matches()) {
                throw new MessagingException(name + ": bad condition '" + condition + "': '" + entry.strip()
                        + "' is not a domain name (accepted: nothing, for every recipient, or domain names such as"
                        + " bounce.example.com separated by commas, an optional leading @ allowed)");
            }
            out.add(domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain);
        }
        return Set.copyOf(out);
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        try {
            List<MailAddress> recipients = new ArrayList<>();
            for (MailAddress recipient : mail.getRecipients()) {
                if (domains.isEmpty() || domains.contains(recipient.getDomain().asString().toLowerCase(Locale.ROOT))) {
                    recipients.add(recipient);
                }
            }
            if (recipients.isEmpty()) {
                return List.of();
            }
            return wanted(MailReports.of(mail)) ? recipients : List.of();
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            LOGGER.error("{}: no match for mail {} after an unexpected error", name(), mail.getName(), e);
            return List.of();
        }
    }

    /** The failed or delayed recipients of a DSN tree (RFC 3464 §2.3.3 action failed or delayed, or none given). */
    static List<Map<?, ?>> failedRecipients(Map<String, Object> report) {
        List<Map<?, ?>> out = new ArrayList<>();
        if (report.get("recipients") instanceof Collection<?> list) {
            for (Object r : list) {
                if (r instanceof Map<?, ?> m) {
                    Object action = m.get("action");
                    if (action == null || "failed".equals(action) || "delayed".equals(action)) {
                        out.add(m);
                    }
                }
            }
        }
        return out;
    }
}
