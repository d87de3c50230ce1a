package dev.authpack.james.smtp;

import dev.authpack.check.CheckOptions;
import dev.authpack.james.CheckSettings;
import dev.authpack.james.MimeMessageBytes;
import dev.authpack.james.SessionCheckedMail;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review s23 (the hook's results stand for MailAuthCheck's only under the same verdict policy). The key under which
 * the session's results are found ({@code authpack.checked-in-session}, the hand-over table's) named the serverId,
 * which checks run and the translator prefixes, not the settings that decide a verdict: the DKIM policy
 * ({@code dkimAllowSha1}, {@code dkimMinRsaKeyBits}, {@code dkimAllowUnsignedBodyContent}, {@code dkimClockSkew},
 * {@code dkimMaxSignatures}) and DMARC's ({@code dmarcMode}, {@code dmarcUnverifiableDisposition}). A hook left
 * laxer than the mailet (SHA-1 signatures passing, an unverifiable DMARC result with disposition {@code none}) had
 * its verdicts written by a MailAuthCheck whose own policy refuses them: a sender's SHA-1 signature gave
 * {@code dkim=pass}, hence {@code dmarc=pass}, past a mailet configured to count it as {@code policy}.
 */
class ReviewS23SessionVerdictPolicyTest {
    /** One passing message from ok.example through a hook with {@code parameters}; the mail as spooled. */
    private static Mail endOfData(String... parameters) throws Exception {
        SessionAuthCheck hook = SessionAuthCheckTest.hook(new SessionAuthCheckTest.Counting(), parameters);
        SMTPSession session = SessionAuthCheckTest.session("192.0.2.1", null, false);
        hook.doHelo(session, "mx.ok.example");
        hook.doMail(session, MaybeSender.of(new MailAddress("b@ok.example")));
        FakeMail mail = FakeMail.builder().name("m1").sender("b@ok.example").recipient("b@example.net")
                .remoteAddr("127.0.0.1").mimeMessage(MimeMessageBytes.from(SessionAuthCheckTest.message(
                        "ok.example"))).build();
        try {
            assertThat(hook.onMessage(session, mail)).isEqualTo(HookResult.DECLINED);
        } finally {
            hook.onDisconnect(session);
        }
        return mail;
    }

    @Test
    void resultsAwaitedUnderALaxerDmarcPolicyAreNotTakenByAMailAuthCheckWithTheDefaultOne() throws Exception {
        takenOnlyAlike(SessionCheckedMail.CHECKED_IN_SESSION, "dmarcUnverifiableDisposition", "none",
                "awaitAtData", "always");
    }

    @Test
    void checksHandedOverUnderALaxerDkimPolicyAreNotTakenByAMailAuthCheckWithTheDefaultOne() throws Exception {
        takenOnlyAlike(SessionCheckedMail.PENDING, "dkimAllowSha1", "true", "refuseDmarcReject", "false");
    }

    /**
     * A message through a hook with {@code parameters}, a verdict policy's first: it
     * carries {@code mark}, and only a MailAuthCheck with that policy takes its results.
     */
    private static void takenOnlyAlike(org.apache.mailet.AttributeName mark, String... parameters) throws Exception {
        Mail mail = endOfData(parameters);
        assertThat(mail.getAttribute(mark)).as("checked in the session").isPresent();
        assertThat(SessionCheckedMail.results(mail, "mx.test", CheckOptions.ALL)).isEmpty();
        assertThat(SessionCheckedMail.checked(mail, alike(parameters[0], parameters[1]), true))
                .as("a MailAuthCheck with the hook's policy").isPresent();
    }

    @Test
    void everySettingThatChangesAVerdictChangesTheKeyAndTheDefaultsKeepTheKeyOfMailInTheSpool() throws Exception {
        String[][] policies = {{"dkimMinRsaKeyBits", "2048"}, {"dkimAllowSha1", "true"},
                {"dkimAllowUnsignedBodyContent", "true"}, {"dkimClockSkew", "0"}, {"dkimMaxSignatures", "3"},
                {"dmarcMode", "rfc7489"}, {"dmarcUnverifiableDisposition", "reject"}};
        dev.authpack.check.AuthCheckReport report = new dev.authpack.check.AuthCheckReport(
                java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.empty(),
                java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.empty(),
                java.util.Optional.empty(), java.util.Optional.empty());
        FakeMail stored = FakeMail.builder().name("m1").mimeMessage(MimeMessageBytes.from(
                SessionAuthCheckTest.message("ok.example"))).build();
        SessionCheckedMail.store(stored, CheckSettings.read(java.util.Map.of("serverId", "mx.test")::get), report);
        assertThat(SessionCheckedMail.results(stored, "mx.test", CheckOptions.ALL)).as("the key before s23")
                .isPresent();
        for (String[] policy : policies) {
            assertThat(SessionCheckedMail.checked(stored, alike(policy), true)).as(policy[0]).isEmpty();
            FakeMail alike = FakeMail.builder().name("m2").mimeMessage(MimeMessageBytes.from(
                    SessionAuthCheckTest.message("ok.example"))).build();
            SessionCheckedMail.store(alike, alike(policy), report);
            assertThat(SessionCheckedMail.checked(alike, alike(policy), true)).as(policy[0]).isPresent();
        }
    }

    /** The check parameters of a MailAuthCheck with serverId mx.test and {@code policy} (name, value). */
    private static CheckSettings alike(String... policy) {
        java.util.Map<String, String> parameters = new java.util.HashMap<>(java.util.Map.of("serverId", "mx.test"));
        parameters.put(policy[0], policy[1]);
        return CheckSettings.read(parameters::get);
    }
}
