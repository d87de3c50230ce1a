package dev.authpack.mail;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A message too large to hold, read again from its first octet: the octets written to {@code out}, in order, in
 * chunks of the writer's choosing (a file copied through a buffer, say), none of them kept by the reader. For the
 * body hashes of a message checked from its header section ({@code MailAuthChecker#hashBody}).
 */
@FunctionalInterface
public interface MessageStream {
    /** Writes the whole message, from its first octet, to {@code out}; an exception when it cannot be read. */
    void writeTo(OutputStream out) throws IOException;
}
