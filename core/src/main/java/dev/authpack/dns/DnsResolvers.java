package dev.authpack.dns;

/** Builds the resolver the mailets and the CLI share. */
public final class DnsResolvers {

    private DnsResolvers() {
    }

    /**
     * A TTL cache over the network resolver.
     *
     * @throws IllegalArgumentException if a server cannot be used (a configuration error, to fail at startup)
     */
    public static CachingDnsResolver create(DnsSettings settings) {
        return new CachingDnsResolver(new DnsjavaResolver(settings), settings.cacheSize());
    }
}
