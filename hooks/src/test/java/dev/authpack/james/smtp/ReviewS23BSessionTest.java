package dev.authpack.james.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.authpack.check.AuthCheckReport;
import dev.authpack.james.CheckSettings;
import dev.authpack.james.MimeMessageBytes;
import dev.authpack.james.SessionCheckedMail;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;

/**
 * Review s23 B (attacker's review of branch s23-session, the hand-over contract): what the fixes of ef416bab and
 * 1c4371b6 leave open. Each test fails on s23-session.
 */
class ReviewS23BSessionTest {
    private static final AuthCheckReport EMPTY = new AuthCheckReport(Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    private static CheckSettings settings(String... parameters) {
        Map<String, String> p = new HashMap<>(Map.of("serverId", "mx.test"));
        for (int i = 0; i < parameters.length; i += 2) {
            p.put(parameters[i], parameters[i + 1]);
        }
        return CheckSettings.read(p::get);
    }

    /**
     * Review s23 B finding 10, decided: the verdict key leaves out {@code dnsServers}. A hook asking another resolver
     * than the mailet is a configuration difference, not an input an attacker controls; making it part of the key
     * would re-check every mail of a deployment whose hook and mailet name their servers differently, and mail in the
     * spool keeps its key. docs/SessionAuthCheck.md tells the administrator to give the hook the mailet's servers.
     * This pins the decision: change it and the docs together.
     */
    @Test
    void resultsAreTakenOverWhateverServersTheHookAsked() throws Exception {
        FakeMail stored = FakeMail.builder().name("m1").mimeMessage(MimeMessageBytes.from(
                SessionAuthCheckTest.message("ok.example"))).build();
        SessionCheckedMail.store(stored, settings("dnsServers", "192.0.2.53"), EMPTY);
        assertThat(SessionCheckedMail.checked(stored, settings("dnsServers", "192.0.2.53"), true))
                .as("the same resolver").isPresent();
        assertThat(SessionCheckedMail.checked(stored, settings("dnsServers", "198.51.100.53"), true))
                .as("another resolver: a configuration difference, documented").isPresent();
    }

    /**
     * 1c4371b6 bounds the hash made to bind the results of checks that read no message with
     * {@code maxCheckedSize.exceededBy(size)}; a mail whose size James cannot tell ({@code messageSize} -1) is not
     * "exceeded", so it is hashed whole on the I/O thread, whatever its length. MessageSizeLimit#mayExceed is the
     * test for a size only reading could tell (review s18 L2).
     */
    @Test
    void aMailOfUnknownSizeIsNotHashedWholeForChecksThatReadNoMessage() throws Exception {
        SessionAuthCheck hook = SessionAuthCheckTest.hook(new SessionAuthCheckTest.Counting(), "dkim", "false",
                "dmarc", "false", "arc", "false", "awaitAtData", "always", "maxCheckedSize", "1024");
        SMTPSession session = SessionAuthCheckTest.session("192.0.2.1", null, false);
        hook.doHelo(session, "mx.ok.example");
        hook.doMail(session, MaybeSender.of(new MailAddress("b@ok.example")));
        String head = "From: a@ok.example\r\nSubject: hi\r\n\r\n";
        byte[] message = (head + "x".repeat(4096) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        FakeMail mail = FakeMail.builder().name("m1").sender("b@ok.example").recipient("b@example.net")
                .size(-1).mimeMessage(MimeMessageBytes.from(message)).build();
        try {
            assertThat(hook.onMessage(session, mail)).isEqualTo(HookResult.DECLINED);
        } finally {
            hook.onDisconnect(session);
        }
        assertThat(mail.getAttribute(SessionCheckedMail.CHECKED_MESSAGE)).as("hashed whole to bind the results")
                .isEmpty();
    }
}
