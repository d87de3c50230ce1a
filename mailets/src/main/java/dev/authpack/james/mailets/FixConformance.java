package dev.authpack.james.mailets;

import dev.authpack.james.InitParameters;
import dev.authpack.conformance.CharsetGuesser;
import dev.authpack.conformance.ConformanceOutcome;
import dev.authpack.conformance.ConformancePolicy;
import dev.authpack.james.ConformanceParameters;
import dev.authpack.james.LogText;
import dev.authpack.james.MessageSizeLimit;
import dev.authpack.james.MimeMessageBytes;
import dev.authpack.james.WholeReadBudget;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import java.io.IOException;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Checks and repairs RFC 5322 / MIME conformance, as KumoMTA's {@code check_fix_conformance(checks, fixes)}
 * (docs/FixConformance.md).
 *
 * <pre>{@code
 * <mailet match="All" class="dev.authpack.james.mailets.FixConformance">
 *   <checks>MISSING_COLON_VALUE</checks>
 *   <fixes>LINE_TOO_LONG|NAME_ENDS_WITH_SPACE|NEEDS_TRANSFER_ENCODING|NON_CANONICAL_LINE_ENDINGS|MISSING_DATE_HEADER|MISSING_MESSAGE_ID_HEADER|MISSING_MIME_VERSION</fixes>
 *   <detectEncoding>true</detectEncoding>
 *   <serverId>mx.example.org</serverId>
 *   <processor>error</processor>
 * </mailet>
 * }</pre>
 *
 * <p>A mail with an issue in {@code checks} (and not also in {@code fixes}) gets the attribute
 * {@code authpack.conformance.issues} (the labels, {@code |}-separated) and goes to {@code processor} (default
 * {@code error}). Otherwise issues in {@code fixes} are repaired, the attribute {@code authpack.conformance.fixed}
 * names them, and the mail goes on. Missing Date, Message-ID or MIME-Version alone only add fields on top; any
 * other fix rebuilds the message, which breaks signatures over it: put {@code DkimSign} and {@code ArcSeal} after
 * this mailet. A walk of the MIME tree stopped by a bound or a parse error refuses the walk's issues in {@code checks}
 * (fixes too or not); those only in {@code fixes} it could not look for past the bound are named in the attribute
 * {@code authpack.conformance.unchecked} (WARN log naming the bound), the mail going on. A mail that cannot be read
 * goes on unchanged; {@link #service} never throws.
 */
public class FixConformance extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(FixConformance.class);
    static final String PROCESSOR = "processor";
    static final String DEFAULT_PROCESSOR = "error";
    static final String MAX_CHECKED_SIZE = "maxCheckedSize";
    /** {@link ConformanceParameters#NAMES} and the mailet's own three; any other stops James at start. */
    static final Set<String> PARAMETERS = Stream.concat(ConformanceParameters.NAMES.stream(),
            Stream.of(PROCESSOR, MAX_CHECKED_SIZE, WholeReadBudget.PARAMETER))
            .collect(Collectors.toUnmodifiableSet());

    private ConformancePolicy policy;
    private String processor;
    /** {@code maxCheckedSize}: a larger message goes on as it is, marked, never read whole. */
    private MessageSizeLimit maxChecked;
    /**
     * {@code maxCheckedTotal} ({@link WholeReadBudget}: the JVM-wide count of the messages read whole at once): a
     * message it leaves no room for cannot wait in the spool, nor be checked in parts, so it goes on as one over
     * {@code maxCheckedSize} does, marked (the reason names maxCheckedTotal), logged at WARN.
     */
    private WholeReadBudget maxCheckedTotal;

    @Override
    public void init() throws MessagingException {
        InitParameters.check("FixConformance", getMailetConfig(), PARAMETERS);
        try {
            policy = ConformanceParameters.policy(this::getInitParameter);
            maxChecked = MessageSizeLimit.parse(MAX_CHECKED_SIZE, getInitParameter(MAX_CHECKED_SIZE));
            maxCheckedTotal = WholeReadBudget.read(getInitParameter(WholeReadBudget.PARAMETER), maxChecked);
        } catch (IllegalArgumentException e) {
            throw new MessagingException("FixConformance: " + e.getMessage(), e);
        }
        processor = getInitParameter(PROCESSOR, DEFAULT_PROCESSOR).strip();
        if (processor.isEmpty()) {
            throw new MessagingException("FixConformance: processor must name a processor (default "
                    + DEFAULT_PROCESSOR + ")");
        }
        if (processor.equalsIgnoreCase(Mail.GHOST)) {
            // James drops a mail in state ghost: a mail failing a check would vanish without a copy (session 21)
            throw new MessagingException("FixConformance: processor must not be " + Mail.GHOST + " (James drops such"
                    + " mail, with no copy anywhere): name a processor that stores it, such as " + DEFAULT_PROCESSOR
                    + " (the default), or one of your own");
        }
        LOGGER.info("FixConformance ready: checks={} fixes={} detectEncoding={} processor={} {} {}", policy.checks(),
                policy.fixes(), policy.settings().guesser() != CharsetGuesser.NONE,
                processor, maxChecked, maxCheckedTotal);
    }

    @Override
    public void service(Mail mail) {
        try {
            MimeMessage message = mail.getMessage();
            if (message == null) {
                return;
            }
            long size = MimeMessageBytes.size(mail);
            if (maxChecked.exceededBy(size)) {
                skipped(mail, size);
                return;
            }
            // read whole only while maxCheckedTotal holds its octets (of unknown size: maxCheckedSize), released on
            // every path; with no room for it, passed on unchecked and marked (the spool cannot defer it)
            WholeReadBudget.Hold hold = maxCheckedTotal.tryHold(size, maxChecked);
            if (hold == null) {
                String reason = maxCheckedTotal.reason(size);
                LOGGER.warn("{}: conformance not checked, mail passed on unchanged, {}: {}", mail.getName(),
                        ConformanceParameters.markSkipped(mail, reason), reason);
                return;
            }
            try (hold) {
                check(mail, message, size);
            }
        } catch (IOException | MessagingException | RuntimeException | StackOverflowError | OutOfMemoryError e) {
            // the spool cannot defer it: on, unchanged, but marked as a message over the limits is, so that a reject
            // set relied on can match the mark (review s21: it went on unmarked, as if it had passed)
            String reason = "not checked: " + e.getClass().getSimpleName();
            String marked = ConformanceParameters.markSkipped(mail, reason);
            LOGGER.warn("{}: conformance not checked, mail passed on unchanged, {}: {}", mail.getName(), marked,
                    LogText.of(e.toString()));
        }
    }

    private void skipped(Mail mail, long size) {
        maxChecked.markSkipped(mail, MessageSizeLimit.CONFORMANCE_SKIPPED, size);
        LOGGER.info("{}: conformance not checked, mail passed on unchanged: {}", mail.getName(),
                maxChecked.reason(size));
    }

    /** The message within maxCheckedSize, its octets held by maxCheckedTotal: checked, rejected or repaired. */
    private void check(Mail mail, MimeMessage message, long size) throws IOException, MessagingException {
        // a size not known beforehand: read only up to the limit, past it skipped as over it (review s18 L2)
        java.util.Optional<byte[]> octets = maxChecked.readWithin(message, size);
        if (octets.isEmpty()) {
            skipped(mail, size);
            return;
        }
        ConformanceOutcome outcome = policy.apply(octets.get());
        if (!outcome.report().complete()) {
            LOGGER.info("{}: MIME tree beyond the conformance limits, or ambiguous (a boundary inside a line);"
                    + " checked what is within them, not rebuilt", mail.getName());
        }
        if (outcome instanceof ConformanceOutcome.Rejected rejected) {
            // the state first: a failed check goes to the processor even when its mark cannot be stored (review s21)
            mail.setState(processor);
            String unmarked = ConformanceParameters.mark(mail, ConformanceParameters.ISSUES, rejected.issues());
            LOGGER.info("{}: {}; to processor {}{}", mail.getName(), rejected.reason(), processor, unmarked);
        } else if (outcome instanceof ConformanceOutcome.Repaired repaired) {
            mail.setMessage(MimeMessageBytes.from(repaired.message()));
            // from here the message is the repaired one: no failure may be logged as "passed on unchanged" (s21)
            String unmarked = ConformanceParameters.mark(mail, ConformanceParameters.FIXED, repaired.fixed());
            LOGGER.info("{}: repaired {}{}{}{}", mail.getName(), repaired.fixed(),
                    repaired.rebuilt() ? " (rebuilt)" : " (fields added)",
                    repaired.remaining().isEmpty() ? "" : "; still " + repaired.remaining(), unmarked);
        }
        // a fix the walk could not look for past a bound: marked, never a plain pass (review s23 C1)
        ConformanceParameters.markUnwalked(mail, outcome).ifPresent(words ->
                LOGGER.warn("{}: {}; mail passed on", mail.getName(), words));
    }

    @Override
    public String getMailetInfo() {
        return "authpack FixConformance: checks and repairs RFC 5322 / MIME conformance (KumoMTA's labels)";
    }
}
