package dev.authpack.james.mailets;

import dev.authpack.james.InitParameters;
import dev.authpack.james.AuthpackEngines;
import dev.authpack.james.AuthpackMetrics;
import dev.authpack.james.CheckSettings;
import dev.authpack.james.DnsParameters;
import dev.authpack.james.MailAttributes;
import dev.authpack.james.MailEnvelopes;
import dev.authpack.james.MessageSizeLimit;
import dev.authpack.james.MimeMessageBytes;
import dev.authpack.james.WholeReadBudget;
import dev.authpack.james.LogText;
import dev.authpack.mail.MessageLimits;
import dev.authpack.check.AuthCheckReport;
import dev.authpack.authres.AuthResultsWriter;
import dev.authpack.authres.MethodResult;
import dev.authpack.check.CheckOptions;
import dev.authpack.check.CheckRun;
import dev.authpack.check.CheckTimer;
import dev.authpack.check.Envelope;
import dev.authpack.check.MailAuthChecker;
import dev.authpack.check.StreamedBody;
import dev.authpack.dns.DnsSettings;
import dev.authpack.dns.TransportShare;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.inject.Inject;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Authenticates incoming mail: DKIM, SPF (MAIL FROM and HELO), iprev, SMTP AUTH, DMARC and ARC. Reports only: results go into
 * mail attributes ({@link MailAttributes}) and, by default, an {@code Authentication-Results} field. Policy is
 * for matchers and mailets after it. See docs/MailAuthCheck.md for the parameters.
 *
 * <p>In {@code mailetcontainer.xml}, first in the {@code root} processor (docs/MailAuthCheck.md, all parameters):
 * <pre>{@code
 * <mailet match="All" class="dev.authpack.james.mailets.MailAuthCheck">
 *     <serverId>mx.example.org</serverId>
 *     <dnsServers>127.0.0.1:53</dnsServers>
 *     <dnsTimeout>3000</dnsTimeout>
 * </mailet>
 * }</pre>
 *
 * <p>Never throws for bad mail. Every check is bounded by its engine's own time budget; one that times out, fails
 * or is interrupted is reported as {@code temperror}. Fields claiming our authserv-id are removed on every path
 * (in a {@code finally}), also from mail that cannot be checked (no client address, say).
 */
