package dev.authpack.james;

import dev.authpack.arc.ArcVerifyOptions;
import dev.authpack.check.CheckBudgets;
import dev.authpack.check.MailAuthChecker;
import dev.authpack.dkim.DkimVerifier;
import dev.authpack.dkim.DkimVerifyOptions;
import dev.authpack.arc.ArcVerifier;
import dev.authpack.dmarc.DmarcEvaluator;
import dev.authpack.dmarc.DmarcOptions;
import dev.authpack.dns.DnsResolver;
import dev.authpack.dns.DnsResolvers;
import dev.authpack.dns.DnsSettings;
import dev.authpack.iprev.IprevChecker;
import dev.authpack.spf.SpfChecker;
import dev.authpack.spf.SpfOptions;

import javax.inject.Singleton;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The engines shared by every mailet and matcher of the pack. Mailets configured with the same DNS settings get
 * the same resolver, hence one TTL cache and one in-flight table for the whole server.
 *
 * <p>Bound as a singleton by {@link AuthpackModule}; mailets created without Guice (unit tests) use
 * {@link #shared()}.
 */
@Singleton
public final class AuthpackEngines {
    private static final AuthpackEngines SHARED = new AuthpackEngines();

    private final Map<DnsSettings, DnsResolver> resolvers = new ConcurrentHashMap<>();
    private final Map<CheckerKey, MailAuthChecker> checkers = new ConcurrentHashMap<>();

    public static AuthpackEngines shared() {
        return SHARED;
    }

    public DnsResolver resolver(DnsSettings settings) {
        return resolvers.computeIfAbsent(settings, DnsResolvers::create);
    }

    public MailAuthChecker checker(DnsSettings settings, String receiverName) {
        return checker(settings, receiverName, DkimVerifyOptions.defaults(), DmarcOptions.DEFAULT,
                CheckTimeouts.DEFAULT);
    }

    /**
     * One checker per distinct configuration; all of them over the one resolver of their DNS settings. Each check
     * is bounded by its engine's own time bound ({@code timeouts}; the DKIM key timeout also bounds ARC's).
     */
    public MailAuthChecker checker(DnsSettings settings, String receiverName, DkimVerifyOptions dkimOptions,
                                   DmarcOptions dmarcOptions, CheckTimeouts timeouts) {
        CheckerKey wanted = new CheckerKey(settings, receiverName,
                dkimOptions.withKeyLookupTimeout(timeouts.keyLookup()), dmarcOptions, timeouts);
        return checkers.computeIfAbsent(wanted, key -> {
            DnsResolver dns = resolver(key.settings());
            SpfChecker spf = new SpfChecker(dns, SpfOptions.defaults().withReceiver(key.receiverName())
                    .withTimeout(key.timeouts().spf()));
            DkimVerifier dkim = new DkimVerifier(dns, key.dkimOptions());
            ArcVerifier arc = new ArcVerifier(dns, ArcVerifyOptions.defaults()
                    .withKeyLookupTimeout(key.timeouts().keyLookup()));
            return new MailAuthChecker(spf, new IprevChecker(dns), dkim, new DmarcEvaluator(dns, key.dmarcOptions()),
                    arc, CheckBudgets.of(spf, dkim, key.timeouts().iprev(), key.timeouts().dmarc(), arc));
        });
    }

    private record CheckerKey(DnsSettings settings, String receiverName, DkimVerifyOptions dkimOptions,
                              DmarcOptions dmarcOptions, CheckTimeouts timeouts) {
    }
}
