package dev.authpack.james.matchers;

import dev.authpack.james.LogText;
import dev.authpack.james.MailRelayRequests;
import dev.authpack.james.RelayPolicyFiles;
import dev.authpack.relay.RelayDecision;
import dev.authpack.relay.RelayPolicy;
import dev.authpack.relay.RelayPolicyException;
import dev.authpack.relay.RelayRule;
import org.apache.james.core.MailAddress;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.inject.Inject;
import javax.mail.MessagingException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Matches the recipients that the relay policy allows this mail to be relayed to (docs/RelayAllowed.md).
 *
 * <p>In {@code mailetcontainer.xml}, the {@code transport} processor (with {@code RelayPolicyRcptHook} in
 * {@code smtpserver.xml}, docs/relay-policy.md):
 * <pre>{@code
 * <mailet match="dev.authpack.james.matchers.RelayAllowed=file://conf/relay-policy.conf" class="ToProcessor">
 *     <processor>relay</processor>
 * </mailet>
 * }</pre>
 *
 * <p>Condition: the policy file, an absolute path or {@code file://conf/NAME}. It is read once, at startup; a
 * missing or malformed file makes {@link #init()} throw, so James refuses to start. For each mail the matcher reads
 * the client address ({@code getRemoteAddr()}), its verified names (those RelayPolicyRcptHook verified, else
 * {@code getRemoteHost()}; see {@link MailRelayRequests#clientNames}), MAIL FROM and the SMTP AUTH user
 * ({@link Mail#SMTP_AUTH_USER}). It never does DNS. When a rule that trusts the client itself allowed the mail
 * (relay_hosts, relay_from, an authenticated user; not relay_to) it records that on the mail
 * ({@link MailRelayRequests#TRUSTED_CLIENT}, read by DkimSign), and removes the record otherwise. Anything unexpected in {@link #match} denies: it is logged, no
 * recipient is returned and the record is removed.
 */
public class RelayAllowed extends GenericMatcher {
    private static final Logger LOGGER = LoggerFactory.getLogger(RelayAllowed.class);

    private final Optional<FileSystem> fileSystem;
    private volatile RelayPolicy policy = RelayPolicy.denyAll();

    /** Outside Guice: absolute paths; {@code file://conf/} via the {@code working.directory} system property. */
    public RelayAllowed() {
        this.fileSystem = Optional.empty();
    }

    /** Inside James: {@code file://conf/} is resolved by James' FileSystem. */
    @Inject
    public RelayAllowed(FileSystem fileSystem) {
        this.fileSystem = Optional.of(fileSystem);
    }

    @Override
    public void init() throws MessagingException {
        try {
            policy = RelayPolicyFiles.load("RelayAllowed", getCondition(), fileSystem);
        } catch (RelayPolicyException e) {
            throw new MessagingException("RelayAllowed: bad relay policy: " + e.getMessage(), e);
        }
        LOGGER.info("RelayAllowed loaded {}", policy);
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        try {
            return allowedRecipients(mail);
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            LOGGER.error("RelayAllowed: denying relay for mail {} after an unexpected error", mail.getName(), e);
            // nor does it keep an earlier judgement's trust, which DkimSign signs by (review s23)
            try {
                MailRelayRequests.recordTrustedClient(mail, Optional.empty());
            } catch (RuntimeException ignored) {
                // nothing more to do: the error is logged above
            }
            return List.of();
        }
    }

    private Collection<MailAddress> allowedRecipients(Mail mail) {
        Optional<InetAddress> clientIp = MailRelayRequests.clientIp(mail);
        if (clientIp.isEmpty()) {
            LOGGER.warn("RelayAllowed: mail {} has no usable client address ({}); relaying denied",
                    mail.getName(), mail.getRemoteAddr());
            return List.of();
        }
        List<Optional<String>> clientNames = MailRelayRequests.clientNames(mail);
        Optional<String> authUser = MailRelayRequests.authUser(mail);
        String mailFrom = MailRelayRequests.mailFrom(mail);
        RelayPolicy current = policy;
        List<MailAddress> allowed = new ArrayList<>();
        Optional<RelayRule> trusted = Optional.empty();
        for (MailAddress recipient : mail.getRecipients()) {
            RelayDecision decision = null;
            for (Optional<String> clientName : clientNames) {
                decision = current.evaluate(
                        MailRelayRequests.request(clientIp.get(), clientName, mailFrom, recipient, authUser));
                if (decision.allowed()) {
                    break;
                }
            }
            if (decision.allowed()) {
                allowed.add(recipient);
                if (decision.rule().trustsClient()) {
                    trusted = Optional.of(decision.rule());
                }
                LOGGER.debug("RelayAllowed: mail {} to {}: allowed by {}", mail.getName(),
                        LogText.of(recipient.asString()), LogText.of(decision.reason()));
            } else {
                LOGGER.info("RelayAllowed: mail {} to {}: not relayable: {}", mail.getName(),
                        LogText.of(recipient.asString()), LogText.of(decision.reason()));
            }
        }
        // before any split: the part relayed carries it (MailImpl.duplicate copies attributes)
        MailRelayRequests.recordTrustedClient(mail, trusted);
        return allowed;
    }

    /** The loaded policy (for tests and diagnostics). */
    RelayPolicy policy() {
        return policy;
    }

    @Override
    public String getMatcherInfo() {
        return "authpack RelayAllowed: recipients the relay policy allows to be relayed";
    }
}
