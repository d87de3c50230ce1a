package dev.authpack.james.smtp;

import dev.authpack.conformance.ConformanceOutcome;
import dev.authpack.conformance.ConformancePolicy;
import dev.authpack.james.ConformanceParameters;
import dev.authpack.james.InitParameters;
import dev.authpack.james.MessageSizeLimit;
import dev.authpack.james.MimeMessageBytes;
import dev.authpack.james.WholeReadBudget;
import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.protocols.smtp.SMTPRetCode;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.dsn.DSNStatus;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.smtpserver.JamesMessageHook;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The conformance check and repair of {@code FixConformance} at the end of DATA, so that the sender sees the
 * refusal in the session: {@code 552 5.6.0 Message has conformance issues: LABEL, LABEL} (KumoMTA's wording).
 * Issues in {@code fixes} are repaired before the mail is queued (docs/FixConformance.md). A walk of the MIME tree
 * stopped by a bound or a parse error is refused for the walk's issues in {@code checks}, fixes too or not (they
 * cannot be repaired unread); those only in {@code fixes} are named in {@code authpack.conformance.unchecked}.
 *
 * <pre>{@code
 * <handlerchain>
 *   <handler class="dev.authpack.james.smtp.FixConformanceHook">
 *     <checks>MISSING_COLON_VALUE|NON_CANONICAL_LINE_ENDINGS</checks>
 *     <fixes>MISSING_DATE_HEADER|MISSING_MESSAGE_ID_HEADER</fixes>
 *     <serverId>mx.example.org</serverId>
 *   </handler>
 * </handlerchain>
 * }</pre>
 *
 * <p>Parameters: {@code checks}, {@code fixes}, {@code detectEncoding}, {@code includeEncodings},
 * {@code excludeEncodings}, {@code serverId}, {@code maxCheckedSize}, {@code maxCheckedTotal}, as the mailet. A
 * message that cannot be read or checked (an exception, a {@link StackOverflowError} or {@link OutOfMemoryError}) is
 * refused for now with {@link #tryLater} when the hook refuses mail ({@link #refuses}: an issue of {@code checks} not
 * in {@code fixes}, or one the walk finds), so that an error is never cheaper than a failed check (review s21 final); a hook that only
 * repairs accepts it unchanged, marked {@code authpack.conformance.skipped}. One over {@code maxCheckedSize} (64 MiB by
 * default) is not read (James' own {@code maxmessagesize} is unlimited by default, and this hook reads the message
 * whole on an I/O thread: review s19): refused {@code 552 5.3.4} ({@link #tooLarge}) when the hook refuses mail, so
 * that padding does not get a message past the reject set (review s22), else accepted unchanged with the attribute
 * {@code authpack.conformance.skipped}. A message within it is read whole only
 * while {@code maxCheckedTotal} (the JVM-wide count of {@link WholeReadBudget}) holds its octets; one it leaves no room
 * for is refused for now, {@code 451 4.3.1} (RFC 3463 §3.4: mail system full), never accepted unchecked: an attacker
 * filling the budget does not get a non-conformant message past the reject set (review s19 final). {@link #onMessage}
 * never throws.
 */
public class FixConformanceHook implements JamesMessageHook {
    private static final Logger LOGGER = LoggerFactory.getLogger(FixConformanceHook.class);

    private static final String MAX_CHECKED_SIZE = "maxCheckedSize";
    private ConformancePolicy policy;
    /** {@code maxCheckedSize}: a larger message is accepted unread and unchanged, marked. */
    private MessageSizeLimit maxChecked = new MessageSizeLimit(MAX_CHECKED_SIZE, MessageSizeLimit.DEFAULT);
    /** {@code maxCheckedTotal}: a message it leaves no room for is refused with {@link #tryLater}. */
    private WholeReadBudget maxCheckedTotal = WholeReadBudget.read(null, maxChecked);
    /** Whether a failed check refuses mail: then a message that could not be checked is deferred, not accepted. */
    private boolean refuses;

    @Override
    public void init(Configuration config) throws ConfigurationException {
        Set<String> accepted = new TreeSet<>(ConformanceParameters.NAMES);
        accepted.add(MAX_CHECKED_SIZE);
        accepted.add(WholeReadBudget.PARAMETER);
        Optional<String> unknown = InitParameters.unknown("FixConformanceHook", config.getKeys(), accepted);
        if (unknown.isPresent()) {
            throw new ConfigurationException(unknown.get());
        }
        try {
            policy = ConformanceParameters.policy(key -> config.getString(key, null));
            maxChecked = MessageSizeLimit.parse(MAX_CHECKED_SIZE, config.getString(MAX_CHECKED_SIZE, null));
            maxCheckedTotal = WholeReadBudget.read(config.getString(WholeReadBudget.PARAMETER, null), maxChecked);
            refuses = refuses(policy);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("FixConformanceHook: " + e.getMessage(), e);
        }
        LOGGER.info("FixConformanceHook ready: checks={} fixes={} {} {}", policy.checks(), policy.fixes(),
                maxChecked, maxCheckedTotal);
    }

    @Override
    public HookResult onMessage(SMTPSession session, Mail mail) {
        try {
            MimeMessage message = mail.getMessage();
            if (message == null || policy == null) {
                return HookResult.DECLINED;
            }
            long size = MimeMessageBytes.size(mail);
            if (maxChecked.exceededBy(size)) {
                return overMaxChecked(session, mail, size);
            }
            // read whole only while maxCheckedTotal holds its octets (of unknown size: maxCheckedSize), released on
            // every path; with no room for it, refused for now (the client retries), never accepted unchecked
            WholeReadBudget.Hold hold = maxCheckedTotal.tryHold(size, maxChecked);
            if (hold == null) {
                LOGGER.info("FixConformanceHook: 451 in session {}: {}", session.getSessionID(),
                        maxCheckedTotal.reason(size));
                return tryLater();
            }
            try (hold) {
                // of unknown size (-1): read up to maxCheckedSize and no further, then as one over it
                Optional<byte[]> octets = maxChecked.readWithin(message, size);
                return octets.isPresent() ? check(session, mail, octets.get()) : overMaxChecked(session, mail, size);
            }
        } catch (IOException | MessagingException | RuntimeException | StackOverflowError | OutOfMemoryError e) {
            return notChecked(session, mail, e);
        }
    }

    /**
     * A message over {@code maxCheckedSize}, not read: refused ({@link #tooLarge}) when a failed check would refuse
     * mail, so that padding a message past the bound does not get it past the reject set (review s22: it was accepted
     * unread, the reject set skipped); accepted unchanged and marked {@code authpack.conformance.skipped} when the
     * hook only repairs.
     */
    private HookResult overMaxChecked(SMTPSession session, Mail mail, long size) {
        if (refuses) {
            LOGGER.info("FixConformanceHook: 552 in session {}, conformance not checked: {}", session.getSessionID(),
                    maxChecked.reason(size));
            return tooLarge(maxChecked.octets());
        }
        LOGGER.info("FixConformanceHook: conformance not checked in session {}, message accepted unchanged, {}: {}",
                session.getSessionID(), ConformanceParameters.markSkipped(mail, maxChecked.reason(size)),
                maxChecked.reason(size));
        return HookResult.DECLINED;
    }

    /**
     * A message that could not be read or checked: refused for now ({@link #tryLater}, the client retries) when a
     * failed check would refuse it, so that an error is never cheaper than a fail; accepted unchanged when the hook
     * only repairs (nothing to enforce), marked {@code authpack.conformance.skipped} = {@code not checked: <error>}
     * as the mailet marks it (review s22: it went on unmarked).
     */
    private HookResult notChecked(SMTPSession session, Mail mail, Throwable e) {
        if (refuses) {
            LOGGER.warn("FixConformanceHook: 451 in session {}, conformance not checked: {}", session.getSessionID(),
                    e.toString());
            return tryLater();
        }
        LOGGER.warn("FixConformanceHook: conformance not checked in session {}, message accepted unchanged, {}: {}",
                session.getSessionID(), ConformanceParameters.markSkipped(mail,
                        "not checked: " + e.getClass().getSimpleName()), e.toString());
        return HookResult.DECLINED;
    }

    /**
     * Whether the policy refuses some message: an issue in {@code checks} not also in {@code fixes}, or one in
     * {@code checks} among {@link ConformancePolicy#WALK_ISSUES}, refused, fix or not, when the walk stops short
     * (review s23 C1): a message not read at all is then deferred or refused too, never accepted unread.
     */
    static boolean refuses(ConformancePolicy policy) {
        return !policy.fixes().containsAll(policy.checks())
                || policy.checks().stream().anyMatch(ConformancePolicy.WALK_ISSUES::contains);
    }

    private HookResult check(SMTPSession session, Mail mail, byte[] message) throws IOException,
            MessagingException {
        ConformanceOutcome outcome = policy.apply(message);
        if (!outcome.report().complete()) {
            LOGGER.info("FixConformanceHook: MIME tree beyond the conformance limits, or ambiguous (a boundary inside"
                    + " a line), in session {}; checked what is within them, not rebuilt", session.getSessionID());
        }
        if (outcome instanceof ConformanceOutcome.Rejected rejected) {
            LOGGER.info("FixConformanceHook: 552 in session {}: {}", session.getSessionID(), rejected.reason());
            return refusal(rejected);
        }
        if (outcome instanceof ConformanceOutcome.Repaired repaired) {
            mail.setMessage(MimeMessageBytes.from(repaired.message()));
            // from here the message is the repaired one: not "accepted unchanged" on a failure (review s21)
            String unmarked = ConformanceParameters.mark(mail, ConformanceParameters.FIXED, repaired.fixed());
            LOGGER.info("FixConformanceHook: repaired {} in session {}{}", repaired.fixed(), session.getSessionID(),
                    unmarked);
        }
        // a fix the walk could not look for past a bound: accepted, but marked as the mailet marks it (s23 C1)
        ConformanceParameters.markUnwalked(mail, outcome).ifPresent(words ->
                LOGGER.warn("FixConformanceHook: {} in session {}; message accepted", words, session.getSessionID()));
        return HookResult.DECLINED;
    }

    /**
     * {@code 451 4.3.1 Insufficient system resources to check the message's conformance: try again later}
     * (RFC 3463 §3.4: X.3.1 mail system full, transient; RFC 5321 §4.2.5): the messages read whole at once fill
     * {@code maxCheckedTotal}, or, when the hook refuses mail, the message could not be read or checked.
     */
    static HookResult tryLater() {
        return HookResult.builder()
                .hookReturnCode(HookReturnCode.denySoft())
                .smtpReturnCode(SMTPRetCode.LOCAL_ERROR)
                .smtpDescription(DSNStatus.getStatus(DSNStatus.TRANSIENT, DSNStatus.SYSTEM_FULL)
                        + " Insufficient system resources to check the message's conformance: try again later")
                .build();
    }

    /**
     * {@code 552 5.3.4 Message too big to check its conformance (...)} (RFC 3463 §3.4: X.3.4 message too big for
     * system, permanent: as James' own {@code maxmessagesize}, RFC 5321 §4.5.3.1.10): a message over
     * {@code maxCheckedSize} when the hook refuses mail.
     */
    static HookResult tooLarge(long maxCheckedSize) {
        return HookResult.builder()
                .hookReturnCode(HookReturnCode.deny())
                .smtpReturnCode(SMTPRetCode.QUOTA_EXCEEDED)
                .smtpDescription(DSNStatus.getStatus(DSNStatus.PERMANENT, DSNStatus.SYSTEM_MSG_TOO_BIG)
                        + " Message too big to check its conformance (at most " + maxCheckedSize + " octets)")
                .build();
    }

    /** {@code 552 5.6.0 Message has conformance issues: ...} (RFC 3463 §3.7: X.6.0 other media error). */
    static HookResult refusal(ConformanceOutcome.Rejected rejected) {
        return HookResult.builder()
                .hookReturnCode(HookReturnCode.deny())
                .smtpReturnCode(SMTPRetCode.QUOTA_EXCEEDED)
                .smtpDescription(DSNStatus.getStatus(DSNStatus.PERMANENT, DSNStatus.CONTENT_OTHER)
                        + " " + rejected.reason())
                .build();
    }
}
