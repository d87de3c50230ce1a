package dev.authpack.james.matchers;

import dev.authpack.james.LogText;
import dev.authpack.james.MailAttributes;
import dev.authpack.james.MailRelayRequests;
import dev.authpack.authres.Arrival;
import dev.authpack.authres.AuthResultCondition;
import dev.authpack.authres.AuthResultsTrust;
import dev.authpack.authres.AuthResultsWriter;
import dev.authpack.authres.MethodResult;
import dev.authpack.authres.TrustedAuthResults;
import dev.authpack.authres.TrustedAuthResults.PlacedField;
import org.apache.james.core.MailAddress;
import org.apache.mailet.AttributeName;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.mail.Header;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;

/**
 * Matches all recipients when the mail's authentication results meet a condition: the analogue of SpamAssassin's
 * {@code check_authres_result} (docs/HasAuthResult.md).
 *
 * <p>In {@code mailetcontainer.xml}, after {@code MailAuthCheck}:
 * <pre>{@code
 * <mailet match="dev.authpack.james.matchers.HasAuthResult=spf=fail; auth=missing" class="ToProcessor">
 *     <processor>spam</processor>
 * </mailet>
 * <mailet match="dev.authpack.james.matchers.HasAuthResult=dkim=fail,permerror; trusted-authserv=filter.example.net@10.1.0.0/16"
 *         class="ToProcessor">
 *     <processor>spam</processor>
 * </mailet>
 * }</pre>
 *
 * <p>Condition ({@link AuthResultCondition}): {@code method=result[,result...]} tests separated by {@code ;}, all
 * of which must hold, {@code missing} meaning "no result for the method", and optionally
 * {@code trusted-authserv=ID@NETWORK[,...]} and {@code ignored-authserv=ID[,ID...]}. Results are our own (the
 * {@code authpack.results} attribute MailAuthCheck sets) and then, for methods we did not check, the newest
 * believed {@code Authentication-Results} field from a trusted authserv-id. A trusted id is believed only for mail
 * whose SMTP client ({@code Mail.getRemoteAddr()}) is in the networks given for it (a bare id: James'
 * {@code authorizedAddresses}, the {@value #SMTP_IS_AUTH_NETWORK} attribute; {@code @any}: anywhere), and only in
 * fields above the {@code Received} field that server wrote: at most one {@code Received} field, James' own, may
 * be above a believed field. Fields claiming our own authserv-id are never believed. A malformed condition makes
 * {@link #init()} throw. {@link #match} never throws: results it cannot read (the {@code authpack.results} attribute
 * not as MailAuthCheck writes it, or the message's header) are read as no pass, fail closed ({@link #unreadable}).
 */
public class HasAuthResult extends GenericMatcher {
    private static final Logger LOGGER = LoggerFactory.getLogger(HasAuthResult.class);
    /** Set by James' SMTP server when the client is in {@code authorizedAddresses} (James' SMTPIsAuthNetwork). */
    static final String SMTP_IS_AUTH_NETWORK = "org.apache.james.SMTPIsAuthNetwork";
    private static final AttributeName AUTH_NETWORK = AttributeName.of(SMTP_IS_AUTH_NETWORK);
    private static final String RECEIVED = "Received";
    /** The result words that are a pass (DMARC's {@code bestguesspass} too): never assumed of unreadable results. */
    private static final java.util.Set<String> PASSING = java.util.Set.of("pass", "bestguesspass");

    private AuthResultCondition condition;

    @Override
    public void init() throws MessagingException {
        String text = getCondition();
        try {
            condition = AuthResultCondition.parse(text);
        } catch (IllegalArgumentException e) {
            throw new MessagingException("HasAuthResult: bad condition '" + (text == null ? "" : text) + "': "
                    + e.getMessage() + " (expected method=result[,result...] tests separated by ';', e.g."
                    + " dkim=pass;spf=fail,softfail;trusted-authserv=mx1.example.org; see docs/HasAuthResult.md)", e);
        }
        LOGGER.info("HasAuthResult: {}", condition);
        if (!condition.bareTrustedIds().isEmpty()) {
            LOGGER.warn("HasAuthResult: trusted-authserv {} without @NETWORK: believed only in mail from James'"
                    + " authorizedAddresses (earlier releases believed them from anywhere); write ID@NETWORK, e.g."
                    + " filter.example.net@10.1.0.0/16, to name the server's network (docs/HasAuthResult.md)",
                    condition.bareTrustedIds());
        }
        if (!condition.trustedFromAnywhere().isEmpty()) {
            LOGGER.warn("HasAuthResult: trusted-authserv {}@any: believed in mail from any client; anyone who can"
                    + " connect to James directly can write these results", condition.trustedFromAnywhere());
        }
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        boolean matched;
        try {
            Optional<String> unreadable = MailAttributes.resultsUnreadable(mail);
            matched = unreadable.isPresent() ? unreadable(mail, unreadable.get()) : matches(mail);
        } catch (MessagingException | RuntimeException | StackOverflowError | OutOfMemoryError e) {
            matched = unreadable(mail, "cannot read its results: " + e);
        }
        try {
            return matched ? List.copyOf(mail.getRecipients()) : List.of();
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            LOGGER.warn("HasAuthResult: no match for mail {}: its recipients cannot be read: {}", nameOf(mail),
                    LogText.of(String.valueOf(e)));
            return List.of();
        }
    }

