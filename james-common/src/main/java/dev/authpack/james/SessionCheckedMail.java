package dev.authpack.james;

import dev.authpack.authres.AuthResultsWriter;
import dev.authpack.authres.MethodResult;
import dev.authpack.check.AuthCheckReport;
import dev.authpack.check.CheckOptions;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

import dev.authpack.check.CheckRun;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

/**
 * Mail checked during the SMTP session (the {@code SessionAuthCheck} hook), in one of two ways:
 * <ul>
 *   <li>awaited in the session ({@link #store}): the results are stored with {@link MailAttributes#store}, and
 *       {@link #CHECKED_IN_SESSION} says under which authserv-id and with which checks;</li>
 *   <li>handed over ({@link #handOver}, a label-only hook that does not wait at DATA): the unfinished checks go to
 *       {@link PendingChecks} under a random token stored as {@link #PENDING}; {@link #results} takes them,
 *       waiting for what is not finished yet, and stores them as above.</li>
 * </ul>
 * Either way {@code MailAuthCheck} configured alike does not run the checks again and writes its
 * {@code Authentication-Results} field from these results. Only the server sets mail attributes: a client cannot
 * forge these.
 *
 * <p>The results are bound to the message they describe ({@link MessageBinding}): checks handed over with the
 * octets they read are taken only when the mail's message is still exactly those octets (compared octet for octet
 * with the ones the entry keeps); results stored on the mail carry the SHA-256 of the message they describe
 * ({@link #CHECKED_MESSAGE}), made when they are stored and compared when they are used. James copies a mail's
 * attributes to its duplicates (a redirect, a forward, a bounce, which then get another message), and a mailet may
 * rebuild the message before {@code MailAuthCheck}, with content the sender chose (a decrypted S/MIME message, say);
 * the results of the message received are then not used for the message in hand, which the mailet checks itself.
 * Not a checksum (review s18): a sender who chooses the octets of the rebuilt message matched a CRC-32C and the
 * length at will, and the rebuilt message inherited the results of the one received.
 */
public final class SessionCheckedMail {
    /**
     * The authserv-id and the checks (CheckOptions) of the session's check, {@code serverId|options}, and its verdict
     * policy when not the default ({@link CheckSettings#verdictPolicy}): a MailAuthCheck uses the results only under
     * the same key.
     */
    public static final AttributeName CHECKED_IN_SESSION = AttributeName.of("authpack.checked-in-session");

    /**
     * The token of checks handed over to {@link PendingChecks} at the end of DATA (a String; meaningful only in the
     * JVM that received the mail).
     */
    public static final AttributeName PENDING = AttributeName.of("authpack.pending-check");
    /**
     * The message the session's results stored on the mail describe: {@code sha256:<hex>} of its octets
     * ({@link MessageBinding#digest}); {@code unreadable} matches nothing.
     */
    public static final AttributeName CHECKED_MESSAGE = AttributeName.of("authpack.checked-message");
    private static final Logger LOG = LoggerFactory.getLogger(SessionCheckedMail.class);

    private SessionCheckedMail() {
    }

    /**
     * Hands the checks of the mail, started in the session and not awaited, over to {@code MailAuthCheck}
     * ({@link PendingChecks#shared()}), with the octets of the message they read: the entry keeps them until taken,
     * and the checks are taken only for a message that is still exactly these octets.
     *
     * @param limit   how long from now the checks may be awaited (the checker's deadline and grace)
     * @param message the octets the run reads ({@code MimeMessageBytes.of} of the mail's message, not to be changed
     *                afterwards); null when its checks read none (then the message's SHA-256 binds them, as
     *                {@link #handOver(Mail, String, CheckOptions, CheckRun, Duration, long)})
     * @return false when the table is full: await the run and {@link #store} the report instead
     */
    public static boolean handOver(Mail mail, String serverId, CheckOptions options, CheckRun run, Duration limit,
                                   byte[] message) {
        return handOverUnder(PendingChecks.shared(), mail, key(serverId, options), run, limit, message);
    }

