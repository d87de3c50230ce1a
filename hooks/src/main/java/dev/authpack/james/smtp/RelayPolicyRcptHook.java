package dev.authpack.james.smtp;

import dev.authpack.james.AuthpackEngines;
import dev.authpack.james.DnsParameters;
import dev.authpack.james.InitParameters;
import dev.authpack.james.LogText;
import dev.authpack.james.MailRelayRequests;
import dev.authpack.james.RelayPolicyFiles;
import dev.authpack.check.ClientQuota;
import dev.authpack.dns.DnsResolver;
import dev.authpack.dns.DnsSettings;
import dev.authpack.iprev.IprevChecker;
import dev.authpack.iprev.IprevResult;
import dev.authpack.iprev.IprevStatus;
import dev.authpack.mail.MailboxAddress;
import dev.authpack.relay.RelayDecision;
import dev.authpack.relay.RelayPolicy;
import dev.authpack.relay.RelayPolicyException;
import dev.authpack.relay.RelayRequest;
import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.core.Username;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.domainlist.api.DomainListException;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.protocols.api.ProtocolSession.AttachmentKey;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.smtp.SMTPRetCode;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.AbstractAuthRequiredToRelayRcptHook;
import org.apache.james.protocols.smtp.core.RcptCmdHandler;
import org.apache.james.protocols.smtp.dsn.DSNStatus;
import org.apache.james.protocols.smtp.hook.Hook;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookResultHook;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.RcptHook;
import org.apache.james.smtpserver.JamesMessageHook;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.inject.Inject;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Makes the relay policy decide at {@code RCPT TO}, inside James' SMTP server (docs/relay-policy.md).
 *
 * <pre>{@code
 * <handlerchain>
 *   <handler class="dev.authpack.james.smtp.RelayPolicyRcptHook">
 *     <policyFile>file://conf/relay-policy.conf</policyFile>
 *   </handler>
 * </handlerchain>
 * }</pre>
 *
 * <p>How it fits James 3.8.1: handlers declared in {@code <handlerchain>} come before the core handlers, so for each
 * RCPT this hook runs before James' {@code AuthRequiredToRelayRcptHook}. The RCPT command runs hooks in order until
 * one answers something other than DECLINED. This hook answers only the relay question and never ends the chain
 * with OK, so RCPT hooks configured after it (recipient validation, DNSBLs, limits) always run:
 * <ul>
 *   <li>Recipient in a James local domain (DomainList), a valid address without sender-specified routing: DECLINED.
 *       This is delivery, not relaying; James' own checks (ValidRcptHandler, ...) decide as before. A local address
 *       that is not RFC 5321 syntax (James takes some) is the policy's to decide, which refuses it.</li>
 *   <li>Otherwise the policy decides. Denied: {@code 550 5.7.1 Requested action not taken: relaying denied}, also
 *       for a client that James alone would have let relay: with this hook installed, the policy file is the single
 *       source of truth. Allowed: DECLINED ("no objection"); and because James' own relay check, which knows only
 *       {@code authorizedAddresses} and SMTP AUTH, would then refuse a relay_to/relay_from client, this class is also
 *       a {@link HookResultHook}: it turns that check's refusal into DECLINED for the one recipient the policy has
 *       just allowed, and for nothing else.</li>
 *   <li>Host-name rules need the client's verified name (PTR, confirmed by A/AAAA). It is looked up only when a
 *       host-name entry could decide the request ({@link RelayPolicy#usesClientNames(RelayRequest)}), through the
 *       pack's asynchronous resolver (shared with the mailets; {@code dnsServers}, {@code dnsTimeout}), once per
 *       connection, and waited for at most {@code nameLookupTimeout} ms (default
 *       {@value #DEFAULT_NAME_LOOKUP_TIMEOUT_MS}) from the connection's first need of it: never the JDK's blocking
 *       resolver.
 *       No verifiable name (no PTR, not confirmed) is no name. A DNS failure or the deadline gives
 *       {@code 451 4.7.25} (RFC 7372 §3.3): a temporary refusal, never a relay. The wait blocks an I/O thread for
 *       as long as the client's own DNS takes, so at most {@code maxWaiting} RCPTs wait at once, one client or
 *       network at most half of them ({@link Waits}); one that finds none free gets that {@code 451} at once, and a
 *       lookup already answered needs no wait (review s21). A wait held a fifth of {@code nameLookupTimeout} (at
 *       most 2 s) yields to an RCPT that finds none free: names answered in time arrive in milliseconds, and the
 *       lookup goes on for the retry (review s21 final). A lookup counts against its client (one at a time) and its
 *       network (five) until it finishes, not until the connection ends: a reconnection of the address joins it,
 *       another address of a client or network at its share gets that {@code 451} without a lookup
 *       ({@link NameLookups}, review s22).</li>
 *   <li>An unexpected error: {@code 451 4.3.0}, a temporary refusal, never an acceptance.</li>
 *   <li>At the end of DATA the names it verified go on the mail ({@code authpack.relay.verified-client-names}),
 *       so that {@code dev.authpack.james.matchers.RelayAllowed} judges by the same names instead of the JDK's.</li>
 * </ul>
 * A missing or malformed policy file or DNS setting, or an unknown parameter, makes {@link #init} throw a
 * {@link ConfigurationException} naming what is accepted: James does not start.
 */
public class RelayPolicyRcptHook implements RcptHook, HookResultHook, JamesMessageHook {
    private static final Logger LOGGER = LoggerFactory.getLogger(RelayPolicyRcptHook.class);
    static final String POLICY_FILE_KEY = "policyFile";
    static final String NAME_LOOKUP_TIMEOUT_KEY = "nameLookupTimeout";
    static final String DNS_SERVERS_KEY = DnsParameters.SERVERS;
    static final String DNS_TIMEOUT_KEY = DnsParameters.TIMEOUT;
    static final String MAX_WAITING_KEY = "maxWaiting";
    /** Every parameter; any other stops James at start (a misspelt one would silently keep its default). */
    static final Set<String> PARAMETERS = Set.of(POLICY_FILE_KEY, NAME_LOOKUP_TIMEOUT_KEY, DNS_SERVERS_KEY,
            DNS_TIMEOUT_KEY, MAX_WAITING_KEY);
    /** How long one connection's name lookup may hold RCPT replies, in total. */
    static final int DEFAULT_NAME_LOOKUP_TIMEOUT_MS = 2000;
    static final int MAX_NAME_LOOKUP_TIMEOUT_MS = 30_000;

    static final HookResult RELAY_DENIED = HookResult.builder()
            .hookReturnCode(HookReturnCode.deny())
            .smtpReturnCode(SMTPRetCode.MAILBOX_PERM_UNAVAILABLE)
            .smtpDescription(DSNStatus.getStatus(DSNStatus.PERMANENT, DSNStatus.SECURITY_AUTH)
                    + " Requested action not taken: relaying denied")
            .build();
    /** RFC 7372 §3.3: X.7.25 "Reverse DNS validation failed"; temporary, as the DNS failure may be. */
    static final HookResult NAME_NOT_VERIFIED = HookResult.builder()
            .hookReturnCode(HookReturnCode.denySoft())
            .smtpReturnCode(SMTPRetCode.LOCAL_ERROR)
            .smtpDescription("4.7.25 Cannot verify your host name now (reverse DNS); try again later")
            .build();
    static final HookResult TEMPORARY_FAILURE = HookResult.builder()
            .hookReturnCode(HookReturnCode.denySoft())
            .smtpReturnCode(SMTPRetCode.LOCAL_ERROR)
            .smtpDescription(DSNStatus.getStatus(DSNStatus.TRANSIENT, DSNStatus.UNDEFINED_STATUS)
                    + " Temporary local problem, please try again later")
            .build();

    /** The client's name lookup, started once per connection. */
    private record NameLookup(CompletableFuture<IprevResult> result, long startNanos) {
    }

    static final AttachmentKey<NameLookup> NAME_LOOKUP =
            AttachmentKey.of("authpack.relay-policy.name-lookup", NameLookup.class);
    /** The recipient of the current RCPT that the policy allowed to be relayed. */
    static final AttachmentKey<MailAddress> RELAY_ALLOWED =
            AttachmentKey.of("authpack.relay-policy.allowed-recipient", MailAddress.class);

    private final Optional<FileSystem> fileSystem;
    private final Predicate<Domain> localDomains;
    private final Function<DnsSettings, DnsResolver> resolvers;
    private volatile RelayPolicy policy = RelayPolicy.denyAll();
    private volatile Optional<ClientNames> names = Optional.empty();
    private volatile Duration nameLookupTimeout = Duration.ofMillis(DEFAULT_NAME_LOOKUP_TIMEOUT_MS);
    /**
     * What each client and network holds of the relay hooks' waits and name lookups in flight, counted for every
     * relay hook of the JVM together (the SMTP servers of one James: an attacker reaching two of them gets no twice
     * its share), and the lookups themselves, which a connection to any of them joins (review s22, reviewA); apart
     * from {@link SessionAuthCheck}'s counts, whose queries are single DNS queries.
     */
    static final SessionCounts JVM = SessionCounts.fresh();
    private final SessionCounts counts;
    /**
     * The RCPTs that may block James' I/O threads at once waiting for a client's name ({@code maxWaiting}), of which
     * one client (IPv4 address, IPv6 /64) or network (IPv4 /24, IPv6 /48) at most half (review s21).
     */
    private volatile Waits waits;
    /** The resolver of the client names (its lookups in flight are joined by it) and the checker over it. */
    private record ClientNames(DnsResolver resolver, IprevChecker checker) {
    }

    @Inject
    public RelayPolicyRcptHook(FileSystem fileSystem, DomainList domainList, AuthpackEngines engines) {
        this(Optional.of(fileSystem), domain -> {
            try {
                return domainList.containsDomain(domain);
            } catch (DomainListException e) {
                // Not knowing it as local means the policy decides: never more permissive.
                LOGGER.warn("RelayPolicyRcptHook: DomainList lookup of {} failed", domain.asString(), e);
                return false;
            }
        }, engines::resolver, JVM);
    }

    /**
     * Without Guice: {@code file://conf/} via {@code working.directory}; local domains from the predicate; counts of
     * its own (tests).
     */
    RelayPolicyRcptHook(Optional<FileSystem> fileSystem, Predicate<Domain> localDomains,
                        Function<DnsSettings, DnsResolver> resolvers) {
        this(fileSystem, localDomains, resolvers, SessionCounts.fresh());
    }

    /** Tests: as above, over {@code counts} (shared with other hooks given them). */
    RelayPolicyRcptHook(Optional<FileSystem> fileSystem, Predicate<Domain> localDomains,
                        Function<DnsSettings, DnsResolver> resolvers, SessionCounts counts) {
        this.fileSystem = fileSystem;
        this.localDomains = localDomains;
        this.resolvers = resolvers;
        this.counts = counts;
        share(SessionLimits.defaultMaxWaiting());
    }

    @Override
    public void init(Configuration config) throws ConfigurationException {
        checkParameters(config);
        String location = config.getString(POLICY_FILE_KEY, null);
        RelayPolicy loaded;
        try {
            loaded = RelayPolicyFiles.load("RelayPolicyRcptHook <" + POLICY_FILE_KEY + ">", location, fileSystem);
        } catch (RelayPolicyException e) {
            throw new ConfigurationException("RelayPolicyRcptHook: bad relay policy: " + e.getMessage(), e);
        }
        nameLookupTimeout = Duration.ofMillis(number(config, NAME_LOOKUP_TIMEOUT_KEY, DEFAULT_NAME_LOOKUP_TIMEOUT_MS,
                (int) SessionLimits.MIN_WAIT_MS, MAX_NAME_LOOKUP_TIMEOUT_MS));
        int maxWaiting = number(config, MAX_WAITING_KEY, SessionLimits.defaultMaxWaiting(), 1,
                SessionLimits.MAX_WAITING_CEILING);
        share(maxWaiting);
        DnsSettings dns = dnsSettings(config);
        if (loaded.usesClientNames()) {
            try {
                DnsResolver resolver = resolvers.apply(dns);
                names = Optional.of(new ClientNames(resolver, new IprevChecker(resolver)));
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("RelayPolicyRcptHook: bad " + DNS_SERVERS_KEY + ": " + e.getMessage(), e);
            }
        }
        policy = loaded;
        LOGGER.info("RelayPolicyRcptHook loaded {}{}", policy, loaded.usesClientNames()
                ? "; host names verified through " + dns + " within " + nameLookupTimeout.toMillis() + " ms, at most "
                + maxWaiting + " RCPTs waiting for them at once" : "");
    }

    /** Refuses a parameter we do not know; attributes ({@code [@class]} of James' {@code <handler>}) are no parameter. */
    private static void checkParameters(Configuration config) throws ConfigurationException {
        Optional<String> unknown = InitParameters.unknown("RelayPolicyRcptHook", config.getKeys(), PARAMETERS);
        if (unknown.isPresent()) {
            throw new ConfigurationException(unknown.get());
        }
    }

    private static DnsSettings dnsSettings(Configuration config) throws ConfigurationException {
        try {
            return DnsParameters.read(key -> config.getString(key, null));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("RelayPolicyRcptHook: " + e.getMessage(), e);
        }
    }

    /**
     * {@code key}, a whole number from {@code min} to {@code max} ({@link SessionLimits#number}, the parsing of
     * {@code SessionAuthCheck}'s limits).
     */
    private static int number(Configuration config, String key, int defaultValue, int min, int max)
            throws ConfigurationException {
        try {
            return (int) SessionLimits.number(name -> config.getString(name, null), key, defaultValue, min, max);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("RelayPolicyRcptHook: " + e.getMessage(), e);
        }
    }

    /**
     * {@code maxWaiting} waits, one client or network holding at most half of them (at least one), and the name
     * lookups in flight ({@link NameLookups}: one a client, five a network), each counted from its start until it
     * finishes (review s22: a connection dropped and made again started one more lookup each time, the earlier ones
     * still running), over the counts of every relay hook of the JVM. A wait lasts at most
     * {@code nameLookupTimeout}, so it yields after a fifth of it, at most 2 s ({@link SessionLimits#yieldAfter}: as
     * {@code SessionAuthCheck}'s {@code waitYieldAfter} of its {@code dataWait}): at the default 2000 ms a wait held
     * 400 ms yields to an RCPT that finds none free (review s21 final: yielding at the timeout itself, no wait ever
     * yielded).
     */
    private void share(int maxWaiting) {
        int share = Math.max(1, maxWaiting / 2);
        waits = new Waits(maxWaiting, new ClientQuota(share, share, counts.waits()),
                SessionLimits.yieldAfter(nameLookupTimeout));
    }

    @Override
    public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress rcpt) {
        try {
            session.removeAttachment(RELAY_ALLOWED, State.Transaction);
            return decide(session, sender, rcpt);
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            LOGGER.error("RelayPolicyRcptHook: temporary refusal of RCPT {} after an unexpected error",
                    LogText.of(String.valueOf(rcpt)), e);
            return TEMPORARY_FAILURE;
        }
    }

    /**
     * James' own relay check ({@link AbstractAuthRequiredToRelayRcptHook}) runs after this hook and knows nothing of
     * the policy: its refusal of the recipient the policy has just allowed becomes DECLINED. Every other result of
     * every other hook passes unchanged.
     */
    @Override
    public HookResult onHookResult(SMTPSession session, HookResult result, long executionTime, Hook hook) {
        if (!(hook instanceof AbstractAuthRequiredToRelayRcptHook)
                || result.getResult().getAction() != HookReturnCode.Action.DENY) {
            return result;
        }
        Optional<MailAddress> allowed = session.getAttachment(RELAY_ALLOWED, State.Transaction);
        Optional<MailAddress> current = session.getAttachment(RcptCmdHandler.CURRENT_RECIPIENT, State.Transaction);
        if (allowed.isPresent() && allowed.equals(current)) {
            LOGGER.debug("RelayPolicyRcptHook: James' relay check overruled for RCPT <{}> in session {}: the policy"
                    + " allows it", LogText.of(allowed.get().asString()), session.getSessionID());
            return HookResult.DECLINED;
        }
        return result;
    }

    /** Hands the names this connection's lookup verified, if it finished, to the mail (for RelayAllowed). */
    @Override
    public HookResult onMessage(SMTPSession session, Mail mail) {
        try {
            session.getAttachment(NAME_LOOKUP, State.Connection)
                    .map(lookup -> lookup.result().getNow(null))
                    .filter(result -> result.status() != IprevStatus.TEMPERROR)
                    .ifPresent(result -> mail.setAttribute(new Attribute(MailRelayRequests.VERIFIED_CLIENT_NAMES,
                            AttributeValue.of(result.passed()
                                    ? result.names().stream().<AttributeValue<?>>map(AttributeValue::of).toList()
                                    : List.<AttributeValue<?>>of()))));
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            LOGGER.warn("RelayPolicyRcptHook: could not record the client names on mail {}", mail.getName(), e);
        }
        return HookResult.DECLINED;
    }

    private HookResult decide(SMTPSession session, MaybeSender sender, MailAddress rcpt) {
        String recipient = rcpt.asString();
        MailboxAddress parsed = MailboxAddress.parse(recipient);
        boolean local = localDomains.test(rcpt.getDomain());
        // Left to James only when our parser reads an address without routing: James 3.8.1 takes syntax RFC 5321
        // does not (a backslash outside quotes, a TAB inside them), which could hide a route from isRouted()
        // ("alice\%victim@local"); the policy refuses such a recipient (review s20).
        if (local && parsed.isDeliverable() && !parsed.isRouted()) {
            return HookResult.DECLINED;
        }
        InetSocketAddress remote = session.getRemoteAddress();
        RelayPolicy current = policy;
        // an IPv4 client of the operator's SIIT/NAT64 translator (translator_prefixes) is its IPv4 address, for the
        // policy and for the name lookup (under in-addr.arpa)
        InetAddress clientIp = remote == null ? null : current.client(remote.getAddress());
        if (clientIp == null) {
            LOGGER.warn("RelayPolicyRcptHook: no client address for session {}; relaying denied", session.getSessionID());
            return RELAY_DENIED;
        }
        Optional<String> authUser = Optional.ofNullable(session.getUsername()).map(Username::asString);
        String mailFrom = sender.asOptional().map(MailAddress::asString).orElse("");
        RelayRequest request = new RelayRequest(clientIp, Optional.empty(), mailFrom, recipient, authUser);
        RelayDecision decision = current.evaluate(request);
        if (!decision.allowed() && current.usesClientNames(request)) {
            Optional<List<String>> verified = verifiedNames(session, clientIp);
            if (verified.isEmpty()) {
                LOGGER.info("RelayPolicyRcptHook: 451 4.7.25 for RCPT <{}> in session {}: the name of {} could not"
                        + " be verified in time", LogText.of(recipient), session.getSessionID(), clientIp.getHostAddress());
                return NAME_NOT_VERIFIED;
            }
            for (String name : verified.get()) {
                decision = current.evaluate(new RelayRequest(clientIp, Optional.of(name), mailFrom, recipient, authUser));
                if (decision.allowed()) {
                    break;
                }
            }
        }
        if (!decision.allowed()) {
            LOGGER.info("RelayPolicyRcptHook: 550 for RCPT <{}> in session {}: {}", LogText.of(recipient),
                    session.getSessionID(), LogText.of(decision.reason()));
            return RELAY_DENIED;
        }
        LOGGER.debug("RelayPolicyRcptHook: RCPT <{}> in session {} allowed: {}", LogText.of(recipient),
                session.getSessionID(), LogText.of(decision.reason()));
        if (!local) {
            session.setAttachment(RELAY_ALLOWED, rcpt, State.Transaction);
        }
        return HookResult.DECLINED;
    }

    /**
     * The client's verified names (PTR names confirmed by a forward lookup, RFC 8601 §3; empty list: none), or
     * empty when DNS failed or did not answer within the deadline. Never the JDK's resolver.
     */
    private Optional<List<String>> verifiedNames(SMTPSession session, InetAddress clientIp) {
        Optional<ClientNames> checker = names;
        if (checker.isEmpty()) {
            return Optional.of(List.of());
        }
        NameLookup lookup = session.getAttachment(NAME_LOOKUP, State.Connection).orElse(null);
        if (lookup == null) {
            // the lookup of an earlier connection of this address, while it runs; a new one only within the share
            CompletableFuture<IprevResult> started = counts.nameLookups().join(checker.get().resolver(), clientIp,
                    checker.get().checker()::check);
            if (started == null) {
                LOGGER.info("RelayPolicyRcptHook: the client {} or its network has its share of name lookups in"
                        + " flight ({} a client, {} a network); none started for session {}",
                        clientIp.getHostAddress(), NameLookups.PER_CLIENT, NameLookups.PER_NETWORK,
                        session.getSessionID());
                return Optional.empty();
            }
            // this connection's nameLookupTimeout counts from now, a joined lookup's answer may be near
            lookup = new NameLookup(started, System.nanoTime());
            session.setAttachment(NAME_LOOKUP, lookup, State.Connection);
        }
        long remaining = nameLookupTimeout.toNanos() - (System.nanoTime() - lookup.startNanos());
        CompletableFuture<IprevResult> pending = lookup.result();
        if (!pending.isDone() && remaining > 0) {
            // waiting blocks this I/O thread and every connection Netty gave it, for as long as the client's own DNS
            // takes: only with one of the waits (review s21); none free, or it yields: 451 now, never a relay
            try (Waits.Wait wait = waits.tryTake(clientIp)) {
                if (wait == null) {
                    LOGGER.info("RelayPolicyRcptHook: no wait free (maxWaiting) for the name of {} in session {}",
                            clientIp.getHostAddress(), session.getSessionID());
                    return Optional.empty();
                }
                wait.awaitDone(pending, Duration.ofNanos(remaining));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        IprevResult result;
        try {
            result = pending.getNow(null);
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            return Optional.empty();
        }
        if (result == null) {
            return Optional.empty();
        }
        return switch (result.status()) {
            case PASS -> Optional.of(result.names());
            case TEMPERROR -> Optional.empty();
            case FAIL, PERMERROR -> Optional.of(List.of()); // no verifiable name
        };
    }

    /** The loaded policy (tests, diagnostics). */
    RelayPolicy policy() {
        return policy;
    }
}
