package dev.authpack.james;

import dev.authpack.relay.IpLiterals;
import dev.authpack.relay.RelayRequest;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Attribute;
import org.apache.mailet.Mail;

import java.net.InetAddress;
import java.util.Optional;

/** Turns what James put on a {@link Mail} into {@link RelayRequest}s. */
final class MailRelayRequests {
    private MailRelayRequests() {
    }

    /** The client address, parsed without DNS; empty when James recorded none or something unparseable. */
    static Optional<InetAddress> clientIp(Mail mail) {
        return Optional.ofNullable(mail.getRemoteAddr()).map(String::strip).flatMap(IpLiterals::parse);
    }

    /**
     * James sets {@code getRemoteHost()} from {@code InetSocketAddress.getHostName()}, which the JDK
     * forward-confirms and otherwise replaces with the address text; an address text is no name.
     */
    static Optional<String> clientName(Mail mail) {
        return Optional.ofNullable(mail.getRemoteHost()).map(String::strip)
                .filter(n -> !n.isEmpty() && !IpLiterals.isLiteral(n));
    }

    /** The SMTP AUTH user James recorded ({@link Mail#SMTP_AUTH_USER}), if any and not blank. */
    static Optional<String> authUser(Mail mail) {
        return mail.getAttribute(Mail.SMTP_AUTH_USER)
                .map(Attribute::getValue)
                .map(v -> v.value())
                .map(Object::toString)
                .map(String::strip)
                .filter(u -> !u.isEmpty());
    }

    static String mailFrom(Mail mail) {
        return mail.getMaybeSender().asOptional().map(MailAddress::asString).orElse("");
    }

    static RelayRequest request(InetAddress clientIp, Optional<String> clientName, String mailFrom,
                                MailAddress recipient, Optional<String> authUser) {
        return new RelayRequest(clientIp, clientName, mailFrom, recipient.asString(), authUser);
    }
}
