package dev.authpack.james;

import dev.authpack.authres.MethodResult;
import dev.authpack.check.AuthCheckReport;
import dev.authpack.check.CheckOptions;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

import java.util.List;
import java.util.Optional;

/**
 * Mail checked during the SMTP session (the {@code SessionAuthCheck} hook): the results are stored with
 * {@link MailAttributes#store}, and {@link #CHECKED_IN_SESSION} says under which authserv-id and with which checks,
 * so that {@code MailAuthCheck} configured alike does not run the checks again and writes its
 * {@code Authentication-Results} field from the stored results. Only the server sets mail attributes: a client
 * cannot forge this one.
 */
public final class SessionCheckedMail {
    /** The authserv-id and the checks (CheckOptions) of the session's check: {@code serverId|options}. */
    public static final AttributeName CHECKED_IN_SESSION = AttributeName.of("authpack.checked-in-session");

    private SessionCheckedMail() {
    }

    /** Stores the session's results on the mail and marks it checked under {@code serverId} with {@code options}. */
    public static void store(Mail mail, String serverId, CheckOptions options, AuthCheckReport report) {
        MailAttributes.store(mail, serverId, report);
        mail.setAttribute(new Attribute(CHECKED_IN_SESSION, AttributeValue.of(key(serverId, options))));
    }

    /**
     * The results to write when the mail was checked in the session under the same authserv-id with the same checks;
     * empty otherwise (then the mailet checks the mail itself).
     */
    public static Optional<List<MethodResult>> results(Mail mail, String serverId, CheckOptions options) {
        boolean same = MailEnvelopes.stringAttribute(mail, CHECKED_IN_SESSION)
                .filter(key(serverId, options)::equals).isPresent()
                && MailAttributes.authservId(mail).filter(serverId::equals).isPresent();
        return same ? MailAttributes.results(mail) : Optional.empty();
    }

    /** Stable across restarts (a mail may wait in the spool): the checks by name, the sealers sorted. */
    private static String key(String serverId, CheckOptions o) {
        return serverId + "|dkim=" + o.dkim() + " spf=" + o.spf() + " iprev=" + o.iprev() + " smtpAuth="
                + o.smtpAuth() + " dmarc=" + o.dmarc() + " arc=" + o.arc() + " trustedArcSealers="
                + new java.util.TreeSet<>(o.trustedArcSealers());
    }
}