    /**
     * {@link #handOver(Mail, String, CheckOptions, CheckRun, Duration, byte[])} under the key of {@code settings}:
     * its serverId, checks and verdict policy ({@link CheckSettings#verdictPolicy}), so that only a MailAuthCheck
     * with the same takes the checks (review s23).
     */
    public static boolean handOver(Mail mail, CheckSettings settings, CheckRun run, Duration limit, byte[] message) {
        return handOverUnder(PendingChecks.shared(), mail, key(settings), run, limit, message);
    }

    static boolean handOver(PendingChecks pending, Mail mail, String serverId, CheckOptions options, CheckRun run,
                            Duration limit, byte[] message) {
        return handOverUnder(pending, mail, key(serverId, options), run, limit, message);
    }

    private static boolean handOverUnder(PendingChecks pending, Mail mail, String checkKey, CheckRun run,
                                         Duration limit, byte[] message) {
        if (message == null) {
            return handOverUnder(pending, mail, checkKey, run, limit, 0);
        }
        Optional<String> token = pending.put(checkKey, run, limit, message);
        token.ifPresent(t -> mail.setAttribute(new Attribute(PENDING, AttributeValue.of(t))));
        return token.isPresent();
    }

    /**
     * Hands the checks over without the octets they read: the SHA-256 of the mail's message ({@link #CHECKED_MESSAGE})
     * binds them to it.
     *
     * @param limit  how long from now the checks may be awaited (the checker's deadline and grace)
     * @param octets the size of the message the run holds until it finishes (0 when its checks read none)
     * @return false when the table is full: await the run and {@link #store} the report instead
     */
    public static boolean handOver(Mail mail, String serverId, CheckOptions options, CheckRun run, Duration limit,
                                   long octets) {
        return handOverUnder(PendingChecks.shared(), mail, key(serverId, options), run, limit, octets);
    }

    static boolean handOver(PendingChecks pending, Mail mail, String serverId, CheckOptions options, CheckRun run,
                            Duration limit, long octets) {
        return handOverUnder(pending, mail, key(serverId, options), run, limit, octets);
    }

    private static boolean handOverUnder(PendingChecks pending, Mail mail, String checkKey, CheckRun run,
                                         Duration limit, long octets) {
        Optional<String> token = pending.put(checkKey, run, limit, octets);
        token.ifPresent(t -> {
            mail.setAttribute(new Attribute(PENDING, AttributeValue.of(t)));
            mail.setAttribute(new Attribute(CHECKED_MESSAGE, AttributeValue.of(MessageBinding.digest(message(mail)))));
        });
        return token.isPresent();
    }

    /** Stores the session's results on the mail and marks it checked under {@code serverId} with {@code options}. */
    public static void store(Mail mail, String serverId, CheckOptions options, AuthCheckReport report) {
        storeUnder(mail, serverId, key(serverId, options), report, report.methodResults());
    }

    /**
     * {@link #store(Mail, String, CheckOptions, AuthCheckReport)} marked with the key of {@code settings}: its
     * serverId, checks and verdict policy (review s23).
     */
    public static void store(Mail mail, CheckSettings settings, AuthCheckReport report) {
        storeUnder(mail, settings.serverId(), key(settings), report, report.methodResults());
    }

    /**
     * {@link #store(Mail, String, CheckOptions, AuthCheckReport)} for a message too large to read again here: bound to
     * it by {@code digest}, its {@link MessageBinding#digest} made when it was streamed for the check (a
     * {@link MessageBinding#digesting} stream, whole and without error), the message not read again.
     */
    public static void store(Mail mail, String serverId, CheckOptions options, AuthCheckReport report,
                             String digest) {
        mail.setAttribute(new Attribute(CHECKED_MESSAGE, AttributeValue.of(digest)));
        store(mail, serverId, options, report);
    }

