package dev.authpack.james.matchers;

import dev.authpack.james.MailAttributes;
import org.apache.james.core.MailAddress;
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
 * strictest policy its author domains publish). A mail MailAuthCheck did not check with DMARC never matches. A bad condition
 * makes {@link #init()} throw; {@link #match} never throws.
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
        try {
            Optional<String> disposition = MailAttributes.dmarcDisposition(mail);
            boolean matched = disposition.flatMap(Wanted::of).map(wanted::contains).orElse(false);
            LOGGER.debug("DmarcDisposition: mail {} disposition {} {} {}", mail.getName(),
                    disposition.orElse("(no DMARC result)"), matched ? "matches" : "does not match",
                    describe(wanted));
            return matched ? List.copyOf(mail.getRecipients()) : List.of();
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            LOGGER.warn("DmarcDisposition: no match for mail {}: {}", mail.getName(), String.valueOf(e));
            return List.of();
        }
    }

    private static String describe(Set<Wanted> set) {
        return set.stream().sorted().map(Wanted::word).collect(Collectors.joining(","));
    }

    @Override
    public String getMatcherInfo() {
        return "authpack DmarcDisposition: all recipients when DMARC asks for the given disposition";
    }
}
