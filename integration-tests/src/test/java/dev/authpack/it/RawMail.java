package dev.authpack.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * Sends a message text exactly as given (signed messages must not be touched) and finds James' copy of it by a
 * unique envelope sender, since the same signed message (same Message-ID) may be sent several times.
 */
final class RawMail {
    private String client;
    private String authUser;
    private String authPassword;
    private String sender = "raw-" + UUID.randomUUID() + "@spf-pass.example";
    private String recipient = JamesExtension.ALICE;

    private RawMail() {
    }

    /** From 127.0.0.1, unauthenticated, a unique sender at spf-pass.example, to alice. */
    static RawMail create() {
        return new RawMail();
    }

    RawMail clientAddress(String address) {
        this.client = address;
        return this;
    }

    RawMail auth(String user, String password) {
        this.authUser = user;
        this.authPassword = password;
        return this;
    }

    /** The envelope sender; keep it unique per mail, it is how {@link #deliver} finds the mail. */
    RawMail mailFrom(String reversePath) {
        this.sender = reversePath;
        return this;
    }

    RawMail rcptTo(String forwardPath) {
        this.recipient = forwardPath;
        return this;
    }

    String sender() {
        return sender;
    }

    /** EHLO, optional AUTH, MAIL, RCPT, DATA (SmtpClient dot-stuffs), QUIT; asserts every reply is positive. */
    void send(AuthpackJames james, String message) {
        assertThat(message).as("test messages are ASCII (SmtpClient writes UTF-8)").matches("\\p{ASCII}*");
        try (SmtpClient c = client == null ? james.smtp() : james.smtpFrom(client)) {
            List<SmtpReply> replies = new ArrayList<>();
            replies.add(c.ehlo("mail.spf-pass.example"));
            if (authUser != null) {
                replies.add(c.authPlain(authUser, authPassword));
            }
            replies.add(c.mailFrom(sender));
            replies.add(c.rcptTo(recipient));
            replies.add(c.data(message));
            c.quit();
            assertThat(replies).as(c.transcriptText()).allMatch(SmtpReply::isPositive);
        }
    }

    /** Sends, then waits for the copy in {@code delivered}. */
    DeliveredMail deliver(AuthpackJames james, String message) {
        send(james, message);
        return await(james, "delivered");
    }

    /** The mail with this sender in a repository, waiting up to the harness' delivery timeout. */
    DeliveredMail await(AuthpackJames james, String repository) {
        return james.awaitMail(repository, m -> m.sender().equals(sender), AuthpackJames.DEFAULT_DELIVERY_TIMEOUT);
    }

    /** Whether a mail from this sender is in the repository now. */
    boolean isIn(AuthpackJames james, String repository) {
        return james.mails(repository).stream().anyMatch(m -> m.sender().equals(sender));
    }

    /** A test resource as text; the files are ASCII and read byte for byte (CRLF kept). */
    static String resource(String path) {
        try (InputStream in = RawMail.class.getResourceAsStream("/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A test resource's file (Maven copies them to target/test-classes). */
    static Path resourceFile(String path) {
        try {
            return Path.of(RawMail.class.getResource("/" + path).toURI());
        } catch (Exception e) {
            throw new IllegalArgumentException("no test resource " + path, e);
        }
    }

    /** The {@code dkim} resinfos of our Authentication-Results field, top to bottom. */
    static List<AuthResultsField.Resinfo> dkimResults(DeliveredMail mail) {
        return Expectations.ourField(mail).results().stream().filter(r -> r.method().equals("dkim")).toList();
    }

    /** The {@code authpack.dkim} attribute: one map per signature. */
    static List<?> dkimAttribute(DeliveredMail mail) {
        Optional<Object> value = mail.attribute("authpack.dkim");
        assertThat(value).as("authpack.dkim attribute").isPresent();
        assertThat(value.get()).isInstanceOf(List.class);
        return (List<?>) value.get();
    }

    /** {@code "d/s/a=result"} for each dkim resinfo, for compact assertions. */
    static List<String> dkimSummary(DeliveredMail mail) {
        return dkimResults(mail).stream()
                .map(r -> r.property("header.d").orElse("?") + "/" + r.property("header.s").orElse("?") + "/"
                        + r.property("header.a").orElse("?") + "=" + r.result())
                .map(s -> s.toLowerCase(Locale.ROOT))
                .toList();
    }
}
