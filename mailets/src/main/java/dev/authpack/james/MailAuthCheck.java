package dev.authpack.james;

import dev.authpack.check.AuthCheckReport;
import dev.authpack.check.CheckOptions;
import dev.authpack.check.Envelope;
import dev.authpack.check.MailAuthChecker;
import dev.authpack.dkim.DkimVerifyOptions;
import dev.authpack.dmarc.DmarcMode;
import dev.authpack.dmarc.DmarcOptions;
import dev.authpack.dns.DnsSettings;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Authenticates incoming mail: DKIM, SPF (MAIL FROM and HELO), iprev, SMTP AUTH, DMARC and ARC. Reports only: results go into
 * mail attributes ({@link MailAttributes}) and, by default, an {@code Authentication-Results} field. Policy is
 * for matchers and mailets after it. See docs/MailAuthCheck.md for the parameters.
 *
 * <p>Never throws for bad mail: a mail that cannot be checked (no client address, say) is passed on unchanged,
 * with the reason logged.
 */
public class MailAuthCheck extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(MailAuthCheck.class);
    static final Set<String> PARAMETERS = Set.of("serverId", "dkim", "spf", "iprev", "smtpAuth",
            "addAuthenticationResults", "removeForgedAuthResults", "dnsServers", "dnsTimeout",
            "dkimMaxSignatures", "dkimAllowSha1", "dkimMinRsaKeyBits", "dkimAllowUnsignedBodyContent",
            "dkimClockSkew", "dmarc", "dmarcMode", "arc", "trustedArcSealers");

    private final AuthpackEngines engines;
    private MailAuthChecker checker;
    private CheckOptions options;
    private String serverId;
    private boolean addAuthenticationResults;
    private boolean removeForged;
    private Duration deadline;

    @Inject
    public MailAuthCheck(AuthpackEngines engines) {
        this.engines = engines;
    }

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
        DmarcOptions dmarcOptions = DmarcOptions.DEFAULT.withMode(dmarcMode());
        addAuthenticationResults = bool("addAuthenticationResults");
        removeForged = bool("removeForgedAuthResults");
        DnsSettings dns = dnsSettings(getInitParameter("dnsServers", ""), getInitParameter("dnsTimeout", ""));
        // each check waits on DNS for at most a few sequential timeouts (SPF includes); beyond that, give up
        deadline = dns.timeout().multipliedBy(6).plusSeconds(5);
        try {
            checker = engines.checker(dns, serverId, dkimOptions, dmarcOptions);
        } catch (IllegalArgumentException e) {
            throw new MessagingException("MailAuthCheck: bad DNS settings: " + e.getMessage(), e);
        }
        LOGGER.info("MailAuthCheck ready: serverId={} checks={} dns={}", serverId, options, dns);
    }

    @Override
    public void service(Mail mail) {
        try {
            Envelope envelope = MailEnvelopes.of(mail);
            byte[] raw = options.needsMessage() ? MimeMessageBytes.of(mail.getMessage()) : null;
            AuthCheckReport report = checker.check(envelope, raw, options)
                    .get(deadline.toMillis(), TimeUnit.MILLISECONDS);
            MailAttributes.store(mail, serverId, report);
            if (addAuthenticationResults || removeForged) {
                AuthResultsHeaders.rewrite(mail.getMessage(), serverId, removeForged,
                        addAuthenticationResults ? Optional.of(report.methodResults()) : Optional.empty());
            }
            LOGGER.debug("{}: {}", mail.getName(), report);
        } catch (UnknownHostException e) {
            LOGGER.warn("{}: not checked: {}", mail.getName(), e.getMessage());
            removeForgedOnly(mail);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOGGER.warn("{}: not checked: interrupted", mail.getName());
        } catch (TimeoutException | ExecutionException | MessagingException | IOException | RuntimeException e) {
            LOGGER.warn("{}: not checked: {}", mail.getName(), e.toString());
        }
    }

    /** Even unchecked mail must not carry fields that claim to be ours. */
    private void removeForgedOnly(Mail mail) {
        if (!removeForged) {
            return;
        }
        try {
            AuthResultsHeaders.rewrite(mail.getMessage(), serverId, true, Optional.empty());
        } catch (MessagingException | RuntimeException e) {
            LOGGER.warn("{}: forged Authentication-Results not removed: {}", mail.getName(), e.toString());
        }
    }

    AuthpackEngines engines() {
        return engines;
    }

    @Override
    public String getMailetInfo() {
        return "authpack MailAuthCheck: DKIM, SPF, iprev, SMTP AUTH, DMARC, ARC -> Authentication-Results";
    }

    private DmarcMode dmarcMode() throws MessagingException {
        String value = getInitParameter("dmarcMode", "rfc9989").trim().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "rfc9989", "9989", "dmarcbis" -> DmarcMode.RFC9989;
            case "rfc7489", "7489" -> DmarcMode.RFC7489;
            default -> throw new MessagingException("MailAuthCheck: dmarcMode must be rfc9989 or rfc7489, not '"
                    + value + "'");
        };
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

    static DnsSettings dnsSettings(String servers, String timeoutMillis) throws MessagingException {
        List<String> list = Arrays.stream(servers.split("[,\\s]+")).map(String::trim).filter(s -> !s.isEmpty())
                .toList();
        Duration timeout = dev.authpack.dns.DnsjavaResolver.DEFAULT_TIMEOUT;
        if (!timeoutMillis.isBlank()) {
            try {
                long millis = Long.parseLong(timeoutMillis.trim());
                if (millis < 1 || millis > 60_000) {
                    throw new NumberFormatException("out of range");
                }
                timeout = Duration.ofMillis(millis);
            } catch (NumberFormatException e) {
                throw new MessagingException("dnsTimeout must be milliseconds between 1 and 60000, not '"
                        + timeoutMillis + "'");
            }
        }
        try {
            return new DnsSettings(list, timeout, DnsSettings.DEFAULT_CACHE_SIZE);
        } catch (IllegalArgumentException e) {
            throw new MessagingException("bad dnsServers '" + servers + "': " + e.getMessage());
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
