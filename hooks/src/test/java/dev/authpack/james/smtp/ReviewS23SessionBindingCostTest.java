package dev.authpack.james.smtp;

import dev.authpack.james.MimeMessageBytes;
import dev.authpack.james.SessionCheckedMail;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.mailet.Attribute;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review s23 (what binding the results costs the I/O thread). With checks that read no message ({@code dkim},
 * {@code dmarc} and {@code arc} off: SPF and iprev alone) the hook still bound the results it stored or handed over
 * with the SHA-256 of the whole message, a pass over it on the I/O thread, whatever its size: neither
 * {@code handOverMaxSize} (a label-only hook) nor {@code maxCheckedSize} (a hook that waited) bounded it, as they
 * bound every other message the hook reads (review s18 L1 left such results unstored for a message read by its header
 * section alone). A client sending a gigabyte held its I/O thread, and every connection on it, for the hash, with no
 * wait taken. Now such a message's results are not stored (MailAuthCheck checks it, over the cached answers).
 */
class ReviewS23SessionBindingCostTest {
    /** A message of {@code octets} octets, through a hook with SPF and iprev alone and {@code parameters}. */
    private static Mail endOfData(int octets, String... parameters) throws Exception {
        String[] all = new String[parameters.length + 6];
        System.arraycopy(new String[] {"dkim", "false", "dmarc", "false", "arc", "false"}, 0, all, 0, 6);
        System.arraycopy(parameters, 0, all, 6, parameters.length);
        SessionAuthCheck hook = SessionAuthCheckTest.hook(new SessionAuthCheckTest.Counting(), all);
        SMTPSession session = SessionAuthCheckTest.session("192.0.2.1", null, false);
        hook.doHelo(session, "mx.ok.example");
        hook.doMail(session, MaybeSender.of(new MailAddress("b@ok.example")));
        String head = "From: a@ok.example\r\nSubject: hi\r\n\r\n";
        byte[] message = (head + "x".repeat(octets - head.length() - 2) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        FakeMail mail = FakeMail.builder().name("m1").sender("b@ok.example").recipient("b@example.net")
                .size(message.length).mimeMessage(MimeMessageBytes.from(message)).build();
        try {
            assertThat(hook.onMessage(session, mail)).isEqualTo(HookResult.DECLINED);
        } finally {
            hook.onDisconnect(session);
        }
        return mail;
    }

    private static java.util.List<String> marks(Mail mail) {
        return mail.attributes().map(Attribute::getName).map(n -> n.asString())
                .filter(n -> n.startsWith("authpack.")).toList();
    }

    @Test
    void aLabelOnlyHookDoesNotHashAMessageOverHandOverMaxSize() throws Exception {
        Mail mail = endOfData(4096, "refuseDmarcReject", "false", "handOverMaxSize", "1024");
        assertThat(marks(mail)).as("nothing handed over").isEmpty();
    }

    @Test
    void aHookThatWaitedDoesNotHashAMessageOverMaxCheckedSize() throws Exception {
        Mail mail = endOfData(4096, "awaitAtData", "always", "maxCheckedSize", "1024");
        assertThat(marks(mail)).as("nothing stored").isEmpty();
    }

    @Test
    void withinTheBoundsTheResultsAreStillBound() throws Exception {
        assertThat(endOfData(512, "refuseDmarcReject", "false", "handOverMaxSize", "1024")
                .getAttribute(SessionCheckedMail.PENDING)).isPresent();
        assertThat(endOfData(512, "awaitAtData", "always", "maxCheckedSize", "1024")
                .getAttribute(SessionCheckedMail.CHECKED_MESSAGE)).isPresent();
    }
}