    /** {@link #store(Mail, String, CheckOptions, AuthCheckReport, String)} under the key of {@code settings}. */
    public static void store(Mail mail, CheckSettings settings, AuthCheckReport report, String digest) {
        mail.setAttribute(new Attribute(CHECKED_MESSAGE, AttributeValue.of(digest)));
        store(mail, settings, report);
    }

    private static void storeUnder(Mail mail, String serverId, String checkKey, AuthCheckReport report,
                                   List<MethodResult> resinfos) {
        storeUnder(mail, serverId, checkKey, report, resinfos, AuthResultsWriter.headerValue(serverId, resinfos),
                Optional.empty());
    }

    /**
     * @param checked the octets the results describe, when known to be the mail's message (checks handed over with
     *                them, taken after the message was compared with them): digested as they are, not streamed again
     */
    private static void storeUnder(Mail mail, String serverId, String checkKey, AuthCheckReport report,
                                   List<MethodResult> resinfos, String fieldValue, Optional<byte[]> checked) {
        MailAttributes.store(mail, serverId, report, resinfos, fieldValue);
        mail.setAttribute(new Attribute(CHECKED_IN_SESSION, AttributeValue.of(checkKey)));
        if (checked.isPresent()) {
            mail.setAttribute(new Attribute(CHECKED_MESSAGE, AttributeValue.of(MessageBinding.digest(checked.get()))));
        } else if (mail.getAttribute(CHECKED_MESSAGE).isEmpty()) {
            // awaited in the session (checks handed over without their octets were bound when handed over)
            mail.setAttribute(new Attribute(CHECKED_MESSAGE, AttributeValue.of(MessageBinding.digest(message(mail)))));
        }
    }

    /**
     * The results to write when the mail was checked in the session under the same authserv-id with the same checks;
     * empty otherwise (then the mailet checks the mail itself). Checks handed over in this JVM are taken: waited for
     * until their deadline (unfinished ones are then {@code temperror}, as in the mailet's own check) and stored
     * on the mail. Never throws.
     */
    public static Optional<List<MethodResult>> results(Mail mail, String serverId, CheckOptions options) {
        return results(PendingChecks.shared(), mail, serverId, options);
    }

    static Optional<List<MethodResult>> results(PendingChecks pending, Mail mail, String serverId,
                                                CheckOptions options) {
        return checked(pending, mail, serverId, options).map(Checked::resinfos);
    }

    /**
     * The session's results ({@link #results}), with the body of our field when it was written here (checks
     * handed over are stored now, the field's body written once for the attribute and the field); empty
     * {@code fieldValue} for results stored earlier. {@code localOverload}: a handed-over check depended on a lookup
     * the resolver did not send, being at its bound ({@link AuthCheckReport#localOverload()}): the mailet, which no
     * client waits for, may check the mail again.
     */
    public record Checked(List<MethodResult> resinfos, Optional<String> fieldValue, boolean localOverload) {
    }

    /** {@link #results}, with the field's body when it was written on the way. Never throws. */
    public static Optional<Checked> checked(Mail mail, String serverId, CheckOptions options) {
        return checked(PendingChecks.shared(), mail, serverId, options, true);
    }

    /**
     * {@link #checked(Mail, String, CheckOptions)}; {@code bindForReuse} false when the caller changes the message
     * next (it writes our field): handed-over checks taken now are then not bound to the message for a later
     * MailAuthCheck alike (a SHA-256 of the message no later message could match), and that one checks again.
     */
    public static Optional<Checked> checked(Mail mail, String serverId, CheckOptions options, boolean bindForReuse) {
        return checked(PendingChecks.shared(), mail, serverId, options, bindForReuse);
    }

    /**
     * {@link #checked(Mail, String, CheckOptions, boolean)} for a MailAuthCheck with {@code settings}: the session's
     * results are used only when they were made with the same serverId, checks and verdict policy
     * ({@link CheckSettings#verdictPolicy}, review s23).
     */
    public static Optional<Checked> checked(Mail mail, CheckSettings settings, boolean bindForReuse) {
        return checkedUnder(PendingChecks.shared(), mail, settings.serverId(), key(settings), bindForReuse);
    }

