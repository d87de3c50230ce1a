package dev.authpack.james;

import dev.authpack.check.CheckOptions;
import dev.authpack.check.CheckTimeouts;
import dev.authpack.check.CheckerSettings;
import dev.authpack.check.MailAuthChecker;
import dev.authpack.dkim.DkimVerifyOptions;
import dev.authpack.dmarc.DmarcMode;
import dev.authpack.dmarc.DmarcOptions;
import dev.authpack.dmarc.UnverifiableDisposition;
import dev.authpack.dns.DnsSettings;
import dev.authpack.dns.TranslatorPrefixes;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * The check parameters of {@code MailAuthCheck} (docs/MailAuthCheck.md), read from any parameter source: the one
 * reader for the mailet and the SMTP hook, so that a hook configured with the same values runs the very same checks
 * (the same {@link MailAuthChecker} from {@link AuthpackEngines}, hence the same DNS cache) and its results can stand
 * for the mailet's. Every value is checked here; a bad one is an {@link IllegalArgumentException} that names the
 * parameter and what is accepted.
 *
 * @param serverId the authserv-id ({@code serverId}; default: this host's name)
 * @param options  which checks run ({@code dkim}, {@code spf}, ..., {@code trustedArcSealers}), and the
 *                 {@code translatorPrefixes} a client address is read through
 * @param dns      {@code dnsServers}, {@code dnsTimeout} ({@link DnsParameters#read})
 * @param engine   what the engines are built with ({@link MailAuthChecker#create})
 * @param maxCheckedSize the largest message read whole ({@code maxCheckedSize}, {@link MessageSizeLimit}): a larger
 *                 one is checked from its header section, its body streamed once for the DKIM and ARC body hashes
 *                 ({@code MailAuthChecker#hashBody}), never read into memory
 * @param maxCheckedTotal the octets of messages read whole at once, JVM-wide ({@code maxCheckedTotal},
 *                 {@link WholeReadBudget}): a message that would take them over it is checked as one over
 *                 {@code maxCheckedSize}
 */
public record CheckSettings(String serverId, CheckOptions options, DnsSettings dns, CheckerSettings engine,
                            MessageSizeLimit maxCheckedSize, WholeReadBudget maxCheckedTotal) {
    /**
     * The prefixes of the operator's SIIT/NAT64 translators ({@link TranslatorPrefixes}): a client inside one is
     * checked as the IPv4 address it embeds. Default: none.
     */
    public static final String TRANSLATOR_PREFIXES = "translatorPrefixes";
    /** What {@link #verdictPolicy} compares with: the DKIM defaults, made once (it is asked for each mail). */
    private static final DkimVerifyOptions DKIM_DEFAULTS = DkimVerifyOptions.defaults();
    /** The parameters read here, with MailAuthCheck's names. */
    public static final Set<String> PARAMETERS = Set.of("serverId", "dkim", "spf", "iprev", "smtpAuth", "dmarc",
            "arc", "trustedArcSealers", "dnsServers", "dnsTimeout", "dkimMaxSignatures", "dkimAllowSha1",
            "dkimMinRsaKeyBits", "dkimAllowUnsignedBodyContent", "dkimClockSkew", "dmarcMode",
            "dmarcUnverifiableDisposition", "spfTimeout", "dkimKeyTimeout", "iprevTimeout", "dmarcTimeout",
            "maxCheckedSize", WholeReadBudget.PARAMETER, TRANSLATOR_PREFIXES);

    /** Reads the parameters; {@code parameter} gives a parameter's value, or null when it is not set. */
    public static CheckSettings read(Function<String, String> parameter) {
        Reader in = new Reader(parameter);
        CheckOptions options = new CheckOptions(in.flag("dkim", true), in.flag("spf", true), in.flag("iprev", true),
                in.flag("smtpAuth", true), in.flag("dmarc", true), in.flag("arc", true),
                Set.copyOf(Arrays.asList(in.text("trustedArcSealers", "").split("[,\\s]+"))),
                TranslatorPrefixes.parse(TRANSLATOR_PREFIXES, parameter.apply(TRANSLATOR_PREFIXES)));
        DnsSettings dns = DnsParameters.read(parameter);
        DkimVerifyOptions d = DkimVerifyOptions.defaults();
        DkimVerifyOptions dkim = d.withMaxSignatures(in.number("dkimMaxSignatures", d.maxSignatures(), 1,
                        DkimVerifyOptions.MAX_SIGNATURES_CEILING))
                .withAllowSha1(in.flag("dkimAllowSha1", false))
                .withRsaKeyBits(in.number("dkimMinRsaKeyBits", d.minRsaKeyBits(), 512, d.maxRsaKeyBits()),
                        d.maxRsaKeyBits())
                .withAllowUnsignedBodyContent(in.flag("dkimAllowUnsignedBodyContent", false))
                .withClockSkew(Duration.ofSeconds(in.number("dkimClockSkew", (int) d.clockSkew().getSeconds(), 0,
                        86_400)));
        CheckTimeouts t = CheckTimeouts.DEFAULT;
        CheckTimeouts timeouts = new CheckTimeouts(in.millis("spfTimeout", t.spf(), CheckTimeouts.MAX),
                in.millis("dkimKeyTimeout", t.keyLookup(), CheckTimeouts.MAX),
                in.millis("iprevTimeout", t.iprev(), CheckTimeouts.MAX),
                in.millis("dmarcTimeout", t.dmarc(), CheckTimeouts.MAX));
        String modeText = in.text("dmarcMode", "rfc9989");
        DmarcMode mode = DmarcMode.parse(modeText).orElseThrow(() -> new IllegalArgumentException(
                "dmarcMode must be rfc9989 or rfc7489, not '" + modeText + "'"));
        String unverifiable = in.text("dmarcUnverifiableDisposition", "strictest");
        DmarcOptions dmarc = DmarcOptions.DEFAULT.withMode(mode)
                .withUnverifiableDisposition(UnverifiableDisposition.parse(unverifiable).orElseThrow(() ->
                        new IllegalArgumentException("dmarcUnverifiableDisposition must be strictest, none,"
                                + " quarantine or reject, not '" + unverifiable + "'")));
        String id = in.text("serverId", "");
        String serverId = id.isEmpty() ? localHostName() : id;
        CheckerSettings engine = CheckerSettings.defaults(serverId).withDkim(dkim).withDmarc(dmarc)
                .withTimeouts(timeouts);
        MessageSizeLimit maxCheckedSize = MessageSizeLimit.parse("maxCheckedSize", parameter.apply("maxCheckedSize"));
        WholeReadBudget maxCheckedTotal = WholeReadBudget.read(parameter.apply(WholeReadBudget.PARAMETER),
                maxCheckedSize);
        return new CheckSettings(serverId, options, dns, engine, maxCheckedSize, maxCheckedTotal);
    }

    /**
     * The settings besides which checks run that change a verdict: the DKIM policy and DMARC's mode and disposition
     * of a result without a verdict, as text; empty when all are the defaults. Not the DNS servers: the hook and the
     * mailet are to name the same ones (docs/SessionAuthCheck.md), and mail in the spool keeps its key (review s23 B
     * finding 10, decided: a configuration difference, not an input an attacker controls). Part of the key under which a check
     * of the SMTP session stands for MailAuthCheck's ({@link SessionCheckedMail}, review s23: a hook laxer than the
     * mailet had its verdicts written by it). Timeouts and size bounds are not: they change no verdict a check gives
     * (at most a {@code temperror} for one not finished, or the path a body is hashed by).
     */
    public String verdictPolicy() {
        DkimVerifyOptions d = engine.dkim();
        DkimVerifyOptions defaults = DKIM_DEFAULTS;
        DmarcOptions m = engine.dmarc();
        if (d.maxSignatures() == defaults.maxSignatures() && d.allowSha1() == defaults.allowSha1()
                && d.minRsaKeyBits() == defaults.minRsaKeyBits()
                && d.allowUnsignedBodyContent() == defaults.allowUnsignedBodyContent()
                && d.clockSkew().equals(defaults.clockSkew()) && m.mode() == DmarcOptions.DEFAULT.mode()
                && m.unverifiableDisposition() == DmarcOptions.DEFAULT.unverifiableDisposition()) {
            return "";
        }
        return "dkimMaxSignatures=" + d.maxSignatures() + " dkimAllowSha1=" + d.allowSha1() + " dkimMinRsaKeyBits="
                + d.minRsaKeyBits() + " dkimAllowUnsignedBodyContent=" + d.allowUnsignedBodyContent()
                + " dkimClockSkew=" + d.clockSkew().getSeconds() + " dmarcMode=" + m.mode().name()
                + " dmarcUnverifiableDisposition=" + m.unverifiableDisposition().word();
    }

    /** The shared checker for these settings (the one MailAuthCheck gets for the same values). */
    public MailAuthChecker checker(AuthpackEngines engines) {
        return engines.checker(dns, engine);
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** Typed reading of one parameter source. */
    private record Reader(Function<String, String> source) {
        String text(String name, String otherwise) {
            String value = source.apply(name);
            return value == null || value.isBlank() ? otherwise : value.trim();
        }

        boolean flag(String name, boolean otherwise) {
            String value = text(name, "");
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "" -> otherwise;
                case "true", "yes", "on" -> true;
                case "false", "no", "off" -> false;
                default -> throw new IllegalArgumentException(name + " must be true or false, not '" + value + "'");
            };
        }

        int number(String name, int otherwise, int min, int max) {
            String value = text(name, "");
            if (value.isEmpty()) {
                return otherwise;
            }
            try {
                int n = Integer.parseInt(value);
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(name + " must be a whole number from " + min + " to " + max
                    + ", not '" + value + "'");
        }

        Duration millis(String name, Duration otherwise, Duration max) {
            String value = text(name, "");
            if (value.isEmpty()) {
                return otherwise;
            }
            try {
                long n = Long.parseLong(value);
                if (n >= 1 && n <= max.toMillis()) {
                    return Duration.ofMillis(n);
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(name + " must be milliseconds from 1 to " + max.toMillis()
                    + ", not '" + value + "'");
        }
    }
}
