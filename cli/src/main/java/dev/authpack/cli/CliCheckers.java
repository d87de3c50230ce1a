package dev.authpack.cli;

import dev.authpack.arc.ArcVerifier;
import dev.authpack.arc.ArcVerifyOptions;
import dev.authpack.check.MailAuthChecker;
import dev.authpack.dkim.DkimVerifier;
import dev.authpack.dkim.DkimVerifyOptions;
import dev.authpack.dmarc.DmarcEvaluator;
import dev.authpack.dmarc.DmarcOptions;
import dev.authpack.dns.DnsResolver;
import dev.authpack.iprev.IprevChecker;
import dev.authpack.spf.SpfChecker;
import dev.authpack.spf.SpfOptions;
import java.time.Clock;
import java.time.Duration;

/**
 * The engines a command needs to run the checks of {@code MailAuthCheck} on a file, over one resolver and one
 * clock (the {@code --now} of the command), with the engines' default options.
 */
final class CliCheckers {
    private CliCheckers() {
    }

    static ArcVerifier arcVerifier(DnsResolver dns, Clock clock) {
        return new ArcVerifier(dns, ArcVerifyOptions.defaults().withClock(clock));
    }

    /** Every check; {@code serverId} is SPF's receiver name ({@code %{r}}, RFC 7208 §7.2). */
    static MailAuthChecker checker(DnsResolver dns, String serverId, Clock clock) {
        return checker(dns, serverId, clock, DmarcOptions.DEFAULT);
    }

    static MailAuthChecker checker(DnsResolver dns, String serverId, Clock clock, DmarcOptions dmarc) {
        SpfOptions spf = SpfOptions.defaults().withReceiver(serverId).withClock(clock);
        return new MailAuthChecker(new SpfChecker(dns, spf), new IprevChecker(dns),
                new DkimVerifier(dns, DkimVerifyOptions.defaults().withClock(clock)),
                new DmarcEvaluator(dns, dmarc), arcVerifier(dns, clock));
    }

    /** How long to wait for a whole check: the engines bound their own time; this only guards against a hang. */
    static Duration checkLimit(Duration dnsTimeout) {
        return SpfOptions.defaults().timeout().plus(dnsTimeout.multipliedBy(3)).plusSeconds(10);
    }

    /** How long to wait for an ARC validation alone. */
    static Duration arcLimit() {
        return ArcVerifyOptions.DEFAULT_KEY_LOOKUP_TIMEOUT.plusSeconds(10);
    }
}
