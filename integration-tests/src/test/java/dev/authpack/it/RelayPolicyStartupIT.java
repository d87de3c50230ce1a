package dev.authpack.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * A bad relay policy file stops James at startup with file and line, whether the SMTP hook or the matcher reads
 * it; it never opens a relay. No other James runs in the JVM meanwhile (two servers clash on JMX names), so this is
 * a class of its own, and it ends by starting a good server, to show a failed start leaves nothing behind.
 */
class RelayPolicyStartupIT {
    private static final String OPEN_RELAY_BY_MISTAKE = "# an open relay by mistake\nrelay_hosts = 0.0.0.0/0\n";

    private static String startupFailure(String name, String policy, String file, UnaryOperator<String> edit) {
        AuthpackJames.Builder b = AuthpackJames.builder().name(name).confFile("relay-policy.conf", policy)
                .edit(file, edit);
        try (AuthpackJames james = b.start()) {
            return null;
        } catch (Exception e) {
            StringBuilder messages = new StringBuilder();
            for (Throwable t = e; t != null; t = t.getCause()) {
                messages.append(t.getMessage()).append('\n');
            }
            return messages.toString();
        }
    }

    @Test
    void badPolicyFileStopsJamesWhicheverReadsIt() throws Exception {
        String hook = startupFailure("RelayPolicyStartupIT-hook", OPEN_RELAY_BY_MISTAKE, "smtpserver.xml",
                RelayIT::withRelayHook);
        assertThat(hook).as("James must not start with the hook and a bad policy").isNotNull()
                .contains("RelayPolicyRcptHook: bad relay policy")
                .contains("relay-policy.conf:2: relay_hosts: '0.0.0.0/0' matches every address");

        String matcher = startupFailure("RelayPolicyStartupIT-matcher", "[domain x.example]\nrelay_to = yes\n",
                "mailetcontainer.xml", RelayIT::withRelayMatchers);
        assertThat(matcher).as("James must not start with the matcher and a bad policy").isNotNull()
                .contains("RelayAllowed: bad relay policy")
                .contains("relay-policy.conf:2: relay_to must be true or false, not 'yes'");

        String missing = startupFailure("RelayPolicyStartupIT-missing", RelayIT.POLICY, "smtpserver.xml",
                xml -> RelayIT.withRelayHook(xml).replace("file://conf/relay-policy.conf", "file://conf/missing.conf"));
        assertThat(missing).as("James must not start without the policy file").isNotNull()
                .contains("missing.conf: no such file");

        try (AuthpackJames good = AuthpackJames.builder().name("RelayPolicyStartupIT-good")
                .confFile("relay-policy.conf", RelayIT.POLICY)
                .edit("smtpserver.xml", RelayIT::withRelayHook)
                .edit("mailetcontainer.xml", RelayIT::withRelayMatchers).start()) {
            SubmissionResult r = good.submit(Submission.create().clientAddress("127.0.0.5")
                    .mailFrom("someone@elsewhere.example").rcptTo("victim@remote.example"));
            assertThat(r.last().code()).as(r.transcript()).isEqualTo(550);
        }
    }
}
