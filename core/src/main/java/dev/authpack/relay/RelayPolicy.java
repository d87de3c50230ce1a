package dev.authpack.relay;

import dev.authpack.mail.MailboxAddress;
import dev.authpack.dns.DomainNames;
import dev.authpack.dns.IpLiterals;
import dev.authpack.dns.TranslatorPrefixes;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Who may relay mail through us, with the semantics of KumoMTA's listener domains. Default: deny.
 *
 * <p>Order of evaluation for one recipient ({@link #evaluate}):
 * <ol>
 *   <li>an invalid recipient is denied;</li>
 *   <li>trusted clients may relay anywhere: a client in {@code relay_hosts}; an authenticated user when
 *       {@code relay_authenticated = true} or listed in {@code relay_users}; a client in {@code relay_from} (or a
 *       user in {@code relay_from_users}) of the section that governs the MAIL FROM domain;</li>
 *   <li>a recipient with sender-specified routing ({@link MailboxAddress#isRouted()}) is denied for everyone else,
 *       even to a {@code relay_to} domain: the next hop might honour the route and pass the mail on;</li>
 *   <li>the section that governs the recipient domain: {@code relay_to = true}, or the authenticated user in
 *       {@code relay_to_users};</li>
 *   <li>otherwise denied.</li>
 * </ol>
 * The section that governs a domain is the one named exactly so, or else the nearest parent section that has
 * {@code include_subdomains = true}; sections are not merged.
 *
 * <p>The client address is read through {@code translator_prefixes} first ({@link #client}): an IPv4 client of the
 * operator's SIIT/NAT64 translator is matched as the IPv4 address it embeds (RFC 6052).
 *
 * <p>Immutable and thread-safe. {@link #evaluate} never throws for any request and never does DNS.
 */
public final class RelayPolicy {
    private final String source;
    private final HostList relayHosts;
    private final boolean relayAuthenticated;
    private final UserList relayUsers;
    private final Map<String, DomainRules> domains;
    private final TranslatorPrefixes translatorPrefixes;

    RelayPolicy(String source, HostList relayHosts, boolean relayAuthenticated, UserList relayUsers,
                Map<String, DomainRules> domains, TranslatorPrefixes translatorPrefixes) {
        this.translatorPrefixes = Objects.requireNonNull(translatorPrefixes, "translatorPrefixes");
        this.source = Objects.requireNonNull(source, "source");
        this.relayHosts = Objects.requireNonNull(relayHosts, "relayHosts");
        this.relayAuthenticated = relayAuthenticated;
        this.relayUsers = Objects.requireNonNull(relayUsers, "relayUsers");
        this.domains = Map.copyOf(new LinkedHashMap<>(domains));
    }

    /** A policy that allows nothing. */
    public static RelayPolicy denyAll() {
        return new RelayPolicy("(deny all)", HostList.empty(), false, UserList.empty(), Map.of(),
                TranslatorPrefixes.NONE);
    }

    /** Reads and strictly parses a policy file; see {@link RelayPolicyParser}. */
    public static RelayPolicy load(Path file) throws RelayPolicyException {
        return RelayPolicyParser.parse(file);
    }

    /** Parses policy text; {@code sourceName} is used in error messages. */
    public static RelayPolicy parse(String sourceName, String text) throws RelayPolicyException {
        return RelayPolicyParser.parse(sourceName, text);
    }

    /**
     * The address a client connecting from {@code address} is matched as: through {@code translator_prefixes}
     * ({@link TranslatorPrefixes#client}), so that an IPv4 client of the operator's translator is its IPv4 address.
     * Callers that look the client's name up do so for this address.
     */
    public InetAddress client(InetAddress address) {
        // a link-scoped address is not translated: its zone would be lost, and it must match no entry (s21)
        return IpLiterals.isLinkScoped(address) ? address : translatorPrefixes.client(address);
    }

    public TranslatorPrefixes translatorPrefixes() {
        return translatorPrefixes;
    }

    public RelayDecision evaluate(RelayRequest request) {
        MailboxAddress rcpt = MailboxAddress.parse(request.recipient());
        if (!rcpt.isDeliverable()) {
            return RelayDecision.deny(RelayRule.INVALID_RECIPIENT,
                    "recipient '" + request.recipient() + "' is not an address: " + rcpt.detail());
        }
        InetAddress ip = client(request.clientIp());
        String client = ip.getHostAddress()
                + (ip.equals(IpLiterals.normalize(request.clientIp())) ? ""
                        : " (from " + IpLiterals.text(request.clientIp()) + ", translator_prefixes)")
                + request.clientName().map(n -> " (" + n + ")").orElse("");

        Optional<String> host = relayHosts.match(ip, request.clientName());
        if (host.isPresent()) {
            return RelayDecision.allow(RelayRule.RELAY_HOSTS,
                    "client " + client + " matches relay_hosts entry " + host.get());
        }
        Optional<String> user = request.authUser();
        if (user.isPresent()) {
            if (relayAuthenticated) {
                return RelayDecision.allow(RelayRule.RELAY_AUTHENTICATED,
                        "client authenticated as " + user.get() + " and relay_authenticated = true");
            }
            Optional<String> entry = relayUsers.match(user.get());
            if (entry.isPresent()) {
                return RelayDecision.allow(RelayRule.RELAY_USERS,
                        "authenticated user " + user.get() + " matches relay_users entry " + entry.get());
            }
        }
        MailboxAddress sender = MailboxAddress.parse(request.mailFrom());
        if (sender.kind() == MailboxAddress.Kind.MAILBOX) {
            Optional<DomainRules> rules = rulesFor(sender.domain());
            if (rules.isPresent()) {
                DomainRules r = rules.get();
                Optional<String> from = r.relayFrom().match(ip, request.clientName());
                if (from.isPresent()) {
                    return RelayDecision.allow(RelayRule.RELAY_FROM, "sender domain " + sender.domain()
                            + " and client " + client + " matches relay_from entry " + from.get()
                            + " of [domain " + r.domain() + "]");
                }
                if (user.isPresent()) {
                    Optional<String> entry = r.relayFromUsers().match(user.get());
                    if (entry.isPresent()) {
                        return RelayDecision.allow(RelayRule.RELAY_FROM_USERS, "sender domain " + sender.domain()
                                + " and authenticated user " + user.get() + " matches relay_from_users entry "
                                + entry.get() + " of [domain " + r.domain() + "]");
                    }
                }
            }
        }
        if (rcpt.isRouted()) {
            return RelayDecision.deny(RelayRule.ROUTED_RECIPIENT, "recipient '" + request.recipient()
                    + "' has sender-specified routing (" + rcpt.routing().get() + ") and client " + client
                    + " is not trusted to relay");
        }
        if (rcpt.kind() == MailboxAddress.Kind.MAILBOX) {
            Optional<DomainRules> rules = rulesFor(rcpt.domain());
            if (rules.isPresent()) {
                DomainRules r = rules.get();
                if (r.relayTo()) {
                    return RelayDecision.allow(RelayRule.RELAY_TO, "recipient domain " + rcpt.domain()
                            + " has relay_to = true in [domain " + r.domain() + "]");
                }
                if (user.isPresent()) {
                    Optional<String> entry = r.relayToUsers().match(user.get());
                    if (entry.isPresent()) {
                        return RelayDecision.allow(RelayRule.RELAY_TO_USERS, "authenticated user " + user.get()
                                + " matches relay_to_users entry " + entry.get() + " of [domain " + r.domain() + "]");
                    }
                }
            }
        }
        return RelayDecision.deny(RelayRule.NO_RULE, "no rule allows client " + client
                + user.map(u -> " authenticated as " + u).orElse("")
                + " with sender '" + request.mailFrom() + "' to relay to '" + request.recipient() + "'");
    }

    /**
     * The section governing a domain: the exact section, else the nearest parent with include_subdomains.
     *
     * @param domain any spelling; it is normalized first
     */
    public Optional<DomainRules> rulesFor(String domain) {
        Optional<String> canonical = DomainNames.normalize(domain);
        if (canonical.isEmpty()) {
            return Optional.empty();
        }
        DomainRules exact = domains.get(canonical.get());
        if (exact != null) {
            return Optional.of(exact);
        }
        Optional<String> parent = DomainNames.parent(canonical.get());
        while (parent.isPresent()) { // at most 127 labels in a 253-character name
            DomainRules r = domains.get(parent.get());
            if (r != null && r.includeSubdomains()) {
                return Optional.of(r);
            }
            parent = DomainNames.parent(parent.get());
        }
        return Optional.empty();
    }

    /**
     * True when some rule matches host names: then callers must supply {@link RelayRequest#clientName()}, and
     * may skip the reverse lookup otherwise.
     */
    public boolean usesClientNames() {
        return relayHosts.usesNames() || domains.values().stream().anyMatch(d -> d.relayFrom().usesNames());
    }

    /**
     * True when a host-name entry could decide this request: {@code relay_hosts} names hosts, or the section of
     * the MAIL FROM domain has host names in {@code relay_from}. When false, {@link #evaluate} gives the same answer
     * whatever {@link RelayRequest#clientName()} is, so callers need not look the name up (no DNS).
     */
    public boolean usesClientNames(RelayRequest request) {
        if (!MailboxAddress.parse(request.recipient()).isDeliverable()) {
            return false;
        }
        if (relayHosts.usesNames()) {
            return true;
        }
        MailboxAddress sender = MailboxAddress.parse(request.mailFrom());
        return sender.kind() == MailboxAddress.Kind.MAILBOX
                && rulesFor(sender.domain()).map(r -> r.relayFrom().usesNames()).orElse(false);
    }

    /** Where the policy came from (file path), for logs. */
    public String source() {
        return source;
    }

    public HostList relayHosts() {
        return relayHosts;
    }

    public boolean relayAuthenticated() {
        return relayAuthenticated;
    }

    public UserList relayUsers() {
        return relayUsers;
    }

    public Map<String, DomainRules> domains() {
        return domains;
    }

    @Override
    public String toString() {
        return "RelayPolicy[" + source + ": " + relayHosts.size() + " relay_hosts, relay_authenticated="
                + relayAuthenticated + ", " + relayUsers.size() + " relay_users, " + domains.size() + " domains"
                + (translatorPrefixes.isEmpty() ? "" : ", translator_prefixes " + translatorPrefixes) + "]";
    }
}