public class MailAuthCheck extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(MailAuthCheck.class);
    /** {@link CheckSettings#PARAMETERS} and the mailet's own two. */
    static final Set<String> PARAMETERS = Stream.concat(CheckSettings.PARAMETERS.stream(),
            Stream.of("addAuthenticationResults", "removeForgedAuthResults", "checkTimers", "overloadRetry"))
            .collect(Collectors.toUnmodifiableSet());
    private final AuthpackEngines engines;
    private final AuthpackMetrics metrics;
    private MailAuthChecker checker;
    private CheckOptions options;
    private String serverId;
    /** The check parameters read at init: the session's results are used only under the same (review s23). */
    private CheckSettings settings;
    private boolean addAuthenticationResults;
    private boolean removeForged;
    /**
     * The per-check timers ({@code authpack.check.METHOD}), or none: off by default, because six James timer
     * updates a mail cost about a tenth of the check itself in James (docs/metrics.md, docs/benchmarks.md).
     */
    private CheckTimer checkTimer = CheckTimer.NONE;
    private Duration deadline;
    /** How long a check whose lookups this server did not send is asked again ({@code overloadRetry}). */
    private Duration overloadRetry = DEFAULT_OVERLOAD_RETRY;
    static final Duration DEFAULT_OVERLOAD_RETRY = Duration.ofSeconds(10);
    static final Duration MAX_OVERLOAD_RETRY = Duration.ofMinutes(2);
    /** The first pause before a check is asked again; each pause doubles, up to {@link #MAX_PAUSE}. */
    static final Duration FIRST_PAUSE = Duration.ofMillis(50);
    static final Duration MAX_PAUSE = Duration.ofSeconds(1);
    /**
     * After a check still met the overload at the end of {@code overloadRetry}, checks are not run again for this
     * long (or {@code overloadRetry}, if longer): an overload that lasts is an attack or a resolver down, and each
     * mail waiting on a spool thread would only slow every other mail. The hold is not ended by a check that met no
     * overload (answered from the cache, it says nothing of the resolver's room); once it has passed, the next
     * check that meets the overload is run again, and tells.
     */
    static final Duration FUTILE_HOLD = Duration.ofSeconds(30);
    /**
     * Messages larger than this are not checked again: each run hashes the body and verifies every signature
     * again, and an attacker can cause the overload at will.
     */
    static final int MAX_RERUN_OCTETS = 1 << 20;
    /** {@link System#nanoTime()} when a check was last run again in vain, or {@link Long#MIN_VALUE}. */
    private final java.util.concurrent.atomic.AtomicLong futileAt =
            new java.util.concurrent.atomic.AtomicLong(Long.MIN_VALUE);
    /**
     * {@code maxCheckedSize}: a larger message is checked from its header section, its body streamed for the DKIM and
     * ARC body hashes, never read whole.
     */
    private MessageSizeLimit maxChecked;
    /**
     * {@code maxCheckedTotal}: the octets of messages read whole at once, JVM-wide; a message that would take them
     * over it is checked as one over {@code maxCheckedSize} is.
     */
    private WholeReadBudget maxCheckedTotal;

    /** Inside James: the pack's shared engines and James' metrics (docs/metrics.md). */
    @Inject
    public MailAuthCheck(AuthpackEngines engines, MetricFactory metricFactory) {
        this(engines, AuthpackMetrics.of(metricFactory));
    }

    /** Without metrics. */
    public MailAuthCheck(AuthpackEngines engines) {
        this(engines, AuthpackMetrics.NONE);
    }

    MailAuthCheck(AuthpackEngines engines, AuthpackMetrics metrics) {
        this.engines = engines;
        this.metrics = metrics;
    }

    /** Outside James, or without Guice: the shared engines, no metrics. */
    public MailAuthCheck() {
        this(AuthpackEngines.shared());
    }

    @Override
    public void init() throws MessagingException {
        InitParameters.check("MailAuthCheck", getMailetConfig(), PARAMETERS);
        addAuthenticationResults = bool("addAuthenticationResults");
        removeForged = bool("removeForgedAuthResults");
        checkTimer = bool("checkTimers", false) ? metrics.checkTimer() : CheckTimer.NONE;
        overloadRetry = overloadRetry();
        CheckSettings settings;
        try {
            // the one reader of the check parameters, shared with the SMTP hook (SessionAuthCheck)
            settings = CheckSettings.read(this::getInitParameter);
            // the spool's own lookups stop at 7/8 of the DNS transport: the rest stays for the SMTP sessions' end of
            // DATA, which a client waits for (four spool threads on an attacker's messages could take all of it)
            checker = settings.checker(engines).over(TransportShare.upTo(engines.resolver(settings.dns()),
                    TransportShare.SPOOL));
        } catch (IllegalArgumentException e) {
            throw new MessagingException("MailAuthCheck: " + e.getMessage(), e);
        }
        serverId = settings.serverId();
        options = settings.options();
        this.settings = settings;
        maxChecked = settings.maxCheckedSize();
        maxCheckedTotal = settings.maxCheckedTotal();
        // one deadline rule: each check ends within its engine's budget; the message's deadline follows from them
        deadline = checker.awaitLimit();
        LOGGER.info("MailAuthCheck ready: serverId={} checks={} dns={} {} {}", serverId, options, settings.dns(),
                maxChecked, maxCheckedTotal);
    }

    /**
     * Checks the mail, stores the results, and in a {@code finally} removes fields claiming our authserv-id and
     * writes ours, whatever happened: a check that times out, fails or is interrupted gives {@code temperror}.
     */
    @Override
    public void service(Mail mail) {
        // ---- begin: reuse of the SMTP session's check (issue 11; hook dev.authpack.james.smtp.SessionAuthCheck) ----
        Optional<dev.authpack.james.SessionCheckedMail.Checked> checkedInSession =
                dev.authpack.james.SessionCheckedMail.checked(mail, settings, !addAuthenticationResults);
        if (checkedInSession.isPresent() && checkedInSession.get().localOverload() && !overloadRetry.isZero()) {
            // the session's resolver was at its bound: no client waits now, so the mailet asks again itself
            LOGGER.info("{}: the session's checks met this server's DNS overload: checked again", mail.getName());
            mail.removeAttribute(dev.authpack.james.SessionCheckedMail.CHECKED_IN_SESSION);
        } else if (checkedInSession.isPresent()) {
            // counted here, once per mail, wherever it was checked (the check's time was spent in the session)
            metrics.count(checkedInSession.get().resinfos());
            writeSessionResults(mail, checkedInSession.get());
            return;
        }
        // ---- end: reuse of the SMTP session's check ----
        Checked checked = Checked.NOT_CHECKED;
        AuthpackMetrics.Timing timing = metrics.startCheck();
        try {
            checked = check(mail);
            Checked done = checked;
            if (done.unverified()) {
                metrics.notChecked();
                store(mail, done);
            } else {
                done.report().ifPresentOrElse(report -> {
                    timing.stop();
                    metrics.count(done.results());
                    store(mail, done);
                }, metrics::notChecked);
            }
            if (LOGGER.isDebugEnabled()) {
                LOGGER.debug("{}: {}", mail.getName(), logged(checked.report()));
            }
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            LOGGER.warn("{}: not checked: {}", mail.getName(), e.toString());
            metrics.notChecked();
            checked.hold().close();
            checked = storedUnverified(mail, "internal error: " + e);
        } finally {
            try {
                writeHeader(mail, checked);
            } finally {
                checked.hold().close();
            }
        }
    }

    /**
     * The report for the DEBUG line, each check's result escaped and bounded ({@link LogText}): PTR names, reasons,
     * SPF explanations and DKIM domains are text of the sender's or of its DNS zone's choosing (review s22: a PTR
     * name of CR, LF and terminal escapes made lines of the client's own in the log).
     */
    static String logged(Optional<AuthCheckReport> report) {
        if (report.isEmpty()) {
            return "not checked";
        }
        AuthCheckReport r = report.get();
        return Stream.<Optional<?>>of(r.dkim(), r.spf(), r.spfHelo(), r.iprev(), r.smtpAuth(), r.dmarc(), r.arc(),
                        r.dmarcOverride())
                .flatMap(Optional::stream).map(result -> LogText.of(String.valueOf(result)))
                .collect(Collectors.joining("; "));
    }

    // ---- begin: reuse of the SMTP session's check (issue 11) ----
    /**
     * Mail the SessionAuthCheck hook checked with the same serverId and checks (its results are on the mail already):
     * no second check; fields claiming our authserv-id are removed and ours is written from the stored results.
     */
    private void writeSessionResults(Mail mail, dev.authpack.james.SessionCheckedMail.Checked checked) {
        try {
            if (mail.getMessage() != null) {
                // the field's body written once when the results were stored just now, for the attribute and here
                Optional<String> ours = !addAuthenticationResults ? Optional.empty()
                        : Optional.of(checked.fieldValue().orElseGet(
                                () -> AuthResultsWriter.headerValue(serverId, checked.resinfos())));
                AuthResultsHeaders.rewriteWith(mail, null, serverId, removeForged, ours, maxChecked,
                        maxCheckedTotal);
            }
        } catch (MessagingException | IOException | RuntimeException | StackOverflowError | OutOfMemoryError e) {
            // fail closed (review s19 L3): not delivered with a field claiming our id, nor without ours
            AuthResultsHeaders.toErrorProcessor(mail, "MailAuthCheck", e);
        }
    }
    // ---- end: reuse of the SMTP session's check ----

    /**
     * The message octets read for the check (null when not read), the report (empty: not checked) and its
     * resinfos, made once for the metrics, the attributes and the field, and what {@code raw} holds of
     * {@code maxCheckedTotal} (released once the field is written).
     */
    private record Checked(byte[] raw, Optional<AuthCheckReport> report, List<MethodResult> results,
                           String fieldValue, WholeReadBudget.Hold hold, boolean unverified) {
        static final Checked NOT_CHECKED = new Checked(null, Optional.empty(), List.of(), null,
                WholeReadBudget.Hold.NONE, false);

        /** The field's body is written once, for the attribute and the field ({@link AuthResultsWriter#headerValue}). */
        static Checked of(byte[] raw, String serverId, AuthCheckReport report) {
            List<MethodResult> results = report.methodResults();
            return new Checked(raw, Optional.of(report), results, AuthResultsWriter.headerValue(serverId, results),
                    WholeReadBudget.Hold.NONE, false);
        }

        /** A mail that could not be checked at all, reported as unverifiable ({@link MailAuthChecker#unchecked}). */
        static Checked unverified(String serverId, AuthCheckReport report) {
            Checked checked = of(null, serverId, report);
            return new Checked(null, checked.report, checked.results, checked.fieldValue, WholeReadBudget.Hold.NONE,
                    true);
        }

        /** This, holding {@code held} until the field is written. */
        Checked holding(WholeReadBudget.Hold held) {
            return new Checked(raw, report, results, fieldValue, held, unverified);
        }
    }

    private void store(Mail mail, Checked checked) {
        MailAttributes.store(mail, serverId, checked.report().orElseThrow(), checked.results(), checked.fieldValue());
    }

    /**
     * A mail without a client address (none, or blank) was made locally, not received: not checked. One whose
     * client address is not an IP is not checked but reported unverifiable ({@link #unchecked}).
     */
    private Checked check(Mail mail) {
        Envelope envelope;
        try {
            envelope = MailEnvelopes.of(mail, options.translatorPrefixes());
        } catch (UnknownHostException e) {
            if (MailEnvelopes.noClientAddress(mail)) {
                LOGGER.info("{}: no client address (mail made locally): not checked", mail.getName());
                return Checked.NOT_CHECKED;
            }
            LOGGER.warn("{}: not checked, unverifiable: {}", mail.getName(), e.getMessage());
            return unverified(mail, e.getMessage());
        }
        return check(mail, envelope);
    }

    /**
     * Review s20: a mail that could not be checked at all ({@code why}) is reported as a run cut off before it began
     * ({@link MailAuthChecker#unchecked}): every check {@code temperror} with "not checked: why", DMARC's with the
     * disposition of an unknown author ({@code reject} under {@code strictest}), in the attributes and our field, so
     * that a {@code DmarcDisposition} matcher after the mailet does not let it through as if it had no policy.
     */
    private Checked unverified(Mail mail, String why) {
        return Checked.unverified(serverId, checker.unchecked(MailEnvelopes.withoutClient(mail), options,
                "not checked: " + why));
    }

    /** {@link #unverified}, its results stored; when even that fails, the mail goes on not checked (logged). */
    private Checked storedUnverified(Mail mail, String why) {
        try {
            Checked checked = unverified(mail, why);
            store(mail, checked);
            return checked;
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            LOGGER.warn("{}: unverifiable results not stored either: {}", mail.getName(), e.toString());
            return Checked.NOT_CHECKED;
        }
    }

    private Checked check(Mail mail, Envelope envelope) {
        long size = options.needsMessage() ? MimeMessageBytes.size(mail) : -1;
        if (maxChecked.exceededBy(size)) {
            return overMaxChecked(mail, envelope, size);
        }
        if (!options.needsMessage()) {
            return check(mail, envelope, size);
        }
        // the messages read whole at once are bounded JVM-wide (maxCheckedTotal): past it, this one is checked as one
        // over maxCheckedSize, its body streamed (the budget logs at INFO once a minute); never waits
        WholeReadBudget.Hold hold = maxCheckedTotal.tryHold(size, maxChecked);
        if (hold == null) {
            LOGGER.debug("{}: {}; checked from its header section", mail.getName(), maxCheckedTotal.reason(size));
            return await(mail, null, startHeaderOnly(mail, envelope, maxCheckedTotal.reason(size)));
        }
        Checked checked = null;
        try {
            checked = check(mail, envelope, size);
            return checked.raw() == null ? checked : checked.holding(hold);
        } finally {
            if (checked == null || checked.raw() == null) {
                hold.close();
            }
        }
    }

    /** A message over maxCheckedSize (or of unknown size found over it): checked from its header section. */
    private Checked overMaxChecked(Mail mail, Envelope envelope, long size) {
        LOGGER.info("{}: {}; checked from its header section, its body streamed for DKIM and ARC", mail.getName(),
                maxChecked.reason(size));
        return await(mail, null, startHeaderOnly(mail, envelope, maxChecked.reason(size)));
    }

    /** The check of a message within maxCheckedSize (and what maxCheckedTotal leaves), read whole. */
    private Checked check(Mail mail, Envelope envelope, long size) {
        byte[] raw = null;
        Supplier<CheckRun> start;
        if (options.needsMessage()) {
            try {
                if (size < 0) {
                    // a size not known beforehand: read whole only within maxCheckedSize (review s18 L2)
                    Optional<byte[]> within = MimeMessageBytes.ofAtMost(mail.getMessage(), maxChecked.octets());
                    if (within.isEmpty()) {
                        return overMaxChecked(mail, envelope, size);
                    }
                    raw = within.get();
                } else {
                    raw = MimeMessageBytes.of(mail.getMessage());
                }
            } catch (MessagingException | IOException | RuntimeException | StackOverflowError | OutOfMemoryError e) {
                LOGGER.warn("{}: message unreadable: {}", mail.getName(), e.toString());
                String why = "message unreadable: " + e.getMessage();
                start = () -> checker.startUnreadable(envelope, options, why, checkTimer);
                return await(mail, null, start);
            }
        }
        byte[] message = raw;
        start = () -> checker.start(envelope, message, options, checkTimer);
        return await(mail, raw, start);
    }

    /**
     * The checks' report; checks that depended on a lookup this server's resolver did not send (its bound reached)
     * are run again after a pause, while {@code overloadRetry} lasts: the mail is accepted and no client waits, so
     * a burst passes, and an attacker must keep the resolver full to get the labels of our overload (which never
     * pass anything, and under DMARC's fail-closed rules quarantine a message whose policy they hid). The answers
     * that did arrive are cached: a second run sends only what the first could not.
     */
    private Checked await(Mail mail, byte[] raw, Supplier<CheckRun> start) {
        CheckRun run = start.get();
        try {
            AuthCheckReport report = run.await(deadline);
            if (!report.localOverload()) {
                return Checked.of(raw, serverId, report);
            }
            long now = System.nanoTime();
            long futile = futileAt.get();
            boolean holding = futile != Long.MIN_VALUE && now - futile < hold().toNanos();
            boolean large = raw != null && raw.length > MAX_RERUN_OCTETS;
            long end = now + (holding || large ? 0 : overloadRetry.toNanos());
            Duration pause = FIRST_PAUSE;
            boolean again = false;
            while (report.localOverload() && end - System.nanoTime() > pause.toNanos()) {
                Thread.sleep(pause.toMillis());
                pause = pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause.multipliedBy(2);
                run = start.get();
                report = run.await(deadline);
                again = true;
            }
            if (report.localOverload()) {
                if (again) {
                    futileAt.set(System.nanoTime());
                }
                LOGGER.info("{}: checked while this server's DNS resolver was at its bound (local_overload){}",
                        mail.getName(), holding ? "; not asked again (it was at its bound for a check before)"
                                : large ? "; not asked again (a message over " + MAX_RERUN_OCTETS + " octets)" : "");
            } else if (again) {
                futileAt.set(Long.MIN_VALUE); // a check run again found room: the resolver has room again
            }
            return Checked.of(raw, serverId, report);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOGGER.warn("{}: checks interrupted; unfinished ones are temperror", mail.getName());
            return Checked.of(raw, serverId, run.cutOff("interrupted"));
        }
    }

    private Duration hold() {
        return overloadRetry.compareTo(FUTILE_HOLD) > 0 ? overloadRetry : FUTILE_HOLD;
    }

    /** {@code overloadRetry}: milliseconds from 0 (no second run) to {@link #MAX_OVERLOAD_RETRY}. */
    private Duration overloadRetry() throws MessagingException {
        String value = getInitParameter("overloadRetry");
        if (value == null || value.isBlank()) {
            return DEFAULT_OVERLOAD_RETRY;
        }
        try {
            long millis = Long.parseLong(value.trim());
            if (millis >= 0 && millis <= MAX_OVERLOAD_RETRY.toMillis()) {
                return Duration.ofMillis(millis);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new MessagingException("MailAuthCheck: parameter overloadRetry must be milliseconds from 0 to "
                + MAX_OVERLOAD_RETRY.toMillis() + ", not '" + value + "'");
    }

    /**
     * A message over {@code maxCheckedSize} (or of unknown size found over it): checked from its header section,
     * read from the message's start and no further ({@link MimeMessageBytes#headerSection}), and its body streamed
     * once for the DKIM and ARC body hashes ({@link MailAuthChecker#hashBody}), so memory stays bounded whatever its
     * size and the signatures get their real verdict; read once, whatever the number of runs. Also a message that
     * {@code maxCheckedTotal} leaves no room to read whole. {@code reason} (why it is not read whole) goes into the
     * signatures' reason when the body is not hashed (a header section that is not clean, a read error).
     */
    private Supplier<CheckRun> startHeaderOnly(Mail mail, Envelope envelope, String reason) {
        String why = reason + ": body not verified";
        try {
            // not clean (no end within the bound, or not CRLF lines alone): DMARC fails closed (review s18 H1/H2),
            // and the signatures are not verified
            MimeMessage message = mail.getMessage();
            MimeMessageBytes.HeaderSection header = MimeMessageBytes.readHeaderSection(message,
                    MessageLimits.DEFAULT_MAX_HEADER_BYTES);
            StreamedBody body = checker.hashBody(header.octets(), header.clean(), options,
                    MimeMessageBytes.stream(message));
            if (body.problem() != null) {
                LOGGER.warn("{}: body not hashed: {}", mail.getName(), body.problem());
            }
            return () -> checker.startHeaderOnly(envelope, header.octets(), header.clean(), options, why, checkTimer,
                    body);
        } catch (MessagingException | IOException | RuntimeException | StackOverflowError | OutOfMemoryError e) {
            LOGGER.warn("{}: message unreadable: {}", mail.getName(), e.toString());
            String unreadable = "message unreadable: " + e.getMessage();
            return () -> checker.startUnreadable(envelope, options, unreadable, checkTimer);
        }
    }

    /** Even unchecked mail must not carry fields that claim to be ours (RFC 8601 §5). */
    private void writeHeader(Mail mail, Checked checked) {
        Optional<String> ours = addAuthenticationResults && checked.report().isPresent()
                ? Optional.of(checked.fieldValue()) : Optional.empty();
        if (ours.isEmpty() && !removeForged) {
            return;
        }
        try {
            if (mail.getMessage() == null) {
                return;
            }
            int removed = AuthResultsHeaders.rewriteWith(mail, checked.raw(), serverId, removeForged, ours,
                    maxChecked, maxCheckedTotal);
            if (removed > 0) {
                LOGGER.info("{}: removed {} Authentication-Results field(s) claiming {}", mail.getName(), removed,
                        serverId);
            }
        } catch (MessagingException | IOException | RuntimeException | StackOverflowError | OutOfMemoryError e) {
            // fail closed (review s19 L3): not delivered with a field claiming our id, nor without ours
            AuthResultsHeaders.toErrorProcessor(mail, "MailAuthCheck", e);
        }
    }

    Duration deadline() {
        return deadline;
    }

    AuthpackEngines engines() {
        return engines;
    }

    @Override
    public String getMailetInfo() {
        return "authpack MailAuthCheck: DKIM, SPF, iprev, SMTP AUTH, DMARC, ARC -> Authentication-Results";
    }

    private boolean bool(String name) throws MessagingException {
        return bool(name, true);
    }

    private boolean bool(String name, boolean defaultValue) throws MessagingException {
        try {
            return InitParameters.flag(name, getInitParameter(name), defaultValue);
        } catch (IllegalArgumentException e) {
            throw new MessagingException("MailAuthCheck: " + e.getMessage());
        }
    }

    /** {@code dnsServers} and {@code dnsTimeout}, as every mailet of the pack reads them ({@link DnsParameters}). */
    static DnsSettings dnsSettings(String mailet, GenericMailet config) throws MessagingException {
        try {
            return DnsParameters.read(config::getInitParameter);
        } catch (IllegalArgumentException e) {
            throw new MessagingException(mailet + ": " + e.getMessage(), e);
        }
    }
}
