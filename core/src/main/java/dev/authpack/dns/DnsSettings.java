package dev.authpack.dns;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How the shared resolver is built.
 *
 * @param servers   DNS servers as {@code host:port} ({@code [v6]:port} for IPv6); empty for the system's servers
 * @param timeout   time budget of one DNS question
 * @param cacheSize most answers kept in the TTL cache
 */
public record DnsSettings(List<String> servers, Duration timeout, int cacheSize) {

    public static final int DEFAULT_CACHE_SIZE = CachingDnsResolver.DEFAULT_MAX_ENTRIES;
    /** Bound on the cache size a configuration may ask for. */
    public static final int MAX_CACHE_SIZE = 1_000_000;
    /** Bound on the servers a configuration may name (a lookup asks at most {@value DnsjavaResolver#MAX_ATTEMPTS}). */
    public static final int MAX_SERVERS = 16;
    /** What {@link #servers(String)} accepts, for the messages that refuse a value. */
    public static final String SERVERS_ACCEPTED = "up to " + MAX_SERVERS + " DNS servers separated by commas or"
            + " white space, each an IP address or host name as host, host:port, [IPv6] or [IPv6]:port, port 1 to"
            + " 65535 (default 53); empty for the system's servers";

    public DnsSettings {
        servers = servers == null ? List.of() : List.copyOf(servers);
        timeout = timeout == null ? DnsjavaResolver.DEFAULT_TIMEOUT : timeout;
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(DnsjavaResolver.MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException(
                    "DNS timeout must be between 1 ms and " + DnsjavaResolver.MAX_TIMEOUT.toSeconds() + " s: " + timeout);
        }
        if (cacheSize < 1 || cacheSize > MAX_CACHE_SIZE) {
            throw new IllegalArgumentException("DNS cache size must be between 1 and " + MAX_CACHE_SIZE + ": " + cacheSize);
        }
    }

    /** System servers, 5 s timeout, 10,000 cached answers. */
    public static DnsSettings defaults() {
        return new DnsSettings(List.of(), DnsjavaResolver.DEFAULT_TIMEOUT, DEFAULT_CACHE_SIZE);
    }

    public DnsSettings withServers(List<String> newServers) {
        return new DnsSettings(newServers, timeout, cacheSize);
    }

    public DnsSettings withTimeout(Duration newTimeout) {
        return new DnsSettings(servers, newTimeout, cacheSize);
    }

    public DnsSettings withCacheSize(int newCacheSize) {
        return new DnsSettings(servers, timeout, newCacheSize);
    }

    /**
     * DNS settings from configuration text: the one parser of {@code dnsServers}/{@code dnsTimeout}
     * ({@code MailAuthCheck}, {@code ArcSeal}, {@code RelayPolicyRcptHook}), with the default cache size.
     *
     * @param servers       {@code host:port} list separated by commas and/or white space ({@link #servers});
     *                      null or blank for the system's servers
     * @param timeoutMillis time budget of one DNS question in milliseconds ({@link #timeout(String)}); null or
     *                      blank for the default
     * @throws IllegalArgumentException saying what is wrong (the caller adds its parameter names)
     */
    public static DnsSettings parse(String servers, String timeoutMillis) {
        return new DnsSettings(servers(servers), timeout(timeoutMillis), DEFAULT_CACHE_SIZE);
    }

    /**
     * DNS servers given in configuration text ({@link #splitServers}), each checked as the resolver will read it
     * ({@link DnsjavaResolver#parseServer}: a host name is looked up, once, here): a bad host or port is refused
     * when the configuration is read, not when (or whether) a resolver is built from it.
     *
     * @throws IllegalArgumentException naming the bad server and why, and {@link #SERVERS_ACCEPTED}
     */
    public static List<String> servers(String value) {
        List<String> servers = splitServers(value);
        if (servers.size() > MAX_SERVERS) {
            throw new IllegalArgumentException(servers.size() + " DNS servers (accepted: " + SERVERS_ACCEPTED + ")");
        }
        for (String server : servers) {
            try {
                DnsjavaResolver.parseServer(server);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage() + " (accepted: " + SERVERS_ACCEPTED + ")", e);
            }
        }
        return servers;
    }

    /**
     * A time budget of one DNS question given as milliseconds in configuration text; null or blank for the
     * default ({@link DnsjavaResolver#DEFAULT_TIMEOUT}).
     *
     * @throws IllegalArgumentException unless a whole number from 1 to {@link DnsjavaResolver#MAX_TIMEOUT}
     */
    public static Duration timeout(String millis) {
        if (millis == null || millis.isBlank()) {
            return DnsjavaResolver.DEFAULT_TIMEOUT;
        }
        try {
            return timeout(Long.parseLong(millis.strip()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(timeoutRange() + ", not '" + millis.strip() + "'");
        }
    }

    /** @throws IllegalArgumentException unless {@code millis} is from 1 to {@link DnsjavaResolver#MAX_TIMEOUT} */
    public static Duration timeout(long millis) {
        if (millis < 1 || millis > DnsjavaResolver.MAX_TIMEOUT.toMillis()) {
            throw new IllegalArgumentException(timeoutRange() + ", not '" + millis + "'");
        }
        return Duration.ofMillis(millis);
    }

    private static String timeoutRange() {
        return "DNS timeout must be milliseconds from 1 to " + DnsjavaResolver.MAX_TIMEOUT.toMillis();
    }

    /**
     * Splits a configuration value such as {@code "127.0.0.1:5353, [::1]:53"} (commas and/or white space) into
     * server strings; null or blank gives an empty list.
     */
    public static List<String> splitServers(String value) {
        List<String> out = new ArrayList<>();
        if (value == null) {
            return out;
        }
        for (String part : value.split("[,\\s]+")) {
            if (!part.isEmpty()) {
                out.add(part);
            }
        }
        return out;
    }
}
