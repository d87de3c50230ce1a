package dev.authpack.james;

import java.util.List;
import java.util.ArrayList;
import dev.authpack.check.Envelope;
import dev.authpack.dns.IpLiterals;
import dev.authpack.dns.TranslatorPrefixes;
import org.apache.mailet.Mail;
import org.apache.james.core.MailAddress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/** Reads the SMTP envelope James recorded on a {@link Mail} (see JAMES.md: attributes set at reception). */
public final class MailEnvelopes {

    private MailEnvelopes() {
    }

    public static Envelope of(Mail mail) throws UnknownHostException {
        return of(mail, TranslatorPrefixes.NONE);
    }

    /**
     * The envelope, its client address read through {@code translators}: an IPv4 client of the operator's
     * SIIT/NAT64 translator is its IPv4 address (RFC 6052).
     */
    public static Envelope of(Mail mail, TranslatorPrefixes translators) throws UnknownHostException {
        return of(mail, translators.client(literal(mail.getRemoteAddr())));
    }

    /**
     * The envelope of a mail whose client address is unknown (not an IP literal): {@code clientIp} null; for the
     * report of a mail that cannot be checked ({@code MailAuthChecker#unchecked}). When the rest cannot be read
     * either, an empty envelope.
     */
    public static Envelope withoutClient(Mail mail) {
        try {
            return of(mail, (InetAddress) null);
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            return new Envelope(null, "", "", List.of(), Optional.empty());
        }
    }

    /**
     * Whether the mail has no client address at all (none, or a blank one): it was not received from a client but
     * made by a mailet or a protocol that records none. James' own mail (MailImpl: bounces, mail a mailet sends)
     * carries 127.0.0.1 instead.
     */
    public static boolean noClientAddress(Mail mail) {
        String remote = mail.getRemoteAddr();
        return remote == null || remote.isBlank();
    }

    private static Envelope of(Mail mail, InetAddress client) {
        String helo = stringAttribute(mail, Mail.SMTP_HELO).orElse("");
        String mailFrom = mail.getMaybeSender().asOptional().map(MailAddress::asString).orElse("");
        Optional<String> authUser = stringAttribute(mail, Mail.SMTP_AUTH_USER);
        List<String> recipients = new ArrayList<>(mail.getRecipients().size());
        for (MailAddress recipient : mail.getRecipients()) {
            recipients.add(recipient.asString());
        }
        return new Envelope(client, helo, mailFrom, recipients, authUser);
    }

    public static Optional<String> stringAttribute(Mail mail, org.apache.mailet.AttributeName name) {
        return mail.getAttribute(name).map(a -> a.getValue().value())
                .filter(String.class::isInstance).map(String.class::cast).filter(s -> !s.isBlank());
    }

    /** Parses an address literal without ever asking DNS (InetAddress.getByName would resolve a name). */
    public static InetAddress literal(String remoteAddr) throws UnknownHostException {
        return IpLiterals.parseClientAddress(remoteAddr).orElseThrow(
                () -> new UnknownHostException("remote address is not an IP literal: " + remoteAddr));
    }
}
