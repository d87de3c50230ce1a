package dev.authpack.james.matchers;

import dev.authpack.james.MailRelayRequests;
import dev.authpack.relay.UserList;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.mail.MessagingException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Matches all recipients when the client authenticated with SMTP AUTH ({@link Mail#SMTP_AUTH_USER} is set)
 * (docs/IsAuthenticated.md).
 *
 * <p>In {@code mailetcontainer.xml}:
 * <pre>{@code
 * <mailet match="dev.authpack.james.matchers.IsAuthenticated=alice@example.com, @staff.example.com"
 *         class="ToProcessor">
 *     <processor>staff</processor>
 * </mailet>
 * }</pre>
 *
 * <p>Optional condition: users and/or {@code @domain} entries, separated by commas, that the authenticated user
 * must match; case is ignored. A malformed condition makes {@link #init()} throw. {@link #match} never throws.
 */
public class IsAuthenticated extends GenericMatcher {
    private static final Logger LOGGER = LoggerFactory.getLogger(IsAuthenticated.class);

    private Optional<UserList> users = Optional.empty();

    @Override
    public void init() throws MessagingException {
        String condition = getCondition();
        if (condition == null || condition.isBlank()) {
            users = Optional.empty();
            return;
        }
        try {
            users = Optional.of(UserList.parse(condition));
        } catch (IllegalArgumentException e) {
            throw new MessagingException("IsAuthenticated: bad condition '" + condition + "': " + e.getMessage()
                    + " (expected users and/or @domain entries separated by commas)", e);
        }
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        try {
            Optional<String> user = MailRelayRequests.authUser(mail);
            if (user.isEmpty()) {
                return List.of();
            }
            if (users.isPresent() && users.get().match(user.get()).isEmpty()) {
                return List.of();
            }
            return List.copyOf(mail.getRecipients());
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            LOGGER.error("IsAuthenticated: no match for mail {} after an unexpected error", mail.getName(), e);
            return List.of();
        }
    }

    @Override
    public String getMatcherInfo() {
        return "authpack IsAuthenticated: all recipients when the client authenticated (optionally as given users)";
    }
}
