package dev.authpack.bench;

import dev.authpack.james.MailAttributes;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.Test;

import javax.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs each benchmark of {@link MailetPathBenchmark} once (its setup refuses results other than the scenario's):
 * the mailet's run writes our field on top of the message as received, and stores the results.
 */
class MailetPathBenchmarkTest {

    @Test
    void theMailetChecksTheMailAndPutsOurFieldOnTop() throws Exception {
        MailetPathBenchmark b = new MailetPathBenchmark();
        FullCheckFixture fixture = FullCheckFixture.create();
        b.setUp(fixture);
        Mail mail = b.check();
        assertThat(MailAttributes.dmarcDisposition(mail)).hasValue("none");
        assertThat(MailAttributes.authservId(mail)).hasValue(FullCheckFixture.AUTHSERV_ID);
        MimeMessage message = mail.getMessage();
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        message.writeTo(written);
        String text = written.toString(StandardCharsets.ISO_8859_1);
        byte[] received = fixture.messages().get(FullCheckScenario.DIRECT);
        assertThat(text).startsWith("Authentication-Results: " + FullCheckFixture.AUTHSERV_ID + ";")
                .endsWith(new String(received, StandardCharsets.ISO_8859_1));
        assertThat(text.replaceAll("\\s+", " ")).contains("dkim=pass", "dmarc=pass", "iprev=pass", "arc=none");
        org.apache.james.lifecycle.api.LifecycleUtil.dispose(mail);
        assertThat(MailAttributes.authservId(b.mailOnly())).isEmpty();
        assertThat(MailAttributes.authservId(b.mailAuthCheck())).hasValue(FullCheckFixture.AUTHSERV_ID);
        assertThat(b.engineOnly()).startsWith(FullCheckFixture.AUTHSERV_ID + ";").contains("dkim=pass");
    }

    @Test
    void theDistinctMessagesAreCheckedInTurnWithTheSameResults() throws Exception {
        FullCheckFixture fixture = FullCheckFixture.create(3);
        assertThat(fixture.directVariants()).hasSize(3);
        assertThat(fixture.directVariants().get(0)).isEqualTo(fixture.messages().get(FullCheckScenario.DIRECT));
        assertThat(fixture.directVariants().stream().map(m -> new String(m, StandardCharsets.ISO_8859_1)).distinct())
                .hasSize(3);
        MailetPathBenchmark b = new MailetPathBenchmark();
        b.setUp(fixture);
        java.util.Set<String> bodies = new java.util.HashSet<>();
        for (int i = 0; i < 6; i++) {
            Mail mail = b.check();
            ByteArrayOutputStream written = new ByteArrayOutputStream();
            mail.getMessage().writeTo(written);
            String text = written.toString(StandardCharsets.ISO_8859_1);
            bodies.add(text.substring(text.indexOf("\r\n\r\n")));
            assertThat(text.replaceAll("\\s+", " ")).contains("dkim=pass", "dmarc=pass", "iprev=pass", "arc=none");
            assertThat(MailAttributes.dmarcDisposition(mail)).hasValue("none");
            org.apache.james.lifecycle.api.LifecycleUtil.dispose(mail);
        }
        // the thread went through the three in turn
        assertThat(bodies).hasSize(3);
    }

    @Test
    void theProfilePollutionRunsItsOtherCode() {
        int total = 0;
        for (int i = 0; i < 20; i++) {
            total += ProfilePollution.run(i);
        }
        assertThat(total).isGreaterThan(20 * 10);
    }

    @Test
    void theWidePollutionRunsManyLibrariesOnTheMessage() throws Exception {
        byte[] message = FullCheckFixture.create().messages().get(FullCheckScenario.DIRECT);
        int first = WidePollution.run(message, 0);
        // the XML written back, the header's matches, the charsets' encodings, the deflated octets... all counted
        assertThat(first).isGreaterThan(2_000);
        // the round changes what is formatted, parsed and resolved, not how much work there is
        assertThat(WidePollution.run(message, 1)).isBetween(first - 200, first + 200);
    }
}
