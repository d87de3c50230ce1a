package dev.authpack.james.mailets;

import dev.authpack.james.InitParameters;
import dev.authpack.james.MailAttributes;
import dev.authpack.authres.MethodResult;
import dev.authpack.authres.AuthResultsWriter;
import dev.authpack.james.MessageSizeLimit;
import dev.authpack.james.WholeReadBudget;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.mail.MessagingException;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Writes the {@code Authentication-Results} field from the attributes {@link MailAuthCheck} stored, for setups
 * that run the check with {@code addAuthenticationResults=false} and decide later whether to add the field.
 * Fields claiming the same authserv-id are removed on every path (RFC 8601 §5), also from mail that was not
 * checked when {@code serverId} is set. Results that cannot be read whole ({@link MailAttributes#resultsUnreadable})
 * write nothing of ours, and the mail goes to James' error processor (review s22). See docs/AddAuthResults.md.
 *
 * <p>In {@code mailetcontainer.xml}:
 * <pre>{@code
 * <mailet match="All" class="dev.authpack.james.mailets.MailAuthCheck">
 *     <serverId>mx.example.org</serverId>
 *     <addAuthenticationResults>false</addAuthenticationResults>
 * </mailet>
 * <!-- ... policy ... -->
 * <mailet match="All" class="dev.authpack.james.mailets.AddAuthResults"/>
 * }</pre>
 */
public class AddAuthResults extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(AddAuthResults.class);

    static final String MAX_CHECKED_SIZE = "maxCheckedSize";
    /** Every parameter; any other stops James at start. */
    static final Set<String> PARAMETERS = Set.of("serverId", MAX_CHECKED_SIZE,
            WholeReadBudget.PARAMETER);
    private Optional<String> serverId;
    /**
     * {@code maxCheckedSize}, as MailAuthCheck's ({@link MessageSizeLimit}, 64 MiB by default): a larger message is
     * not read whole, its header section alone is rewritten and the body streamed under it.
     */
    private MessageSizeLimit maxChecked = new MessageSizeLimit(MAX_CHECKED_SIZE, MessageSizeLimit.DEFAULT);
    /**
     * {@code maxCheckedTotal} ({@link WholeReadBudget}, the JVM-wide count MailAuthCheck's is): a message it leaves
     * no room for is rewritten as one over {@code maxCheckedSize} is, its header section alone (the same fields).
     */
    private WholeReadBudget maxCheckedTotal = WholeReadBudget.read(null, maxChecked);

    @Override
    public void init() throws MessagingException {
        InitParameters.check("AddAuthResults", getMailetConfig(), PARAMETERS);
        serverId = getInitParameterAsOptional("serverId").map(String::trim).filter(s -> !s.isEmpty());
        try {
            maxChecked = MessageSizeLimit.parse(MAX_CHECKED_SIZE, getInitParameter(MAX_CHECKED_SIZE));
            maxCheckedTotal = WholeReadBudget.read(getInitParameter(WholeReadBudget.PARAMETER), maxChecked);
        } catch (IllegalArgumentException e) {
            throw new MessagingException("AddAuthResults: " + e.getMessage(), e);
        }
    }

    @Override
    public void service(Mail mail) {
        Optional<String> id = serverId;
        Optional<List<MethodResult>> results = Optional.empty();
        Throwable unreadable = null;
        try {
            if (id.isEmpty()) {
                id = MailAttributes.authservId(mail);
            }
            results = MailAttributes.results(mail);
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            // all the results or none (review s22): ours is never written from the part that can be read
            unreadable = e;
        } finally {
            if (id.isPresent()) {
                write(mail, id.get(), results);
            } else if (unreadable == null) {
                LOGGER.debug("{}: no authserv-id: MailAuthCheck did not run and serverId is not set", mail.getName());
            }
        }
        if (unreadable != null && !Mail.ERROR.equals(mail.getState())) {
            // fields claiming our id removed (above), none of ours written: not delivered as a mail we did not check
            AuthResultsHeaders.toErrorProcessor(mail, "AddAuthResults", unreadable);
        }
    }

    /** Ours on top when there are results; fields claiming our id go in any case. */
    private void write(Mail mail, String id, Optional<List<MethodResult>> results) {
        try {
            if (mail.getMessage() == null) {
                return;
            }
            // a message over maxCheckedSize, or over what maxCheckedTotal leaves, is not read whole: its header
            // section alone is rewritten (the budget is held while it is read whole and released after)
            int removed = AuthResultsHeaders.rewriteWith(mail, null, id, true,
                    results.map(r -> AuthResultsWriter.headerValue(id, r)), maxChecked, maxCheckedTotal);
            if (removed > 0) {
                LOGGER.info("{}: removed {} Authentication-Results field(s) claiming {}", mail.getName(), removed, id);
            }
        } catch (MessagingException | IOException | RuntimeException | StackOverflowError | OutOfMemoryError e) {
            // fail closed (review s19 L3): not delivered with a field claiming our id, nor without ours
            AuthResultsHeaders.toErrorProcessor(mail, "AddAuthResults", e);
        }
    }

    @Override
    public String getMailetInfo() {
        return "authpack AddAuthResults: writes Authentication-Results from MailAuthCheck's attributes";
    }
}
