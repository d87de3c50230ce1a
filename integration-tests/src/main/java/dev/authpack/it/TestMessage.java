package dev.authpack.it;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * An RFC 5322 message for tests, with a unique Message-ID by which {@link AuthpackJames#awaitDelivered} finds the
 * delivered copy. Extra header fields go on top, in the order given (to forge an incoming
 * Authentication-Results, say).
 */
public final class TestMessage {
    private final List<String> extraHeaders = new ArrayList<>();
    private final String messageId = "<" + UUID.randomUUID() + "@client.authpack.test>";
    private String from = "sender@spf-pass.example";
    private String to = "alice@james.test";
    private String subject = "authpack test";
    private String body = "Hello from the authpack integration tests.\r\n";

    public static TestMessage create() {
        return new TestMessage();
    }

    public TestMessage from(String address) {
        this.from = address;
        return this;
    }

    public TestMessage to(String address) {
        this.to = address;
        return this;
    }

    public TestMessage subject(String text) {
        this.subject = text;
        return this;
    }

    public TestMessage body(String text) {
        this.body = text;
        return this;
    }

    /** Adds {@code name: value} above the standard fields. */
    public TestMessage header(String name, String value) {
        extraHeaders.add(name + ": " + value);
        return this;
    }

    /** The Message-ID, with angle brackets. */
    public String messageId() {
        return messageId;
    }

    /** The message text, CRLF line ends. */
    public String text() {
        StringBuilder s = new StringBuilder();
        extraHeaders.forEach(h -> s.append(h).append("\r\n"));
        s.append("From: ").append(from).append("\r\n");
        s.append("To: ").append(to).append("\r\n");
        s.append("Subject: ").append(subject).append("\r\n");
        s.append("Date: ").append(DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT)
                .format(ZonedDateTime.now())).append("\r\n");
        s.append("Message-ID: ").append(messageId).append("\r\n");
        s.append("MIME-Version: 1.0\r\n");
        s.append("Content-Type: text/plain; charset=us-ascii\r\n");
        s.append("\r\n");
        s.append(body);
        return s.toString();
    }

    @Override
    public String toString() {
        return text();
    }
}
