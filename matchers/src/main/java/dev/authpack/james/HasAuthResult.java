package dev.authpack.james;

import dev.authpack.authres.AuthResultCondition;
import dev.authpack.authres.AuthResultsTrust;
import dev.authpack.authres.AuthResultsWriter;
import dev.authpack.authres.MethodResult;
import dev.authpack.authres.TrustedAuthResults;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.mail.MessagingException;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Matches all recipients when the mail's authentication results meet a condition: the analogue of SpamAssassin's
 * {@code check_authres_result} (docs/HasAuthResult.md).
 *
 * <pre>{@code <mailet match="dev.authpack.james.HasAuthResult=spf=fail,softfail" class="ToProcessor">}</pre>
 *
 * <p>Condition ({@link AuthResultCondition}): {@code method=result[,result...]} tests separated by {@code ;}, all
 * of which must hold, {@code missing} meaning "no result for the method", and optionally
 * {@code trusted-authserv=ID[,ID...]} and {@code ignored-authserv=ID[,ID...]}. Results are our own (the
 * {@code authpack.results} attribute MailAuthCheck sets) and then, for methods we did not check, the newest
 * {@code Authentication-Results} field from a trusted authserv-id; fields claiming our own authserv-id are never
 * believed. A malformed condition makes {@link #init()} throw. {@link #match} never throws: a mail it cannot read
 * is logged and does not match.
 */
public class HasAuthResult extends GenericMatcher {
    private static final Logger LOGGER = LoggerFactory.getLogger(HasAuthResult.class);

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
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        try {
            return matches(mail) ? List.copyOf(mail.getRecipients()) : List.of();
        } catch (MessagingException | RuntimeException e) {
            LOGGER.warn("HasAuthResult: no match for mail {}: cannot read its results: {}", mail.getName(),
                    String.valueOf(e), e);
            return List.of();
        }
    }

    private boolean matches(Mail mail) throws MessagingException {
        List<MethodResult> own = AuthResultsAttribute.results(mail);
        Optional<String> ownId = AuthResultsAttribute.authservId(mail);
        String[] fields = mail.getMessage() == null ? null
                : mail.getMessage().getHeader(AuthResultsWriter.FIELD_NAME);
        AuthResultsTrust trust = condition.trust().withOwnId(ownId.orElse(null));
        TrustedAuthResults results = TrustedAuthResults.evaluate(own,
                fields == null ? List.of() : Arrays.asList(fields), trust);
        boolean matched = condition.matches(results);
        LOGGER.debug("HasAuthResult: mail {} results {} {} [{}]", mail.getName(), results.results(),
                matched ? "match" : "do not match", condition);
        return matched;
    }

    @Override
    public String getMatcherInfo() {
        return "authpack HasAuthResult: all recipients when trusted authentication results meet the condition";
    }
}
