package dev.authpack.conformance;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How a fix writes what it adds or converts.
 *
 * @param serverId the right-hand side of a new Message-ID ({@code <random@serverId>}), an RFC 5322 dot-atom-text
 * @param guesser  the charset guess for 8-bit text without a usable charset ({@link CharsetGuesser#NONE}: lossy
 *                 UTF-8)
 * @param clock    the time of a new Date field
 */
public record FixSettings(String serverId, CharsetGuesser guesser, Clock clock) {
    /** RFC 5322 §3.2.3 dot-atom-text. */
    private static final Pattern DOT_ATOM = Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*");
    /** Longest server id: a domain name is at most 253 characters. */
    public static final int MAX_SERVER_ID_LENGTH = 253;
    private static final SecureRandom RANDOM = new SecureRandom();

    public FixSettings {
        Objects.requireNonNull(serverId, "serverId");
        Objects.requireNonNull(guesser, "guesser");
        Objects.requireNonNull(clock, "clock");
        if (serverId.length() > MAX_SERVER_ID_LENGTH || !DOT_ATOM.matcher(serverId).matches()) {
            throw new IllegalArgumentException("serverId '" + serverId + "' is not a host name (RFC 5322 "
                    + "dot-atom-text of at most " + MAX_SERVER_ID_LENGTH + " characters, e.g. mx.example.org)");
        }
    }

    /** No detection, the system clock. */
    public static FixSettings of(String serverId) {
        return new FixSettings(serverId, CharsetGuesser.NONE, Clock.systemUTC());
    }

    public FixSettings withGuesser(CharsetGuesser newGuesser) {
        return new FixSettings(serverId, newGuesser, clock);
    }

    public FixSettings withClock(Clock newClock) {
        return new FixSettings(serverId, guesser, newClock);
    }

    /** A new msg-id (RFC 5322 §3.6.4): 128 random bits in hex, {@code @}, the server id. */
    String newMessageId() {
        byte[] bits = new byte[16];
        RANDOM.nextBytes(bits);
        StringBuilder id = new StringBuilder(34 + serverId.length()).append('<');
        for (byte b : bits) {
            id.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return id.append('@').append(serverId).append('>').toString();
    }
}
