package dev.authpack.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One SMTP transaction to run with {@link AuthpackJames#submit}: from which client address, with which EHLO name,
 * optionally authenticated, envelope and message. Defaults: client 127.0.0.1, EHLO {@code mail.spf-pass.example},
 * MAIL FROM {@code sender@spf-pass.example}, RCPT TO {@code alice@james.test}, a fresh {@link TestMessage}.
 */
public final class Submission {
    private String clientAddress;
    private String helo = "mail.spf-pass.example";
    private String authUser;
    private String authPassword;
    private String mailFrom = "sender@spf-pass.example";
    private final List<String> recipients = new ArrayList<>();
    private TestMessage message;
    private byte[] proxyHeader = new byte[0];

    public static Submission create() {
        return new Submission();
    }

    /** The local address the client connects from, e.g. {@code 127.0.0.2} or {@code ::1}. */
    public Submission clientAddress(String address) {
        this.clientAddress = address;
        return this;
    }

    /**
     * Octets sent on connect before any SMTP (a HAProxy PROXY header, {@link ProxyHeader}), as a load balancer in
     * front of a James with {@code <proxyRequired>true</proxyRequired>} does.
     */
    public Submission proxyHeader(byte[] header) {
        this.proxyHeader = header.clone();
        return this;
    }

    public byte[] proxyHeader() {
        return proxyHeader.clone();
    }

    public Submission helo(String name) {
        this.helo = name;
        return this;
    }

    /** AUTH PLAIN after EHLO. */
    public Submission auth(String user, String password) {
        this.authUser = user;
        this.authPassword = password;
        return this;
    }

    /** The reverse-path; {@code ""} is the null sender. */
    public Submission mailFrom(String reversePath) {
        this.mailFrom = reversePath;
        return this;
    }

    /** Adds a recipient (replaces the default one). */
    public Submission rcptTo(String forwardPath) {
        recipients.add(forwardPath);
        return this;
    }

    public Submission message(TestMessage message) {
        this.message = message;
        return this;
    }

    public Optional<String> clientAddress() {
        return Optional.ofNullable(clientAddress);
    }

    public String helo() {
        return helo;
    }

    public Optional<String> authUser() {
        return Optional.ofNullable(authUser);
    }

    String authPassword() {
        return authPassword;
    }

    public String mailFrom() {
        return mailFrom;
    }

    public List<String> recipients() {
        return recipients.isEmpty() ? List.of("alice@james.test") : List.copyOf(recipients);
    }

    /** The message; created on first use when none was set, with From/To from the envelope. */
    public TestMessage message() {
        if (message == null) {
            message = TestMessage.create().from(mailFrom.isEmpty() ? "mailer-daemon@spf-pass.example" : mailFrom)
                    .to(recipients().get(0));
        }
        return message;
    }
}
