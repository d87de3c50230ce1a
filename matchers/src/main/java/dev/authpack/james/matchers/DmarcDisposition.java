package dev.authpack.james.matchers;

import dev.authpack.james.LogText;
import dev.authpack.james.MailAttributes;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Attribute;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.mail.MessagingException;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Matches all recipients when DMARC asks for one of the given dispositions: the domain owner's policy as a
 * routing decision, applied with James' own mailets (docs/DmarcDisposition.md).
 *
 * <p>In {@code mailetcontainer.xml}, after {@code MailAuthCheck}:
 * <pre>{@code
 * <mailet match="dev.authpack.james.matchers.DmarcDisposition=reject" class="ToRepository">
 *     <repositoryPath>file://var/mail/dmarc-rejected/</repositoryPath>
 * </mailet>
 * <mailet match="dev.authpack.james.matchers.DmarcDisposition=quarantine" class="ToProcessor">
 *     <processor>quarantine</processor>
 * </mailet>
 * }</pre>
 *
 * <p>Condition: {@code reject}, {@code quarantine}, or both separated by commas. The disposition is the
 * {@code authpack.dmarc.disposition} attribute {@code MailAuthCheck} sets: {@code quarantine} or {@code reject}
 * when DMARC failed and the policy ({@code p}/{@code sp}/{@code np}, after {@code t=} or {@code pct}, RFC 9989 §5.3
 * and RFC 7489 §6.6.4) asks for it, and no local-policy override (a trusted ARC sealer, MailAuthCheck's
 * {@code trustedArcSealers}) applied; or when the message is unverifiable ({@code temperror}/{@code permerror} that
 * fails closed, docs/dmarc.md "Fail-closed rules") and {@code dmarcUnverifiableDisposition} gives it (default: the
 * strictest policy its author domains publish). A mail MailAuthCheck did not check with DMARC (neither
 * {@code authpack.dmarc} nor the disposition set) never matches; a disposition that is set but cannot be read
 * (another type, another word, the DMARC map without it, an error reading it) is read as {@code reject}, fail
 * closed, and logged. A bad condition makes {@link #init()} throw; {@link #match} never throws.
 */
public class DmarcDisposition extends GenericMatcher {
    private static final Logger LOGGER = LoggerFactory.getLogger(DmarcDisposition.class);

    /** The dispositions a condition may name: those that ask the receiver to act (RFC 9989 §5.3 p=). */
    enum Wanted {
        QUARANTINE, REJECT;

        String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Optional<Wanted> of(String word) {
            for (Wanted w : values()) {
                if (w.word().equals(word)) {
                    return Optional.of(w);
                }
            }
            return Optional.empty();
        }
    }

    private Set<Wanted> wanted;

    @Override
    public void init() throws MessagingException {
        wanted = parse(getCondition());
        LOGGER.info("DmarcDisposition: matches {}", describe(wanted));
    }

    /** The condition's dispositions. @throws MessagingException naming what is wrong and what is accepted */
    static Set<Wanted> parse(String condition) throws MessagingException {
        String text = condition == null ? "" : condition.strip();
        if (text.isEmpty()) {
            throw bad(condition, "no disposition given");
        }
        if (text.length() > 100) {
            throw bad(condition, "too long");
        }
        Set<Wanted> out = EnumSet.noneOf(Wanted.class);
        for (String part : text.split("[,\\s]+")) {
            String word = part.toLowerCase(Locale.ROOT);
            if (word.isEmpty()) {
                continue;
            }
            if (word.equals("none")) {
                throw bad(condition, "'none' is what DMARC asks for every mail it does not act on (passes, p=none,"
                        + " overrides); to route on the result use HasAuthResult=dmarc=...");
            }
            out.add(Wanted.of(word).orElseThrow(() -> bad(condition, "unknown disposition '" + part + "'")));
        }
        if (out.isEmpty()) {
            throw bad(condition, "no disposition given");
        }
        return Set.copyOf(out);
    }

    private static MessagingException bad(String condition, String why) {
        return new MessagingException("DmarcDisposition: bad condition '" + (condition == null ? "" : condition)
                + "': " + why + " (expected reject, quarantine or reject,quarantine; see docs/DmarcDisposition.md)");
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        String name = nameOf(mail);
        String disposition;
        try {
            Stored stored = read(mail);
            if (stored.unreadable() != null) {
                return unreadable(mail, name, stored.unreadable());
            }
            disposition = stored.word();
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            return unreadable(mail, name, "reading its attributes failed: " + e);
        }
        boolean matched = disposition != null && Wanted.of(disposition).map(wanted::contains).orElse(false);
        LOGGER.debug("DmarcDisposition: mail {} disposition {} {} {}", name,
                disposition == null ? "(no DMARC result)" : disposition, matched ? "matches" : "does not match",
                describe(wanted));
        return recipients(mail, name, matched);
    }

    /** All recipients when {@code matched}, else none; none (logged) when they cannot be read. */
    private static Collection<MailAddress> recipients(Mail mail, String name, boolean matched) {
        try {
            return matched ? List.copyOf(mail.getRecipients()) : List.of();
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            LOGGER.warn("DmarcDisposition: no match for mail {}: its recipients cannot be read: {}", name,
                    LogText.of(String.valueOf(e)));
            return List.of();
        }
    }

    /** The mail's name for the log; a placeholder when even that cannot be read. */
    private static String nameOf(Mail mail) {
        try {
            return LogText.of(String.valueOf(mail.getName()));
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            return "(name unreadable)";
        }
    }

    /**
     * What {@code MailAuthCheck} left: a disposition word ({@code none}, {@code quarantine}, {@code reject}), or
     * nothing (DMARC not checked: neither attribute set), or the reason it cannot be read.
     */
    record Stored(String word, String unreadable) {
    }

    /**
     * The stored disposition. MailAuthCheck sets {@code authpack.dmarc} and {@code authpack.dmarc.disposition}
     * together, a string among the three words: any other value, or the first without the second, is unreadable.
     */
    static Stored read(Mail mail) {
        Optional<Attribute> attribute = mail.getAttribute(MailAttributes.DMARC_DISPOSITION);
        if (attribute.isEmpty()) {
            return mail.getAttribute(MailAttributes.DMARC).isPresent()
                    ? new Stored(null, MailAttributes.DMARC.asString() + " is set but "
                            + MailAttributes.DMARC_DISPOSITION.asString() + " is not")
                    : new Stored(null, null);
        }
        Object value = attribute.get().getValue().value();
        if (!(value instanceof String text)) {
            return new Stored(null, MailAttributes.DMARC_DISPOSITION.asString() + " is a "
                    + (value == null ? "null" : value.getClass().getSimpleName()) + ", not a string");
        }
        String word = text.strip().toLowerCase(Locale.ROOT);
        if (word.equals("none") || Wanted.of(word).isPresent()) {
            return new Stored(word, null);
        }
        return new Stored(null, MailAttributes.DMARC_DISPOSITION.asString() + " is '" + text
                + "', not none, quarantine or reject");
    }

    /**
     * Fail closed (review s21, as MailAuthCheck for a mail it cannot check, s20): a disposition that cannot be read
     * is read as the strictest, {@code reject}; one line at WARN with the reason.
     */
    private Collection<MailAddress> unreadable(Mail mail, String name, String reason) {
        boolean matched = wanted.contains(Wanted.REJECT);
        LOGGER.warn("DmarcDisposition: mail {}: DMARC disposition unreadable ({}); read as reject (fail closed),"
                + " {} {}", name, LogText.of(reason), matched ? "matches" : "does not match", describe(wanted));
        return recipients(mail, name, matched);
    }

    private static String describe(Set<Wanted> set) {
        return set.stream().sorted().map(Wanted::word).collect(Collectors.joining(","));
    }

    @Override
    public String getMatcherInfo() {
        return "authpack DmarcDisposition: all recipients when DMARC asks for the given disposition";
    }
}
