package dev.authpack.dns;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Asynchronous stub resolver: asks recursive servers given as {@code host:port}, with a per-query time budget,
 * and reports typed outcomes. Queries go out through {@link DnsTransport} (UDP, TCP on truncation, on the JDK's
 * sockets; random IDs and source ports, answers matched to the question); dnsjava only encodes and decodes the
 * messages. dnsjava's own client is not used: in 3.5.2 (what James ships) its shared selector thread sometimes
 * sends a query or reads an answer only when it wakes a second later.
 *
 * <p>One lookup makes up to {@code max(2, servers)} attempts (servers in order, wrapping around), each with an
 * equal share of the timeout, so the whole lookup ends within the timeout. An attempt that times out or fails on
 * the network moves on; SERVFAIL or REFUSED moves on only if there is another server. Truncated UDP answers are
 * asked again over TCP within the attempt. CNAME chains are followed, also across queries.
 *
 * <p>Cancelling the future of a lookup ends its query at once (the transport closes its socket, or takes it off
 * the shared loopback socket, and frees its slot) and sends no further attempt or CNAME step. A query the transport
 * does not send because {@link #DEFAULT_MAX_IN_FLIGHT} (or the bound given) are in flight is a
 * {@link DnsOutcome#TEMP_FAILURE} marked {@link DnsLookup#localOverload()}.
 */
public final class DnsjavaResolver extends RecordLookupResolver {

    private static final Logger LOG = LoggerFactory.getLogger(DnsjavaResolver.class);

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    /** Upper bound for the configured timeout: a mail check must never hang for minutes. */
    public static final Duration MAX_TIMEOUT = Duration.ofSeconds(60);
    static final int DEFAULT_PORT = 53;
    /** At most this many attempts per question, whatever the number of servers. */
    static final int MAX_ATTEMPTS = 4;
    /** Queries in flight at once per resolver by default; past the bound a query fails at once, locally. */
    public static final int DEFAULT_MAX_IN_FLIGHT = DnsTransport.DEFAULT_MAX_IN_FLIGHT;

    private final List<InetSocketAddress> servers;
    private final DnsTransport transport;
    private final Duration timeout;
    private final Duration attemptTimeout;
    private final int attempts;

    /** The system's resolvers (resolv.conf and the like), default timeout. */
    public DnsjavaResolver() {
        this(List.of(), DEFAULT_TIMEOUT);
    }

    /**
     * @param servers {@code host}, {@code host:port}, {@code [v6]:port} or a bare IPv6 address; empty for the
     *                system's resolvers
     * @param timeout the most one lookup may take (per question; a CNAME needing a second question gets another)
     * @throws IllegalArgumentException for an unusable server or timeout (a configuration error)
     */
    public DnsjavaResolver(List<String> servers, Duration timeout) {
        this(servers, timeout, DEFAULT_MAX_IN_FLIGHT);
    }

    /**
     * As {@link #DnsjavaResolver(List, Duration)}, with at most {@code maxInFlight} queries in flight at once
     * (tests and benchmarks: a small bound shows what happens when it is reached).
     */
    public DnsjavaResolver(List<String> servers, Duration timeout, int maxInFlight) {
        if (timeout == null || timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("DNS timeout must be between 1 ms and " + MAX_TIMEOUT + ": " + timeout);
        }
        List<InetSocketAddress> parsed = new ArrayList<>();
        for (String s : servers) {
            parsed.add(parseServer(s));
        }
        if (parsed.isEmpty()) {
            parsed.addAll(systemServers());
        }
        this.servers = List.copyOf(parsed);
        this.timeout = timeout;
        this.attempts = Math.min(MAX_ATTEMPTS, Math.max(2, this.servers.size()));
        this.attemptTimeout = timeout.dividedBy(attempts);
        this.transport = new DnsTransport(maxInFlight);
        LOG.info("DNS servers {}, timeout {}", this.servers, timeout);
    }

    public DnsjavaResolver(DnsSettings settings) {
        this(settings.servers(), settings.timeout());
    }

    public List<InetSocketAddress> servers() {
        return servers;
    }

    public Duration timeout() {
        return timeout;
    }

    /** Queries being sent or waited for now (each holds one of the transport's slots). */
    @Override
    public int queriesInFlight() {
        return transport.inFlight();
    }

    /** The transport's slots: more queries at once fail as a local overload. */
    @Override
    public int maxQueriesInFlight() {
        return transport.maxInFlight();
    }

    /**
     * Parses {@code host}, {@code host:port}, {@code [IPv6]}, {@code [IPv6]:port} or a bare IPv6 address.
     * Host names are resolved once, here.
     *
     * @throws IllegalArgumentException with the reason
     */
    public static InetSocketAddress parseServer(String server) {
        if (server == null || server.isBlank()) {
            throw new IllegalArgumentException("empty DNS server");
        }
        String s = server.trim();
        String host;
        String port = null;
        if (s.startsWith("[")) {
            int end = s.indexOf(']');
            if (end < 0) {
                throw badServer(server, "no ']' after the IPv6 address");
            }
            host = s.substring(1, end);
            String rest = s.substring(end + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw badServer(server, "':port' or nothing expected after ']'");
                }
                port = rest.substring(1);
            }
        } else if (s.indexOf(':') != s.lastIndexOf(':')) {
            host = s; // bare IPv6 address, default port
        } else if (s.indexOf(':') >= 0) {
            host = s.substring(0, s.indexOf(':'));
            port = s.substring(s.indexOf(':') + 1);
        } else {
            host = s;
        }
        int p = DEFAULT_PORT;
        if (port != null) {
            try {
                p = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                throw badServer(server, "the port '" + port + "' is not a number");
            }
            if (p < 1 || p > 65535) {
                throw badServer(server, "the port " + p + " is not from 1 to 65535");
            }
        }
        if (host.isEmpty()) {
            throw badServer(server, "no host");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), p);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("DNS server '" + s + "': unknown host '" + host + "'", e);
        }
    }

    private static IllegalArgumentException badServer(String server, String why) {
        return new IllegalArgumentException("DNS server '" + server.trim() + "': " + why);
    }

    private static List<InetSocketAddress> systemServers() {
        List<InetSocketAddress> system = ResolverConfig.getCurrentConfig().servers();
        if (system.isEmpty()) {
            LOG.warn("no system DNS servers found; using 127.0.0.1:53");
            return List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), DEFAULT_PORT));
        }
        return system;
    }

    @Override
    CompletableFuture<Reply> ask(Name name, int type, Queries queries) {
        Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
        return attempt(query, 0, null, queries);
    }

    private CompletableFuture<Reply> attempt(Message query, int n, Reply lastFailure, Queries queries) {
        if (n >= attempts) {
            return CompletableFuture.completedFuture(lastFailure);
        }
        if (queries.cancelled()) {
            return CompletableFuture.completedFuture(Reply.failed(DnsOutcome.TEMP_FAILURE, "lookup cancelled"));
        }
        InetSocketAddress server = servers.get(n % servers.size());
        CompletableFuture<Message> sent;
        try {
            sent = transport.send(query, server, attemptTimeout);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        queries.sent(sent);
        // on the transport's I/O thread that read the answer (DnsTransport: no second hand-off a query)
        return sent.handle((response, error) -> {
            if (error != null) {
                Throwable cause = unwrap(error);
                boolean timedOut = cause instanceof TimeoutException || cause instanceof SocketTimeoutException;
                String failed = "DNS query to " + describe(server) + " failed: " + cause;
                Reply failure = timedOut
                        ? Reply.failed(DnsOutcome.TIMEOUT, "no answer from " + describe(server) + " within "
                                + attemptTimeout.toMillis() + " ms")
                        : cause instanceof DnsTransport.OverloadException ? Reply.overloaded(failed)
                        : Reply.failed(DnsOutcome.TEMP_FAILURE, failed);
                LOG.debug("{} {}: attempt {} failed: {}", question(query), describe(server), n + 1, cause.toString());
                // Once an attempt timed out, the lookup is a TIMEOUT unless a later attempt gets an answer.
                boolean keepTimeout = !timedOut && lastFailure != null && lastFailure.failure() == DnsOutcome.TIMEOUT;
                return attempt(query, n + 1, keepTimeout ? lastFailure : failure, queries);
            }
            int rcode = response.getRcode();
            if ((rcode == Rcode.SERVFAIL || rcode == Rcode.REFUSED) && servers.size() > 1 && n + 1 < attempts) {
                LOG.debug("{} {}: {} , trying next server", question(query), describe(server), Rcode.string(rcode));
                return attempt(query, n + 1, Reply.failed(DnsOutcome.TEMP_FAILURE,
                        describe(server) + " answered " + Rcode.string(rcode)), queries);
            }
            if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
                return CompletableFuture.completedFuture(Reply.failed(DnsOutcome.TEMP_FAILURE,
                        describe(server) + " answered " + Rcode.string(rcode)));
            }
            return CompletableFuture.completedFuture(Reply.of(rcode, response.getSection(Section.ANSWER),
                    response.getSection(Section.AUTHORITY)));
        }).thenCompose(f -> f);
    }

    private static String question(Message query) {
        Record q = query.getQuestion();
        return q.getName() + "/" + Type.string(q.getType());
    }

    private static String describe(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    private static Throwable unwrap(Throwable t) {
        Throwable c = t;
        for (int i = 0; i < 8 && (c instanceof CompletionException || c instanceof ExecutionException)
                && c.getCause() != null; i++) {
            c = c.getCause();
        }
        return c;
    }
}
