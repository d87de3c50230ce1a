package dev.authpack.check;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * What the SMTP session told us about a message.
 *
 * @param clientIp  the connecting client's address
 * @param helo      the HELO/EHLO name (may be empty)
 * @param mailFrom  the MAIL FROM address without angle brackets; empty string for the null sender
 * @param recipients the RCPT TO addresses
 * @param authUser  the SMTP AUTH identity, if the client authenticated
 */
public record Envelope(InetAddress clientIp, String helo, String mailFrom, List<String> recipients,
                       Optional<String> authUser) {
    public Envelope {
        helo = helo == null ? "" : helo;
        mailFrom = mailFrom == null ? "" : mailFrom;
        recipients = recipients == null ? List.of() : List.copyOf(recipients);
        authUser = authUser == null ? Optional.empty() : authUser;
    }
}
