package dev.authpack.james;

import dev.authpack.check.CheckerSettings;
import dev.authpack.check.MailAuthChecker;
import dev.authpack.dns.DnsResolver;
import dev.authpack.dns.DnsResolvers;
import dev.authpack.dns.DnsSettings;

import javax.inject.Singleton;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The engines shared by every mailet, matcher and hook of the pack. Those configured with the same DNS settings get
 * the same resolver, hence one TTL cache and one in-flight table for the whole server; those configured alike get
 * the same checker.
 *
 * <p>Bound as a singleton by {@link AuthpackModule}; mailets created without Guice (unit tests) use
 * {@link #shared()}.
 */
@Singleton
public final class AuthpackEngines {
    private static final AuthpackEngines SHARED = new AuthpackEngines();

    private final Map<DnsSettings, DnsResolver> resolvers = new ConcurrentHashMap<>();
    private final Map<CheckerKey, MailAuthChecker> checkers = new ConcurrentHashMap<>();
    private final Function<DnsSettings, DnsResolver> resolverFactory;

    /** Resolvers made from the DNS settings ({@link DnsResolvers#create}): what James binds. */
    public AuthpackEngines() {
        this(DnsResolvers::create);
    }

    private AuthpackEngines(Function<DnsSettings, DnsResolver> resolverFactory) {
        this.resolverFactory = resolverFactory;
    }

    /**
     * Engines that ask {@code resolver} whatever the DNS settings say: for a benchmark or a test that answers
     * from memory, with every other part as in James.
     */
    public static AuthpackEngines over(DnsResolver resolver) {
        return new AuthpackEngines(settings -> resolver);
    }

    public static AuthpackEngines shared() {
        return SHARED;
    }

    public DnsResolver resolver(DnsSettings settings) {
        return resolvers.computeIfAbsent(settings, resolverFactory);
    }

    /** The checker with the engines' defaults. */
    public MailAuthChecker checker(DnsSettings dns, String receiverName) {
        return checker(dns, CheckerSettings.defaults(receiverName));
    }

    /**
     * One checker per distinct configuration ({@link MailAuthChecker#create}); all of them over the one resolver of
     * their DNS settings.
     */
    public MailAuthChecker checker(DnsSettings dns, CheckerSettings settings) {
        return checkers.computeIfAbsent(new CheckerKey(dns, settings),
                key -> MailAuthChecker.create(resolver(key.dns()), key.settings()));
    }

    private record CheckerKey(DnsSettings dns, CheckerSettings settings) {
    }
}
