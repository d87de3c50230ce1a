package dev.authpack.james.mailets;

import dev.authpack.james.MailAttributes;
import dev.authpack.james.MessageSizeLimit;
import dev.authpack.james.MimeMessageBytes;
import dev.authpack.james.WholeReadBudget;
import dev.authpack.mail.OctetSlice;
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
     * @param ourFieldValue our field's body to put on top ({@link AuthResultsWriter#headerValue}, as
     * MailAuthCheck also stores it in {@code authpack.results}), or empty to only remove forged fields.
     */
    static int rewriteWith(Mail mail, byte[] raw, String authservId, boolean removeForged,
                           Optional<String> ourFieldValue) throws MessagingException, IOException {
        return rewriteWith(mail, raw, authservId, removeForged, ourFieldValue, null);
    }

    /**
     * {@link #rewriteWith(Mail, byte[], String, boolean, Optional)}; a message larger than {@code limit}, or of
     * unknown size (when {@code limit} is not null and {@code raw} is null), is not read whole: its header section
     * alone is rewritten ({@link #rewriteHeaderSection}).
     */
    static int rewriteWith(Mail mail, byte[] raw, String authservId, boolean removeForged,
                           Optional<String> ourFieldValue, MessageSizeLimit limit)
            throws MessagingException, IOException {
        return rewriteWith(mail, raw, authservId, removeForged, ourFieldValue, limit, null);
    }

    /**
     * {@link #rewriteWith(Mail, byte[], String, boolean, Optional, MessageSizeLimit)}; a message not read yet
     * ({@code raw} null) is read whole only while {@code budget} (when not null) has room for it: otherwise, its
     * header section alone is rewritten, as a message over {@code limit}.
     */
    static int rewriteWith(Mail mail, byte[] raw, String authservId, boolean removeForged,
                           Optional<String> ourFieldValue, MessageSizeLimit limit, WholeReadBudget budget)
            throws MessagingException, IOException {
        if (!removeForged && ourFieldValue.isEmpty()) {
            return 0;
        }
        WholeReadBudget.Hold hold = WholeReadBudget.Hold.NONE;
        if (raw == null) {
            long size = MimeMessageBytes.size(mail);
            // a message of unknown size not read for the check (review s18 L2) is not read whole here either, nor
            // one the messages read whole at once leave no room for (maxCheckedTotal)
            boolean whole = limit == null || !limit.mayExceed(size);
            hold = !whole ? null : budget == null ? WholeReadBudget.Hold.NONE : budget.tryHold(size);
            if (hold == null) {
                return rewriteHeaderSection(mail, removeForged ? List.of(authservId) : List.of(),
                        ourFieldValue.map(value -> AuthResultsWriter.FIELD_NAME + ": " + value));
            }
        }
        try (WholeReadBudget.Hold held = hold) {
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
    }

    /**
     * Removes the fields claiming any of {@code ids}. When MailAuthCheck's own field was among them (the mail
     * carries its results under that id), ours is put back on top from those results, so exactly one stays; when
     * they cannot be read whole, {@link MailAttributes.UnreadableResults} is thrown and the message left as it is.
     *
     * @return the message's octets after the change
     */
    static byte[] removeForged(Mail mail, Collection<String> ids) throws MessagingException, IOException {
        return removeForgedWhole(mail, ids);
    }

    /**
     * {@link #removeForged(Mail, Collection)}; a message larger than {@code limit} (when not null), or of unknown
     * size, is not read whole:
     * its header section alone is rewritten ({@link #rewriteHeaderSection}), and null is returned.
     */
    static byte[] removeForged(Mail mail, Collection<String> ids, MessageSizeLimit limit)
            throws MessagingException, IOException {
        return removeForged(mail, ids, limit, null);
    }

    /**
     * {@link #removeForged(Mail, Collection, MessageSizeLimit)}; a message within {@code limit} is read whole only
     * while {@code budget} (when not null) holds its octets, released after: otherwise its header section alone is
     * rewritten, as a message over {@code limit} (and null is returned).
     */
    static byte[] removeForged(Mail mail, Collection<String> ids, MessageSizeLimit limit, WholeReadBudget budget)
            throws MessagingException, IOException {
        long size = MimeMessageBytes.size(mail);
        // of unknown size: not read whole either (review s18 L2)
        if (limit != null && limit.mayExceed(size)) {
            removeForgedInHeaderSection(mail, ids);
            return null;
        }
        WholeReadBudget.Hold hold = budget == null ? WholeReadBudget.Hold.NONE : budget.tryHold(size);
        if (hold == null) {
            removeForgedInHeaderSection(mail, ids);
            return null;
        }
        try (hold) {
            return removeForgedWhole(mail, ids);
        }
    }

    /**
     * {@link #removeForged(Mail, Collection)} from the header section alone, the body streamed, never read whole
     * ({@link #rewriteHeaderSection}): the same fields removed, MailAuthCheck's own put back on top.
     */
    static void removeForgedInHeaderSection(Mail mail, Collection<String> ids) throws MessagingException,
            IOException {
        // read once: whether our own field is among those claimed, and the rewrite (review s23)
        byte[] header = headerSection(mail);
        Optional<String> checkedId = MailAttributes.authservId(mail).filter(ids::contains);
        if (checkedId.isPresent() && AuthResultsRewrite.rewrite(header, checkedId.get(), null).removed() == 0) {
            checkedId = Optional.empty();
        }
        // MailAuthCheck's own field put back on top when one claiming its id goes, as below (the results are read
        // only then, so a message of any size is treated alike: review s22); results that cannot be read whole throw
        // (never a field of part of them)
        Optional<List<MethodResult>> results = checkedId.isPresent() ? MailAttributes.results(mail) : Optional.empty();
        Optional<String> ours = checkedId.flatMap(id -> results.map(r -> AuthResultsWriter.headerField(id, r)));
        rewriteHeaderSection(mail, header, ids, ours);
    }

    /**
     * The header section {@link #rewriteHeaderSection} rewrites: up to the later end of the LF-only and the
     * CRLF-only readings (review s18 H2), so the header section of every reader is in it, and it holds a CR LF unless
     * it is the whole message, so it is rewritten as the whole message would be (the CRLF-only reader's fields, the
     * CR put before the LF-only end's line ends).
     */
    private static byte[] headerSection(Mail mail) throws MessagingException, IOException {
        byte[] header = MimeMessageBytes.headerSection(mail.getMessage(), MAX_HEADER_SECTION);
        if (header.length > MAX_HEADER_SECTION) {
            throw new HeaderSectionTooLarge();
        }
        return header;
    }

    private static byte[] removeForgedWhole(Mail mail, Collection<String> ids) throws MessagingException,
            IOException {
        return removeForgedFrom(mail, ids, MimeMessageBytes.of(mail.getMessage()));
    }

    /**
     * {@link #removeForged(Mail, Collection)} over {@code before}, the mail's message already read whole (not read
     * again).
     */
    static byte[] removeForgedFrom(Mail mail, Collection<String> ids, byte[] before) throws MessagingException,
            IOException {
        Optional<String> checkedId = MailAttributes.authservId(mail);
        byte[] after = before;
        for (String id : ids) {
            AuthResultsRewrite.Result result = AuthResultsRewrite.rewrite(after, id, null);
            if (result.removed() > 0 && checkedId.equals(Optional.of(id))) {
                // MailAuthCheck's own field was among them: put back from all its results, or the mail is not
                // rewritten (results that cannot be read whole throw: never a field of part of them, review s22)
                Optional<List<MethodResult>> results = MailAttributes.results(mail);
                if (results.isPresent()) {
                    result = AuthResultsRewrite.rewrite(after, id, AuthResultsWriter.headerField(id, results.get()));
                }
            }
            after = result.message();
        }
        if (!Arrays.equals(before, after)) {
            MimeMessageBytes.set(mail, after);
        }
        return after;
    }

    /**
     * The largest header section rewritten in a message not read whole: far above any real one (RawMessage, which
     * the checks read it with, stops at 1 MiB), so the fields claiming our id are all found; a larger one is not
     * rewritten at all (a rewrite of part of it could cut a field in two).
     */
    static final int MAX_HEADER_SECTION = 8 << 20;

    /**
     * A header section (for some reader) larger than {@link #MAX_HEADER_SECTION} in a message not read whole: not
     * rewritten, so fields claiming our id may stay, and ours is not written. Such a mail is not delivered
     * ({@link #toErrorProcessor}: review s18 M1).
     */
    static final class HeaderSectionTooLarge extends MessagingException {
        HeaderSectionTooLarge() {
            super("header section larger than " + MAX_HEADER_SECTION + " octets in a message not read whole:"
                    + " Authentication-Results not rewritten");
        }
    }

    /**
     * Fails closed for a mail whose fields claiming our id could not be removed, or ours not written: a header
     * section too large ({@link HeaderSectionTooLarge}), a rewrite that failed (a spool read error, say: review
     * s19 L3), or results that cannot be read whole ({@link MailAttributes.UnreadableResults}: ours is never
     * written from part of them, review s22). It goes to James' error processor (state {@link Mail#ERROR}, with
     * the reason as its error message), where the administrator sees it, instead of being delivered carrying a
     * sender's field that claims our authserv-id. The error processor must store such mail, not bounce it to its (possibly forged) sender
     * (docs/security.md).
     */
    static void toErrorProcessor(Mail mail, String who, Throwable e) {
        String reason = e instanceof HeaderSectionTooLarge ? e.getMessage()
                : e instanceof MailAttributes.UnreadableResults ? e.getMessage()
                + ": no Authentication-Results of ours written from part of them (review s22)"
                : "Authentication-Results not rewritten (fields claiming our authserv-id may remain): " + e;
        org.slf4j.LoggerFactory.getLogger(AuthResultsHeaders.class).warn(
                "{}: mail {} sent to the error processor: {}", who, mail.getName(), reason);
        mail.setErrorMessage(who + ": " + reason);
        mail.setState(Mail.ERROR);
    }

    /**
     * Removes the fields claiming any of {@code ids} from the header section alone and puts {@code ourField} (a
     * whole field, no line end) on top; the body is streamed, never read into memory
     * ({@link MimeMessageBytes#replaceHeaderSection}). The header section is rewritten as a message of its own, by
     * the same rule as a whole message ({@link AuthResultsRewrite}).
     *
     * @return the number of fields removed
     */
    static int rewriteHeaderSection(Mail mail, Collection<String> ids, Optional<String> ourField)
            throws MessagingException, IOException {
        return rewriteHeaderSection(mail, headerSection(mail), ids, ourField);
    }

    /** {@link #rewriteHeaderSection(Mail, Collection, Optional)} of {@code header}, the mail's, read just before. */
    private static int rewriteHeaderSection(Mail mail, byte[] header, Collection<String> ids,
                                            Optional<String> ourField) throws MessagingException, IOException {
        byte[] after = header;
        boolean changed = false;
        int removed = 0;
        List<String> each = ids.isEmpty() ? java.util.Collections.singletonList(null) : List.copyOf(ids);
        for (int i = 0; i < each.size(); i++) {
            // ours goes on with the last pass, so no later pass removes it
            String field = i == each.size() - 1 ? ourField.orElse(null) : null;
            AuthResultsRewrite.Result result = AuthResultsRewrite.rewrite(after, each.get(i), field);
            removed += result.removed();
            changed |= result.changed();
            after = result.message();
        }
        if (changed) {
            MimeMessageBytes.replaceHeaderSection(mail, header.length, List.of(OctetSlice.of(after)));
        }
        return removed;
    }
}
