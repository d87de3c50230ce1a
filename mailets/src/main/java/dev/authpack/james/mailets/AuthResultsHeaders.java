package dev.authpack.james.mailets;

import dev.authpack.james.MailAttributes;
import dev.authpack.james.MimeMessageBytes;
import dev.authpack.authres.AuthResultsRewrite;
import dev.authpack.authres.AuthResultsWriter;
import dev.authpack.authres.MethodResult;
import org.apache.mailet.Mail;

import javax.mail.MessagingException;
import java.io.IOException;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Edits a mail's {@code Authentication-Results} fields: removes those that claim our authserv-id (the sender
 * wrote them, we did not: RFC 8601 §5; the one rule is {@link dev.authpack.authres.AuthServIds#claims}) and puts
 * ours first (§4: prepended like a trace field). The header section is rewritten in one pass over its octets
 * ({@link AuthResultsRewrite}): all other lines stay as they were, in the same order and once, so signatures over
 * them still verify; the mail gets a new message only when something changed.
 */
final class AuthResultsHeaders {
    private AuthResultsHeaders() {
    }

    /**
     * @param raw          the message's octets when the caller has already read them (not changed since), else null
     * @param removeForged whether to remove fields claiming {@code authservId}
     * @param ours         our results to put on top, or empty to only remove forged fields
     * @return the number of forged fields removed
     */
    static int rewrite(Mail mail, byte[] raw, String authservId, boolean removeForged,
                       Optional<List<MethodResult>> ours) throws MessagingException, IOException {
        return rewriteWith(mail, raw, authservId, removeForged,
                ours.map(results -> AuthResultsWriter.headerValue(authservId, results)));
    }

    /**
     * {@link #rewrite} with our field's body already written ({@link AuthResultsWriter#headerValue}, as
     * MailAuthCheck also stores it in {@code authpack.results}), or empty to only remove forged fields.
     */
    static int rewriteWith(Mail mail, byte[] raw, String authservId, boolean removeForged,
                           Optional<String> ourFieldValue) throws MessagingException, IOException {
        if (!removeForged && ourFieldValue.isEmpty()) {
            return 0;
        }
        byte[] octets = raw != null ? raw : MimeMessageBytes.of(mail.getMessage());
        String field = ourFieldValue.map(value -> AuthResultsWriter.FIELD_NAME + ": " + value).orElse(null);
        AuthResultsRewrite.Result result = AuthResultsRewrite.rewrite(octets, removeForged ? authservId : null,
                field);
        if (result.changed()) {
            // our field and the octets read, not joined: James reads the message slice by slice
            MimeMessageBytes.set(mail, result.slices());
        }
        return result.removed();
    }

    /**
     * Removes the fields claiming any of {@code ids}. When MailAuthCheck's own field was among them (the mail
     * carries its results under that id), ours is put back on top from those results, so exactly one stays.
     *
     * @return the message's octets after the change
     */
    static byte[] removeForged(Mail mail, Collection<String> ids) throws MessagingException, IOException {
        byte[] before = MimeMessageBytes.of(mail.getMessage());
        Optional<String> checkedId = MailAttributes.authservId(mail);
        Optional<List<MethodResult>> results = MailAttributes.results(mail);
        byte[] after = before;
        for (String id : ids) {
            AuthResultsRewrite.Result result = AuthResultsRewrite.rewrite(after, id, null);
            if (result.removed() > 0 && results.isPresent() && checkedId.equals(Optional.of(id))) {
                result = AuthResultsRewrite.rewrite(after, id, AuthResultsWriter.headerField(id, results.get()));
            }
            after = result.message();
        }
        if (!Arrays.equals(before, after)) {
            MimeMessageBytes.set(mail, after);
        }
        return after;
    }
}
