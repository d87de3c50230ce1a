package dev.authpack.james.smtp;

import dev.authpack.james.ConformanceParameters;
import dev.authpack.james.MimeMessageBytes;
import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FixConformanceHookTest {
    static final String MESSAGE = "From: a@example.com\r\nSubject : hi\r\nDate: Sun, 6 Dec 2026 03:00:00 +0000\r\n"
            + "MIME-Version: 1.0\r\n\r\nHello.\r\n";
    private static final SMTPSession SESSION = (SMTPSession) Proxy.newProxyInstance(
            SMTPSession.class.getClassLoader(), new Class<?>[] {SMTPSession.class},
            (proxy, method, args) -> method.getName().equals("getSessionID") ? "s1" : null);

    private static FixConformanceHook hook(String... settings) throws ConfigurationException {
        BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
        for (int i = 0; i < settings.length; i += 2) {
            config.addProperty(settings[i], settings[i + 1]);
        }
        FixConformanceHook hook = new FixConformanceHook();
        hook.init(config);
        return hook;
    }

    private static FakeMail mail(byte[] message) throws Exception {
        return FakeMail.builder().name("m").mimeMessage(MimeMessageBytes.from(message)).build();
    }

    @Test
    void refusesWith552AndKumoMtaWording() throws Exception {
        HookResult result = hook("checks", "NAME_ENDS_WITH_SPACE|MISSING_MESSAGE_ID_HEADER|LINE_TOO_LONG")
                .onMessage(SESSION, mail(MESSAGE.getBytes(StandardCharsets.US_ASCII)));
        assertThat(result.getResult()).isEqualTo(HookReturnCode.deny());
        assertThat(result.getSmtpRetCode()).isEqualTo("552");
        assertThat(result.getSmtpDescription())
                .isEqualTo("5.6.0 Message has conformance issues: MISSING_MESSAGE_ID_HEADER, NAME_ENDS_WITH_SPACE");
    }

    /**
     * A hook that only repairs (no checks, or every check also a fix the walk of the MIME tree does not look for)
     * refuses nothing, so a message it could not check is accepted unchanged, as before; one that refuses defers it
     * ({@code ReviewS21FinalHookFaultsTest}). A check of the walk that is also a fix refuses a message whose walk
     * stopped short (review s23 C1), so that hook defers one it could not read at all.
     */
    @Test
    void aRepairingHookAcceptsUnchangedAMessageItCouldNotCheck() throws Exception {
        FixConformanceHook[] repairing = {hook("fixes", "MISSING_MESSAGE_ID_HEADER"),
                hook("checks", "LINE_TOO_LONG", "fixes", "LINE_TOO_LONG|MISSING_DATE_HEADER")};
        for (FixConformanceHook hook : repairing) {
            for (var fault : dev.authpack.james.FaultyMail.faults().entrySet()) {
                FakeMail mail = FakeMail.builder().name("m").mimeMessage(
                        dev.authpack.james.FaultyMail.message(MESSAGE, fault.getValue())).build();
                assertThat(hook.onMessage(SESSION, mail)).as(fault.getKey()).isEqualTo(HookResult.DECLINED);
            }
        }
        // one check not among the fixes: it refuses, so a message it could not check is deferred
        FakeMail mail = FakeMail.builder().name("m").mimeMessage(dev.authpack.james.FaultyMail.message(MESSAGE,
                () -> new IllegalStateException("broken (test)"))).build();
        HookResult deferred = hook("checks", "NAME_ENDS_WITH_SPACE|LINE_TOO_LONG", "fixes", "NAME_ENDS_WITH_SPACE")
                .onMessage(SESSION, mail);
        assertThat(deferred.getResult()).isEqualTo(HookReturnCode.denySoft());
        assertThat(deferred.getSmtpRetCode()).isEqualTo("451");
        // a check of the walk that is also a fix (review s23 C1, before: accepted unchanged)
        FakeMail unread = FakeMail.builder().name("m").mimeMessage(dev.authpack.james.FaultyMail.message(MESSAGE,
                () -> new IllegalStateException("broken (test)"))).build();
        assertThat(hook("checks", "NAME_ENDS_WITH_SPACE", "fixes", "NAME_ENDS_WITH_SPACE|MISSING_DATE_HEADER")
                .onMessage(SESSION, unread).getSmtpRetCode()).isEqualTo("451");
    }

    @Test
    void repairsWhatIsInTheFixesAndAccepts() throws Exception {
        FakeMail mail = mail(MESSAGE.getBytes(StandardCharsets.US_ASCII));
        HookResult result = hook("checks", "NAME_ENDS_WITH_SPACE", "fixes", "NAME_ENDS_WITH_SPACE",
                "serverId", "mx.example.org").onMessage(SESSION, mail);
        assertThat(result).isEqualTo(HookResult.DECLINED);
        assertThat(new String(MimeMessageBytes.of(mail.getMessage()), StandardCharsets.US_ASCII))
                .contains("\r\nSubject: hi\r\n");
        assertThat(mail.getAttribute(ConformanceParameters.FIXED)).isPresent();
    }

    /**
     * Review s21: storing {@code authpack.conformance.fixed} fails after the message was replaced: the mail is
     * accepted repaired, and the log says so (not "accepted unchanged") and that it is not marked.
     */
    @Test
    void aRepairWhoseAttributeCannotBeStoredIsLoggedAsARepair() throws Exception {
        FakeMail fake = mail(MESSAGE.getBytes(StandardCharsets.US_ASCII));
        org.apache.mailet.Mail mail = dev.authpack.james.FaultyMail.refusingAttribute(fake,
                ConformanceParameters.FIXED, () -> new IllegalStateException("attribute store full"));
        FixConformanceHook hook = hook("fixes", "NAME_ENDS_WITH_SPACE", "serverId", "mx.example.org");
        HookResult[] result = new HookResult[1];
        String log = dev.authpack.james.LogCapture.of(() -> result[0] = hook.onMessage(SESSION, mail));
        assertThat(result[0]).isEqualTo(HookResult.DECLINED);
        assertThat(new String(MimeMessageBytes.of(fake.getMessage()), StandardCharsets.US_ASCII))
                .contains("\r\nSubject: hi\r\n");
        assertThat(log).doesNotContain("unchanged").contains("repaired")
                .contains(ConformanceParameters.FIXED.asString()).contains("attribute store full");
    }

    @Test
    void initErrorsSayWhatIsAccepted() {
        assertThatThrownBy(() -> hook("checks", "spoon")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'spoon'").hasMessageContaining("LINE_TOO_LONG");
        assertThatThrownBy(() -> hook("check", "LINE_TOO_LONG")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("unknown parameter(s) [check]; accepted: [checks, detectEncoding");
    }

    @Test
    void unreadableMessagesAreAcceptedNeverThrown() throws Exception {
        FixConformanceHook hook = hook("checks", "LINE_TOO_LONG", "fixes", "NON_CANONICAL_LINE_ENDINGS");
        Random random = new Random(5);
        for (int i = 0; i < 30; i++) {
            byte[] junk = new byte[random.nextInt(200) + 1];
            random.nextBytes(junk);
            assertThat(hook.onMessage(SESSION, mail(junk)).getResult())
                    .isIn(HookReturnCode.declined(), HookReturnCode.deny());
        }
        assertThat(hook.onMessage(SESSION, FakeMail.builder().name("empty").build())).isEqualTo(HookResult.DECLINED);
    }
}
