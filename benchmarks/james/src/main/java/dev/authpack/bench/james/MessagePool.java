package dev.authpack.bench.james;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Signed messages ready to send, handed out in turn (round after round, wrapping around). */
final class MessagePool {
    /** One message: its envelope sender and recipient and its DATA octets ({@link SmtpConnection#dataOctets}). */
    record Prepared(String mailFrom, String recipient, byte[] data) {
    }

    private final String name;
    private final List<Prepared> messages;
    private final AtomicLong next = new AtomicLong();

    MessagePool(String name, List<Prepared> messages) {
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("no messages");
        }
        this.name = name;
        this.messages = List.copyOf(messages);
    }

    String name() {
        return name;
    }

    int size() {
        return messages.size();
    }

    Prepared next() {
        return messages.get((int) (next.getAndIncrement() % messages.size()));
    }

    /** Average DATA size in octets. */
    long averageSize() {
        return messages.stream().mapToLong(m -> m.data().length).sum() / messages.size();
    }
}
