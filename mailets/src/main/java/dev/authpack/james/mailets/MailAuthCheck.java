package dev.authpack.james.mailets;

import dev.authpack.james.AuthpackEngines;
import dev.authpack.james.AuthpackMetrics;
import dev.authpack.james.MailAttributes;
import dev.authpack.james.MailEnvelopes;
import dev.authpack.james.MimeMessageBytes;
import dev.authpack.check.AuthCheckReport;
import dev.authpack.authres.MethodResult;
import dev.authpack.check.CheckOptions;
import dev.authpack.check.CheckRun;
import dev.authpack.check.CheckTimeouts;
import dev.authpack.check.CheckerSettings;
import dev.authpack.check.Envelope;
import dev.authpack.check.MailAuthChecker;
import dev.authpack.dkim.DkimVerifyOptions;
import dev.authpack.dmarc.DmarcMode;
import dev.authpack.dmarc.DmarcOptions;
import dev.authpack.dmarc.UnverifiableDisposition;
import dev.authpack.dns.DnsSettings;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.inject.Inject;
import javax.mail.MessagingException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

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
    static final Set<String> PARAMETERS = Set.of("serverId", "dkim", "spf", "iprev", "smtpAuth",
            "addAuthenticationResults", "removeForgedAuthResults", "dnsServers", "dnsTimeout",
            "dkimMaxSignatures", "dkimAllowSha1", "dkimMinRsaKeyBits", "dkimAllowUnsignedBodyContent",
            "dkimClockSkew", "dmarc", "dmarcMode", "arc", "trustedArcSealers", "spfTimeout", "dkimKeyTimeout",
            "iprevTimeout", "dmarcTimeout", "dmarcUnverifiableDisposition");
    private final AuthpackEngines engines;
    private final AuthpackMetrics metrics;
    private MailAuthChecker checker;
    private CheckOptions options;
    private String serverId;
    private boolean addAuthenticationResults;
    private boolean removeForged;
    private Duration deadline;

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
        checkInitParameters(PARAMETERS);
        serverId = getInitParameterAsOptional("serverId").map(String::trim).filter(s -> !s.isEmpty())
                .orElseGet(MailAuthCheck::localHostName);
        options = new CheckOptions(bool("dkim"), bool("spf"), bool("iprev"), bool("smtpAuth"), bool("dmarc"),
                bool("arc"), Set.copyOf(Arrays.asList(getInitParameter("trustedArcSealers", "").split("[,\\s]+"))));
        DkimVerifyOptions dkimOptions = dkimOptions();
        addAuthenticationResults = bool("addAuthenticationResults");
        removeForged = bool("removeForgedAuthResults");
        DnsSettings dns = dnsSettings("MailAuthCheck", this);
        CheckTimeouts timeouts = new CheckTimeouts(timeout("spfTimeout", CheckTimeouts.DEFAULT.spf()),
                timeout("dkimKeyTimeout", CheckTimeouts.DEFAULT.keyLookup()),
                timeout("iprevTimeout", CheckTimeouts.DEFAULT.iprev()),
                timeout("dmarcTimeout", CheckTimeouts.DEFAULT.dmarc()));
        DmarcOptions dmarcOptions = DmarcOptions.DEFAULT.withMode(dmarcMode())
                .withUnverifiableDisposition(unverifiableDisposition());
        CheckerSettings settings = CheckerSettings.defaults(serverId).withDkim(dkimOptions).withDmarc(dmarcOptions)
                .withTimeouts(timeouts);
        try {
            checker = engines.checker(dns, settings);
        } catch (IllegalArgumentException e) {
            throw new MessagingException("MailAuthCheck: bad DNS settings: " + e.getMessage(), e);
        }
        // one deadline rule: each check ends within its engine's budget; the message's deadline follows from them
        deadline = checker.awaitLimit();
        LOGGER.info("MailAuthCheck ready: serverId={} checks={} dns={}", serverId, options, dns);
    }

    /**
     * Checks the mail, stores the results, and in a {@code finally} removes fields claiming our authserv-id and
     * writes ours, whatever happened: a check that times out, fails or is interrupted gives {@code temperror}.
     */
    @Override
    public void service(Mail mail) {
        Checked checked = Checked.NOT_CHECKED;
        AuthpackMetrics.Timing timing = metrics.startCheck();
        try {
            checked = check(mail);
            checked.report().ifPresentOrElse(report -> {
                timing.stop();
                metrics.count(report.methodResults());
            }, metrics::notChecked);
            checked.report().ifPresent(report -> MailAttributes.store(mail, serverId, report));
            LOGGER.debug("{}: {}", mail.getName(), checked.report());
        } catch (RuntimeException e) {
            LOGGER.warn("{}: not checked: {}", mail.getName(), e.toString());
            metrics.notChecked();
        } finally {
            writeHeader(mail, checked);
        }
    }

    /** The message octets read for the check (null when not read) and the report (empty: not checked). */
    private record Checked(byte[] raw, Optional<AuthCheckReport> report) {
        static final Checked NOT_CHECKED = new Checked(null, Optional.empty());
    }

    private Checked check(Mail mail) {
        Envelope envelope;
        try {
            envelope = MailEnvelopes.of(mail);
        } catch (UnknownHostException e) {
            LOGGER.warn("{}: not checked: {}", mail.getName(), e.getMessage());
            return Checked.NOT_CHECKED;
        }
        byte[] raw = null;
        CheckRun run;
        if (options.needsMessage()) {
            try {
                raw = MimeMessageBytes.of(mail.getMessage());
                run = checker.start(envelope, raw, options);
            } catch (MessagingException | IOException | RuntimeException e) {
                LOGGER.warn("{}: message unreadable: {}", mail.getName(), e.toString());
                run = checker.startUnreadable(envelope, options, "message unreadable: " + e.getMessage());
            }
        } else {
            run = checker.start(envelope, null, options);
        }
        try {
            return new Checked(raw, Optional.of(run.await(deadline)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOGGER.warn("{}: checks interrupted; unfinished ones are temperror", mail.getName());
            return new Checked(raw, Optional.of(run.cutOff("interrupted")));
        }
    }

    /** Even unchecked mail must not carry fields that claim to be ours (RFC 8601 §5). */
    private void writeHeader(Mail mail, Checked checked) {
        Optional<List<MethodResult>> ours = addAuthenticationResults
                ? checked.report().map(AuthCheckReport::methodResults) : Optional.empty();
        if (ours.isEmpty() && !removeForged) {
            return;
        }
        try {
            if (mail.getMessage() == null) {
                return;
            }
            int removed = AuthResultsHeaders.rewrite(mail, checked.raw(), serverId, removeForged, ours);
            if (removed > 0) {
                LOGGER.info("{}: removed {} Authentication-Results field(s) claiming {}", mail.getName(), removed,
                        serverId);
            }
        } catch (MessagingException | IOException | RuntimeException e) {
            LOGGER.warn("{}: Authentication-Results not rewritten: {}", mail.getName(), e.toString());
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

    /** What an unverifiable DMARC result asks for (docs/dmarc.md, "Fail-closed rules"). */
    private UnverifiableDisposition unverifiableDisposition() throws MessagingException {
        String value = getInitParameter("dmarcUnverifiableDisposition", "strictest");
        return UnverifiableDisposition.parse(value).orElseThrow(() -> new MessagingException(
                "MailAuthCheck: dmarcUnverifiableDisposition must be strictest, none, quarantine or reject, not '"
                        + value + "'"));
    }

    private DmarcMode dmarcMode() throws MessagingException {
        String value = getInitParameter("dmarcMode", "rfc9989");
        return DmarcMode.parse(value).orElseThrow(() -> new MessagingException(
                "MailAuthCheck: dmarcMode must be rfc9989 or rfc7489, not '" + value + "'"));
    }

    /** RFC 8301 and RFC 6376 §8 safe defaults, each overridable (docs/MailAuthCheck.md). */
    private DkimVerifyOptions dkimOptions() throws MessagingException {
        DkimVerifyOptions defaults = DkimVerifyOptions.defaults();
        try {
            return defaults
                    .withMaxSignatures(integer("dkimMaxSignatures", defaults.maxSignatures(), 1,
                            DkimVerifyOptions.MAX_SIGNATURES_CEILING))
                    .withAllowSha1(bool("dkimAllowSha1", false))
                    .withRsaKeyBits(integer("dkimMinRsaKeyBits", defaults.minRsaKeyBits(), 512,
                            defaults.maxRsaKeyBits()), defaults.maxRsaKeyBits())
                    .withAllowUnsignedBodyContent(bool("dkimAllowUnsignedBodyContent", false))
                    .withClockSkew(Duration.ofSeconds(integer("dkimClockSkew",
                            (int) defaults.clockSkew().getSeconds(), 0, 86_400)));
        } catch (IllegalArgumentException e) {
            throw new MessagingException("MailAuthCheck: " + e.getMessage(), e);
        }
    }

    /** A time bound in milliseconds, from 1 ms to {@link CheckTimeouts#MAX}. */
    private Duration timeout(String name, Duration defaultValue) throws MessagingException {
        String value = getInitParameter(name);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            long millis = Long.parseLong(value.trim());
            if (millis < 1 || millis > CheckTimeouts.MAX.toMillis()) {
                throw new NumberFormatException();
            }
            return Duration.ofMillis(millis);
        } catch (NumberFormatException e) {
            throw new MessagingException("MailAuthCheck: parameter " + name + " must be milliseconds from 1 to "
                    + CheckTimeouts.MAX.toMillis() + ", not '" + value + "'");
        }
    }

    private int integer(String name, int defaultValue, int min, int max) throws MessagingException {
        String value = getInitParameter(name);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed < min || parsed > max) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new MessagingException("MailAuthCheck: parameter " + name + " must be a whole number from "
                    + min + " to " + max + ", not '" + value + "'");
        }
    }

    private boolean bool(String name) throws MessagingException {
        return bool(name, true);
    }

    private boolean bool(String name, boolean defaultValue) throws MessagingException {
        String value = getInitParameter(name);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new MessagingException("MailAuthCheck: parameter " + name
                    + " must be true or false, not '" + value + "'");
        };
    }

    /** {@code dnsServers} and {@code dnsTimeout}, as every mailet of the pack reads them ({@link DnsSettings#parse}). */
    static DnsSettings dnsSettings(String mailet, GenericMailet config) throws MessagingException {
        try {
            return DnsSettings.parse(config.getInitParameter("dnsServers"), config.getInitParameter("dnsTimeout"));
        } catch (IllegalArgumentException e) {
            throw new MessagingException(mailet + ": bad dnsServers or dnsTimeout: " + e.getMessage(), e);
        }
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
