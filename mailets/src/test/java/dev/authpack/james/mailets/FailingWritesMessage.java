package dev.authpack.james.mailets;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * A message whose writing fails for a while, as a spool file read can (an I/O error on our side): once
 * {@link #failWrites armed}, the writes after the first {@code skip} throw, {@code count} of them, and the ones after
 * succeed again. The mailets' rewrite of the Authentication-Results fields reads the message by writing it; what it
 * does when that fails is what the tests see (review s19 L3).
 */
final class FailingWritesMessage extends MimeMessage {
    private int skip;
    private int failures;
    private int writes;

    FailingWritesMessage(String message) throws MessagingException {
        super(Session.getInstance(new Properties()),
                new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)));
    }

    /** From now on, the next {@code skip} writes succeed, the {@code count} after them throw. */
    FailingWritesMessage failWrites(int skipFirst, int count) {
        this.skip = skipFirst;
        this.failures = count;
        return this;
    }

    /** The writes since the message was made. */
    int writes() {
        return writes;
    }

    @Override
    public void writeTo(OutputStream out, String[] ignoreList) throws IOException, MessagingException {
        writes++;
        if (skip > 0) {
            skip--;
        } else if (failures > 0) {
            failures--;
            throw new IOException("spool file read failed (test)");
        }
        super.writeTo(out, ignoreList);
    }
}
