package dev.authpack.james.smtp;

import dev.authpack.james.FakeFileSystem;
import dev.authpack.james.RelayTestSupport;
import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review s21 (attacker: the SMTP client). James 3.8.1 takes any ASCII octet after a backslash in a quoted local part
 * ({@code MailAddress}: {@code "a\<CR>b"@example.com}, {@code "\<ESC>[2J"@...}), and its line decoder splits lines at
 * LF only, so a bare CR or an escape sequence reaches the hooks inside MAIL FROM and RCPT TO. The hooks wrote those
 * addresses into their log lines as they were: a CR returns the carriage (a line shown by {@code tail -f} or a
 * terminal is overwritten with text of the sender's choosing, "... INFO accepted ..."), and escape sequences drive
 * the terminal of whoever reads the log. Now every address of the client's is escaped and bounded in the log.
 */
class ReviewS21LogLinesTest {
    /** A bare CR, an escape sequence and a DEL, all taken by James' MailAddress. */
    private static final String FORGED = "\"x\\\r2026-12-07 21:00:00 INFO accepted\\\u001b[2J\\\u007f\"";

    @TempDir
    Path dir;

    /** Runs {@code action} with System.err (slf4j-simple's output) captured; the text written. */
    private static String logOf(dev.authpack.james.LogCapture.Action action) throws Exception {
        return dev.authpack.james.LogCapture.of(action);
    }

    private static void assertClean(String log, String expectedPart) {
        assertThat(log).contains(expectedPart);
        assertThat(log.chars().filter(c -> c < 0x20 && c != '\n' || c == 0x7f).count())
                .as("control characters of the client's in the log: %s", log.replace("\r", "<CR>")
                        .replace("\u001b", "<ESC>").replace("\u007f", "<DEL>"))
                .isZero();
    }

    @Test
    void aRecipientRefusedByTheRelayPolicyIsLoggedEscaped() throws Exception {
        RelayTestSupport.writePolicy(dir, RelayTestSupport.POLICY);
        RelayPolicyRcptHook hook = new RelayPolicyRcptHook(Optional.of(FakeFileSystem.under(dir)),
                (Domain d) -> Set.of("local.example").contains(d.asString()), settings -> {
                    throw new AssertionError("no DNS");
                });
        BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
        config.addProperty("policyFile", "file://conf/relay-policy.conf");
        hook.init(config);
        MailAddress rcpt = new MailAddress(FORGED + "@remote.example");
        SMTPSession session = RelayPolicyRcptHookTest.session(InetAddress.getByName("203.0.113.9"), null);
        String log = logOf(() -> assertThat(hook.doRcpt(session, MaybeSender.of(new MailAddress(FORGED
                + "@elsewhere.example")), rcpt).getResult().getAction()).isEqualTo(HookReturnCode.Action.DENY));
        assertClean(log, "RelayPolicyRcptHook: 550 for RCPT <");
    }

    @Test
    void aMailFromRefusedForSpfIsLoggedEscaped() throws Exception {
        SessionAuthCheck hook = SessionAuthCheckTest.hook(new SessionAuthCheckTest.Counting(), "refuseSpfFail",
                "mailfrom");
        SMTPSession session = SessionAuthCheckTest.session("203.0.113.9", null, false);
        String log = logOf(() -> {
            hook.doHelo(session, "mx.ok.example");
            HookResult refused = hook.doMail(session, MaybeSender.of(new MailAddress(FORGED + "@ok.example")));
            assertThat(refused.getSmtpRetCode()).isEqualTo("550");
            assertThat(refused.getSmtpDescription()).doesNotContain("\r").doesNotContain("\u001b");
        });
        assertClean(log, "for MAIL FROM <");
    }
}
