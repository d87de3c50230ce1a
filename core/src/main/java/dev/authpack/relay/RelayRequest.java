package dev.authpack.relay;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * One relay question: may this client relay this recipient?
 *
 * @param clientIp   the connecting client's address (IPv4-mapped IPv6 is treated as IPv4)
 * @param clientName the client's verified reverse name (forward-confirmed), if known; never resolved by the policy.
 *                   A name that is just the address text counts as no name.
 * @param mailFrom   the MAIL FROM address, with or without angle brackets; "" or "<>" for the null sender
 * @param recipient  the RCPT TO address, with or without angle brackets
 * @param authUser   the SMTP AUTH identity, if the client authenticated
 */
public record RelayRequest(InetAddress clientIp, Optional<String> clientName, String mailFrom, String recipient,
                           Optional<String> authUser) {
    public RelayRequest {
        Objects.requireNonNull(clientIp, "clientIp");
        clientName = clientName == null ? Optional.empty() : clientName.filter(n -> !n.isBlank());
        mailFrom = mailFrom == null ? "" : mailFrom;
        recipient = recipient == null ? "" : recipient;
        authUser = authUser == null ? Optional.empty() : authUser.filter(u -> !u.isBlank());
    }
}
