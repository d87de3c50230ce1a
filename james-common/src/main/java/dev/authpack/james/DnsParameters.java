package dev.authpack.james;

import dev.authpack.dns.DnsSettings;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * {@code dnsServers} and {@code dnsTimeout} as every mailet and hook of the pack reads them (MailAuthCheck,
 * SessionAuthCheck, ArcSeal, RelayPolicyRcptHook): one reader, so a bad value gets the same message everywhere,
 * naming the parameter and what it accepts.
 */
public final class DnsParameters {
    public static final String SERVERS = "dnsServers";
    public static final String TIMEOUT = "dnsTimeout";

    private DnsParameters() {
    }

    /**
     * The DNS settings the parameters give ({@link DnsSettings#servers}, {@link DnsSettings#timeout(String)}).
     *
     * @param parameter a parameter's value, or null when it is not set
     * @throws IllegalArgumentException {@code bad dnsServers: ...} or {@code bad dnsTimeout: ...}, with what is
     *                                  accepted
     */
    public static DnsSettings read(Function<String, String> parameter) {
        List<String> servers;
        try {
            servers = DnsSettings.servers(parameter.apply(SERVERS));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad " + SERVERS + ": " + e.getMessage(), e);
        }
        Duration timeout;
        try {
            timeout = DnsSettings.timeout(parameter.apply(TIMEOUT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad " + TIMEOUT + ": " + e.getMessage(), e);
        }
        return new DnsSettings(servers, timeout, DnsSettings.DEFAULT_CACHE_SIZE);
    }
}
