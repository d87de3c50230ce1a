package dev.authpack.james;

import dev.authpack.relay.IpLiterals;
import dev.authpack.relay.MailboxAddress;
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
import org.apache.james.protocols.smtp.SMTPRetCode;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.dsn.DSNStatus;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.RcptHook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.inject.Inject;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Makes the relay policy decide at {@code RCPT TO}, inside James' SMTP server (docs/relay-policy.md).
 *
 * <pre>{@code
 * <handlerchain>
 *   <handler class="dev.authpack.james.RelayPolicyRcptHook">
 *     <policyFile>file://conf/relay-policy.conf</policyFile>
 *   </handler>
 * </handlerchain>
 * }</pre>
 *
 * <p>How it fits James 3.8.1: handlers declared in {@code <handlerchain>} come before the core handlers, so for each
 * RCPT this hook runs before James' {@code AuthRequiredToRelayRcptHook}. The RCPT command runs hooks in order until
 * one answers something other than DECLINED; OK accepts the recipient at once and skips every later RCPT hook.
 * <ul>
 *   <li>Recipient in a James local domain (DomainList), without sender-specified routing: DECLINED. This is delivery,
 *       not relaying; James' own checks (ValidRcptHandler, ...) decide as before.</li>
 *   <li>Otherwise the policy decides. Allowed: OK for a remote domain (so James' own relay check, which knows only
 *       {@code authorizedAddresses} and SMTP AUTH, cannot refuse a relay_to/relay_from client), DECLINED for a local
 *       domain. Denied: {@code 550 5.7.1 Requested action not taken: relaying denied}, also for a client that James
 *       alone would have let relay: with this hook installed, the policy file is the single source of truth.</li>
 *   <li>An unexpected error: {@code 451 4.3.0}, a temporary refusal, never an acceptance.</li>
 * </ul>
 * A missing or malformed policy file makes {@link #init} throw a {@link ConfigurationException}: James does not start.
 */
public class RelayPolicyRcptHook implements RcptHook {
    private static final Logger LOGGER = LoggerFactory.getLogger(RelayPolicyRcptHook.class);
    static final String POLICY_FILE_KEY = "policyFile";

    static final HookResult RELAY_DENIED = HookResult.builder()
            .hookReturnCode(HookReturnCode.deny())
            .smtpReturnCode(SMTPRetCode.MAILBOX_PERM_UNAVAILABLE)
            .smtpDescription(DSNStatus.getStatus(DSNStatus.PERMANENT, DSNStatus.SECURITY_AUTH)
                    + " Requested action not taken: relaying denied")
            .build();
    static final HookResult TEMPORARY_FAILURE = HookResult.builder()
            .hookReturnCode(HookReturnCode.denySoft())
            .smtpReturnCode(SMTPRetCode.LOCAL_ERROR)
            .smtpDescription(DSNStatus.getStatus(DSNStatus.TRANSIENT, DSNStatus.UNDEFINED_STATUS)
                    + " Temporary local problem, please try again later")
            .build();

    private final Optional<FileSystem> fileSystem;
    private final Predicate<Domain> localDomains;
    private volatile RelayPolicy policy = RelayPolicy.denyAll();

    @Inject
    public RelayPolicyRcptHook(FileSystem fileSystem, DomainList domainList) {
        this(Optional.of(fileSystem), domain -> {
            try {
                return domainList.containsDomain(domain);
            } catch (DomainListException e) {
                // Not knowing it as local means the policy decides: never more permissive.
                LOGGER.warn("RelayPolicyRcptHook: DomainList lookup of {} failed", domain.asString(), e);
                return false;
            }
        });
    }

    /** Without Guice: {@code file://conf/} via {@code working.directory}; local domains from the predicate. */
    RelayPolicyRcptHook(Optional<FileSystem> fileSystem, Predicate<Domain> localDomains) {
        this.fileSystem = fileSystem;
        this.localDomains = localDomains;
    }

    @Override
    public void init(Configuration config) throws ConfigurationException {
        String location = config.getString(POLICY_FILE_KEY, null);
        try {
            policy = RelayPolicyFiles.load("RelayPolicyRcptHook <" + POLICY_FILE_KEY + ">", location, fileSystem);
        } catch (RelayPolicyException e) {
            throw new ConfigurationException("RelayPolicyRcptHook: bad relay policy: " + e.getMessage(), e);
        }
        LOGGER.info("RelayPolicyRcptHook loaded {}", policy);
    }

    @Override
    public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress rcpt) {
        try {
            return decide(session, sender, rcpt);
        } catch (RuntimeException e) {
            LOGGER.error("RelayPolicyRcptHook: temporary refusal of RCPT {} after an unexpected error", rcpt, e);
            return TEMPORARY_FAILURE;
        }
    }

    private HookResult decide(SMTPSession session, MaybeSender sender, MailAddress rcpt) {
        String recipient = rcpt.asString();
        boolean routed = MailboxAddress.parse(recipient).isRouted();
        boolean local = localDomains.test(rcpt.getDomain());
        if (local && !routed) {
            return HookResult.DECLINED;
        }
        InetSocketAddress remote = session.getRemoteAddress();
        InetAddress clientIp = remote == null ? null : remote.getAddress();
        if (clientIp == null) {
            LOGGER.warn("RelayPolicyRcptHook: no client address for session {}; relaying denied", session.getSessionID());
            return RELAY_DENIED;
        }
        RelayPolicy current = policy;
        Optional<String> clientName = current.usesClientNames() ? verifiedName(clientIp) : Optional.empty();
        Optional<String> authUser = Optional.ofNullable(session.getUsername()).map(Username::asString);
        String mailFrom = sender.asOptional().map(MailAddress::asString).orElse("");
        RelayDecision decision = current.evaluate(new RelayRequest(clientIp, clientName, mailFrom, recipient, authUser));
        if (!decision.allowed()) {
            LOGGER.info("RelayPolicyRcptHook: 550 for RCPT <{}> in session {}: {}", recipient,
                    session.getSessionID(), decision.reason());
            return RELAY_DENIED;
        }
        LOGGER.debug("RelayPolicyRcptHook: RCPT <{}> in session {} allowed: {}", recipient, session.getSessionID(),
                decision.reason());
        return local ? HookResult.DECLINED : HookResult.OK;
    }

    /**
     * The same name James puts in {@code Mail.getRemoteHost()}: the JDK's reverse lookup, which it forward-confirms
     * and otherwise answers with the address text. Only looked up when the policy names hosts.
     */
    private static Optional<String> verifiedName(InetAddress clientIp) {
        String name = clientIp.getHostName();
        return Optional.ofNullable(name).filter(n -> !n.isBlank() && !IpLiterals.isLiteral(n));
    }

    /** The loaded policy (tests, diagnostics). */
    RelayPolicy policy() {
        return policy;
    }
}
