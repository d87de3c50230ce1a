package dev.authpack.james.mailets;

import dev.authpack.authres.AuthResultsRewrite;
import dev.authpack.james.JamesSources;
import dev.authpack.james.MimeMessageBytes;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review s15 M3, the way MailAuthCheck gets there: our field put on top of a message received
 * ({@link AuthResultsHeaders#rewriteWith}). A message larger than James' in-memory threshold is handed to James the
 * way James keeps any such message, in its own source over a temporary file that goes with the mail; a smaller one
 * stays our octets in memory. Both read back as the message rewritten, octet for octet.
 */
class AuthResultsHeadersSpoolTest {
    private static final String HEADER = "Received: from a by b; Sun, 6 Dec 2026 00:00:00 +0000\r\n"
            + "Authentication-Results: mx.test; dkim=pass header.d=paypal.com\r\n"
            + "From: a@example.com\r\nSubject: s\r\nContent-Type: text/plain\r\n\r\n";

    @BeforeAll
    static void defaultThreshold() {
        JamesSources.jamesDefaultThreshold();
    }

    private static byte[] message(int bodyLines) {
        StringBuilder text = new StringBuilder(HEADER);
        for (int line = 0; line < bodyLines; line++) {
            text.append("line ").append(line).append(" of a body that is large enough\r\n");
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static MailImpl received(byte[] octets) throws Exception {
        MailImpl mail = MailImpl.builder().name("m1").sender("a@example.com").addRecipient("b@example.org").build();
        mail.setMessageNoCopy(new MimeMessageWrapper(MimeMessageInputStreamSource.create("m1",
                new ByteArrayInputStream(octets))));
        return mail;
    }

    private static byte[] written(MimeMessage message) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return out.toByteArray();
    }

    /** The message as javax.mail parses it from the octets James streams for it: only our field, the same octets. */
    private static void readsAs(MimeMessageWrapper message, byte[] expected) throws Exception {
        try (InputStream in = message.getMessageInputStream()) {
            MimeMessage parsed = new MimeMessage(Session.getInstance(new Properties()), in);
            assertThat(parsed.getHeader("Authentication-Results")).containsExactly("mx.test; spf=pass");
            assertThat(Arrays.equals(written(parsed), expected)).as("javax.mail writes the octets back").isTrue();
        }
        assertThat(Arrays.equals(MimeMessageBytes.of(message), expected)).as("MimeMessageBytes.of").isTrue();
        assertThat(Arrays.equals(written(message), expected)).as("James writes the octets").isTrue();
        assertThat(message.isModified()).isFalse();
    }

    @Test
    void aMessageAboveJamesThresholdGoesToJamesOwnSourceAndItsFileGoesWithTheMail() throws Exception {
        byte[] input = message(20_000);
        assertThat(input.length).isGreaterThan(4 * JamesSources.JAMES_DEFAULT_THRESHOLD);
        byte[] expected = AuthResultsRewrite.rewrite(input, "mx.test", "Authentication-Results: mx.test; spf=pass")
                .message();
        MailImpl mail = received(input);
        File file;
        try {
            int removed = AuthResultsHeaders.rewriteWith(mail, null, "mx.test", true, Optional.of("mx.test; spf=pass"));
            assertThat(removed).isEqualTo(1);
            MimeMessageWrapper now = (MimeMessageWrapper) mail.getMessage();
            assertThat(JamesSources.sourceOf(now)).isInstanceOf(MimeMessageInputStreamSource.class);
            file = JamesSources.spoolFile(JamesSources.sourceOf(now)).orElseThrow();
            assertThat(file).isFile().hasSize(expected.length);
            readsAs(now, expected);
            assertThat(new String(written(now), StandardCharsets.US_ASCII)).startsWith(
                    "Authentication-Results: mx.test; spf=pass\r\nReceived: from a by b;");
        } finally {
            mail.dispose();
        }
        assertThat(file).doesNotExist();
    }

    @Test
    void aSmallMessageStaysOurOctetsInMemory() throws Exception {
        byte[] input = message(10);
        byte[] expected = AuthResultsRewrite.rewrite(input, "mx.test", "Authentication-Results: mx.test; spf=pass")
                .message();
        MailImpl mail = received(input);
        try {
            AuthResultsHeaders.rewriteWith(mail, input, "mx.test", true, Optional.of("mx.test; spf=pass"));
            MimeMessageWrapper now = (MimeMessageWrapper) mail.getMessage();
            assertThat(JamesSources.sourceOf(now)).isNotInstanceOf(MimeMessageInputStreamSource.class);
            assertThat(JamesSources.sourceOf(now).getSourceId()).startsWith("authpack-");
            readsAs(now, expected);
        } finally {
            mail.dispose();
        }
    }
}