    /**
     * Fail closed (review s22; as {@code DmarcDisposition} reads a disposition it cannot read as {@code reject}):
     * results that cannot be read, ours or the message's, are read as a result that is not a pass, for every method.
     * A test holds unless it names a passing result ({@link #holdsUnread}): {@code dmarc=fail} and {@code auth=missing}
     * match, so the mail takes the stricter path they lead to; {@code dkim=pass} never matches, so no exemption is
     * granted on results nobody can read. One line at WARN with the reason.
     */
    private boolean unreadable(Mail mail, String reason) {
        boolean matched = condition.tests().stream().allMatch(HasAuthResult::holdsUnread);
        LOGGER.warn("HasAuthResult: mail {}: results unreadable ({}); read as no pass (fail closed), {} [{}]",
                nameOf(mail), LogText.of(reason), matched ? "match" : "no match", condition);
        return matched;
    }

    /** Whether {@code test} holds for a result nobody can read: it names no passing result. */
    static boolean holdsUnread(AuthResultCondition.MethodTest test) {
        return test.words().stream().noneMatch(PASSING::contains);
    }

    /** The mail's name for the log; a placeholder when even that cannot be read. */
    private static String nameOf(Mail mail) {
        try {
            return LogText.of(String.valueOf(mail.getName()));
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            return "(name unreadable)";
        }
    }

    private boolean matches(Mail mail) throws MessagingException {
        List<MethodResult> own = MailAttributes.results(mail).orElse(List.of());
        Optional<String> ownId = MailAttributes.authservId(mail);
        AuthResultsTrust trust = condition.trust().withOwnId(ownId.orElse(null));
        TrustedAuthResults results = TrustedAuthResults.evaluate(own, placedFields(mail.getMessage()), trust,
                arrival(mail));
        boolean matched = condition.matches(results);
        LOGGER.debug("HasAuthResult: mail {} results {} {} [{}]", mail.getName(), results.results(),
                matched ? "match" : "do not match", condition);
        return matched;
    }

    /**
     * How the mail reached James: the client address it recorded (parsed without DNS) and whether the client is in
     * James' authorizedAddresses: SMTPIsAuthNetwork, unless the client authenticated. James 3.8.1 sets that
     * attribute for every client that passed SMTP AUTH too (UsersRepositoryAuthHook: setRelayingAllowed(true)),
     * from wherever it connects; an authenticated user is not the trusted server.
     */
    static Arrival arrival(Mail mail) {
        Optional<InetAddress> client = MailRelayRequests.clientIp(mail);
        boolean ownNetwork = mail.getAttribute(AUTH_NETWORK).map(a -> a.getValue().value())
                .map(Boolean.TRUE::equals).orElse(false)
                && !MailRelayRequests.authRecorded(mail); // an unreadable user is still a user (review s21)
        return new Arrival(client, ownNetwork);
    }

    /**
     * The Authentication-Results fields top to bottom (at most {@link TrustedAuthResults#MAX_FIELDS}), each with
     * the number of Received fields above it.
     */
    static List<PlacedField> placedFields(MimeMessage message) throws MessagingException {
        List<PlacedField> fields = new ArrayList<>();
        if (message == null) {
            return fields;
        }
        int received = 0;
        Enumeration<Header> headers = message.getAllHeaders();
        while (headers.hasMoreElements() && fields.size() < TrustedAuthResults.MAX_FIELDS) {
            Header header = headers.nextElement();
            if (header.getName().equalsIgnoreCase(RECEIVED)) {
                received++;
            } else if (header.getName().equalsIgnoreCase(AuthResultsWriter.FIELD_NAME)) {
                fields.add(new PlacedField(header.getValue() == null ? "" : header.getValue(), received));
            }
        }
        return fields;
    }

    @Override
    public String getMatcherInfo() {
        return "authpack HasAuthResult: all recipients when trusted authentication results meet the condition";
    }
}
