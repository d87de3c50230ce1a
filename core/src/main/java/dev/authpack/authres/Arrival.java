package dev.authpack.authres;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * How a message reached us, as far as trust in upstream {@code Authentication-Results} is concerned (RFC 8601 §5,
 * §7.1: results are believed only from servers inside the trust boundary, and only for mail that came from them).
 *
 * @param client     the SMTP client's address, if known (read from the receiving server, never from the message)
 * @param ownNetwork whether the receiving server counts that client as one of its own trusted networks
 *                   (James: {@code authorizedAddresses}, the {@code SMTPIsAuthNetwork} mail attribute)
 */
public record Arrival(Optional<InetAddress> client, boolean ownNetwork) {
    /** Nothing known about the path: only a trusted id scoped {@code @any} can be believed. */
    public static final Arrival UNKNOWN = new Arrival(Optional.empty(), false);

    public Arrival {
        Objects.requireNonNull(client, "client");
    }
}