    static Optional<Checked> checked(PendingChecks pending, Mail mail, String serverId, CheckOptions options) {
        return checked(pending, mail, serverId, options, true);
    }

    static Optional<Checked> checked(PendingChecks pending, Mail mail, String serverId, CheckOptions options,
                                     boolean bindForReuse) {
        return checkedUnder(pending, mail, serverId, key(serverId, options), bindForReuse);
    }

    private static Optional<Checked> checkedUnder(PendingChecks pending, Mail mail, String serverId, String checkKey,
                                                  boolean bindForReuse) {
        try {
            Optional<String> token = MailEnvelopes.stringAttribute(mail, PENDING);
            Optional<byte[]> held = token.flatMap(pending::message);
            if (!describesMessage(pending, mail, token, held)) {
                return Optional.empty();
            }
            Optional<Checked> handedOver = takeHandedOver(pending, mail, token,
                    bindForReuse ? held : Optional.empty(), bindForReuse, serverId, checkKey);
            return handedOver.isPresent() ? handedOver
                    : stored(mail, serverId, checkKey).map(r -> new Checked(r, Optional.empty(), false));
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            LOG.warn("{}: the session's results not used: {}", mail.getName(), e.toString());
            return Optional.empty();
        }
    }

    /**
     * Checks handed over under the mail's token and this check key, stored on the mail once taken; their resinfos
     * (made once, for the attributes and the field). The token stays while not taken: a MailAuthCheck with another
     * serverId or other checks may leave it to one configured alike.
     */
    private static Optional<Checked> takeHandedOver(PendingChecks pending, Mail mail, Optional<String> token,
                                                    Optional<byte[]> held, boolean bind, String serverId,
                                                    String checkKey) {
        if (token.isEmpty()) {
            return Optional.empty();
        }
        Optional<AuthCheckReport> report;
        try {
            report = pending.take(token.get(), checkKey);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("{}: interrupted while waiting for the session's checks", mail.getName());
            return Optional.empty();
        }
        return report.map(r -> {
            mail.removeAttribute(PENDING);
            List<MethodResult> resinfos = r.methodResults();
            String fieldValue = AuthResultsWriter.headerValue(serverId, resinfos);
            if (bind) {
                storeUnder(mail, serverId, checkKey, r, resinfos, fieldValue, held);
            } else {
                MailAttributes.store(mail, serverId, r, resinfos, fieldValue);
                mail.setAttribute(new Attribute(CHECKED_IN_SESSION, AttributeValue.of(checkKey)));
                mail.removeAttribute(CHECKED_MESSAGE);
            }
            return new Checked(resinfos, Optional.of(fieldValue), r.localOverload());
        });
    }

    private static Optional<List<MethodResult>> stored(Mail mail, String serverId, String checkKey) {
        boolean same = MailEnvelopes.stringAttribute(mail, CHECKED_IN_SESSION)
                .filter(checkKey::equals).isPresent()
                && MailAttributes.authservId(mail).filter(serverId::equals).isPresent();
        if (!same) {
            return Optional.empty();
        }
        try {
            return MailAttributes.results(mail);
        } catch (MailAttributes.UnreadableResults e) {
            // never a field written from part of them (review s22): the mailet checks the mail itself
            LOG.warn("{}: the session's results not used: {}", mail.getName(), LogText.of(e.getMessage()));
            return Optional.empty();
        }
    }

