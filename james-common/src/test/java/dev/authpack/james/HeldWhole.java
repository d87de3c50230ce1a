package dev.authpack.james;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import javax.mail.util.SharedByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The test seam of {@code maxCheckedTotal} (review s19): messages that count how many of them are held read whole at
 * once. A write into a {@link ByteArrayOutputStream} is the whole read ({@code MimeMessageBytes.of}); the streamed
 * readers write elsewhere (the header section's capture, the body hashes). A whole reader waits at the gate until
 * every message of the group has been read once (or 10 s), so that all of them are in the check at the same time.
 * Shared with the mailets' and hooks' tests (test-jar).
 */
public final class HeldWhole {
    private final CountDownLatch gate;
    private final AtomicInteger whole = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();

    /** A group of {@code messages} messages that wait for each other (0: none waits). */
    public HeldWhole(int messages) {
        gate = new CountDownLatch(messages);
    }

    /** The most messages of the group held read whole at once (until their {@link Message#done}). */
    public int peak() {
        return peak.get();
    }

    /** A message of the group over {@code octets}. */
    public Message message(byte[] octets) throws MessagingException {
        return new Message(octets, null);
    }

    /** A message of the group whose whole read throws {@code failure} (a RuntimeException or an Error). */
    public Message failing(byte[] octets, Throwable failure) throws MessagingException {
        return new Message(octets, failure);
    }

    /** One message of the group. */
    public class Message extends MimeMessage {
        private final AtomicBoolean first = new AtomicBoolean(true);
        private final AtomicBoolean heldWhole = new AtomicBoolean();
        private final AtomicLong heldAtRead = new AtomicLong(-1);
        private final Throwable failure;

        Message(byte[] octets, Throwable failure) throws MessagingException {
            super(Session.getInstance(new Properties()), new SharedByteArrayInputStream(octets));
            this.failure = failure;
        }

        @Override
        public void writeTo(OutputStream out, String[] ignore) throws IOException, MessagingException {
            if (first.getAndSet(false)) {
                gate.countDown();
            }
            if (out instanceof ByteArrayOutputStream) {
                heldAtRead.set(WholeReadBudget.jvmHeld());
                if (!heldWhole.getAndSet(true)) {
                    peak.accumulateAndGet(whole.incrementAndGet(), Math::max);
                }
                try {
                    gate.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (failure instanceof RuntimeException e) {
                    throw e;
                }
                if (failure instanceof Error e) {
                    throw e;
                }
            }
            super.writeTo(out, ignore);
        }

        /** Whether it was read whole. */
        public boolean readWhole() {
            return heldWhole.get();
        }

        /** The JVM's count of octets held ({@code maxCheckedTotal}) at its last whole read; -1 when never read so. */
        public long heldAtWholeRead() {
            return heldAtRead.get();
        }

        /** After the mailet or hook: no longer held. */
        public void done() {
            if (heldWhole.get()) {
                whole.decrementAndGet();
            }
        }
    }
}
