package dev.authpack.james;

import dev.authpack.authres.MethodResult;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.mail.MessagingException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Writes the {@code Authentication-Results} field from the attributes {@link MailAuthCheck} stored, for setups
 * that run the check with {@code addAuthenticationResults=false} and decide later whether to add the field.
 * Forged fields claiming the same authserv-id are removed first (RFC 8601 §5). A mail that was not checked is
 * left as it is.
 */
public class AddAuthResults extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(AddAuthResults.class);

    private Optional<String> serverId;

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Set.of("serverId"));
        serverId = getInitParameterAsOptional("serverId").map(String::trim).filter(s -> !s.isEmpty());
    }

    @Override
    public void service(Mail mail) {
        try {
            Optional<List<MethodResult>> results = MailAttributes.results(mail);
            Optional<String> id = serverId.or(() -> MailAttributes.authservId(mail));
            if (results.isEmpty() || id.isEmpty()) {
                LOGGER.debug("{}: no authpack results to write", mail.getName());
                return;
            }
            AuthResultsHeaders.rewrite(mail.getMessage(), id.get(), true, results);
        } catch (MessagingException | RuntimeException e) {
            LOGGER.warn("{}: Authentication-Results not added: {}", mail.getName(), e.toString());
        }
    }

    @Override
    public String getMailetInfo() {
        return "authpack AddAuthResults: writes Authentication-Results from MailAuthCheck's attributes";
    }
}