    /**
     * Whether the session's results (stored or handed over) were made for the mail's message as it is now: the
     * octets the handed-over run read ({@code held}), compared octet for octet, or else the SHA-256 stored with the
     * results. When not, the mark of a check in the session is taken off and a handed-over run dropped, so the
     * mailet checks the message in hand.
     */
    private static boolean describesMessage(PendingChecks pending, Mail mail, Optional<String> token,
                                            Optional<byte[]> held) {
        boolean marked = mail.getAttribute(CHECKED_IN_SESSION).isPresent() || mail.getAttribute(PENDING).isPresent();
        if (!marked) {
            return false;
        }
        if (held.isPresent()) {
            if (MessageBinding.sameOctets(message(mail), held.get())) {
                return true;
            }
        } else {
            Optional<String> bound = MailEnvelopes.stringAttribute(mail, CHECKED_MESSAGE);
            if (bound.isPresent() && MessageBinding.matches(bound.get(), message(mail))) {
                return true;
            }
            if (bound.isEmpty() && token.isPresent() && mail.getAttribute(CHECKED_IN_SESSION).isEmpty()) {
                // handed over with its octets, and no longer in this JVM's table (expired, taken by a copy of the
                // mail, James restarted, another node): nothing to use, the mailet checks the mail
                LOG.debug("{}: the session's checks are not in this JVM's table: checked here", mail.getName());
                return false;
            }
        }
        LOG.info("{}: the session's results are for another message (a duplicate, or a message changed since): "
                + "checked again", mail.getName());
        MailEnvelopes.stringAttribute(mail, PENDING).ifPresent(pending::discard);
        mail.removeAttribute(CHECKED_IN_SESSION);
        mail.removeAttribute(PENDING);
        mail.removeAttribute(CHECKED_MESSAGE);
        return false;
    }

    /** The mail's message; null when there is none or it cannot be had (then nothing matches it). */
    private static MimeMessage message(Mail mail) {
        try {
            return mail.getMessage();
        } catch (MessagingException | RuntimeException | StackOverflowError | OutOfMemoryError e) {
            return null;
        }
    }

    /** The latest check key made: a James has one or two configurations, so the key is made once, not per mail. */
    private record Key(String serverId, CheckOptions options, String text) {
    }

    private static volatile Key lastKey = new Key("", null, "");

    /** Stable across restarts (a mail may wait in the spool): the checks by name, the sealers sorted. */
    static String key(String serverId, CheckOptions o) {
        Key last = lastKey;
        if (java.util.Objects.equals(last.serverId(), serverId) && (o == last.options() || o.equals(last.options()))) {
            return last.text();
        }
        String text = makeKey(serverId, o);
        lastKey = new Key(serverId, o, text);
        return text;
    }

    /** The latest key of a {@link CheckSettings} made (one object per hook or mailet). */
    private record SettingsKey(CheckSettings settings, String text) {
    }

    private static volatile SettingsKey lastSettingsKey = new SettingsKey(null, "");

    /**
     * The key of {@code settings}: {@link #key(String, CheckOptions)} and, when it is not the default, the verdict
     * policy ({@link CheckSettings#verdictPolicy}): the key of default settings is the one mail in the spool carries.
     */
    static String key(CheckSettings settings) {
        SettingsKey last = lastSettingsKey;
        if (last.settings() == settings) {
            return last.text();
        }
        String policy = settings.verdictPolicy();
        String base = key(settings.serverId(), settings.options());
        if (policy.isEmpty()) {
            return base;
        }
        String text = base + " verdictPolicy=[" + policy + "]";
        lastSettingsKey = new SettingsKey(settings, text);
        return text;
    }

    private static String makeKey(String serverId, CheckOptions o) {
        return serverId + "|dkim=" + o.dkim() + " spf=" + o.spf() + " iprev=" + o.iprev() + " smtpAuth="
                + o.smtpAuth() + " dmarc=" + o.dmarc() + " arc=" + o.arc() + " trustedArcSealers="
                + new java.util.TreeSet<>(o.trustedArcSealers())
                // the same key as before translator prefixes existed when none are set (mail in the spool)
                + (o.translatorPrefixes().isEmpty() ? "" : " translatorPrefixes=[" + o.translatorPrefixes() + "]");
    }
}
