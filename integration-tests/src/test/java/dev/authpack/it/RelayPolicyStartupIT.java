package dev.authpack.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * A bad relay policy file stops James at startup with file and line, whether the SMTP hook or the matcher of the
 * sample configuration reads it; it never opens a relay. No other James runs in the JVM meanwhile (two servers clash
 * on JMX names), so this is a class of its own, and it ends by starting the sample as it is, to show a failed start
 * leaves nothing behind.
 */
class RelayPolicyStartupIT {
    private static final String SAMPLE_POLICY = "file://conf/relay-policy.conf";
    private static final String OPEN_RELAY_BY_MISTAKE = "# an open relay by mistake\nrelay_hosts = 0.0.0.0/0\n";

    /** Points the sample's reader of the policy in this file at {@code conf/<policyFile>} instead. */
    private static UnaryOperator<String> readerOf(String policyFile) {
        return xml -> {
            assertThat(xml).as("the sample names the policy file").contains(SAMPLE_POLICY);
            return xml.replace(SAMPLE_POLICY, "file://conf/" + policyFile);
        };
    }

    private static String startupFailure(String name, AuthpackJames.Builder b) {
        try (AuthpackJames james = b.name(name).start()) {
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
        String hook = startupFailure("RelayPolicyStartupIT-hook", AuthpackJames.builder()
                .confFile("bad-policy.conf", OPEN_RELAY_BY_MISTAKE)
                .edit("smtpserver.xml", readerOf("bad-policy.conf")));
        assertThat(hook).as("James must not start with the hook and a bad policy").isNotNull()
                .contains("RelayPolicyRcptHook: bad relay policy")
                .contains("bad-policy.conf:2: relay_hosts: '0.0.0.0/0' matches every address");

        String matcher = startupFailure("RelayPolicyStartupIT-matcher", AuthpackJames.builder()
                .confFile("bad-policy.conf", "[domain x.example]\nrelay_to = yes\n")
                .edit("mailetcontainer.xml", readerOf("bad-policy.conf")));
        assertThat(matcher).as("James must not start with the matcher and a bad policy").isNotNull()
                .contains("RelayAllowed: bad relay policy")
                .contains("bad-policy.conf:2: relay_to must be true or false, not 'yes'");

        String both = startupFailure("RelayPolicyStartupIT-both", AuthpackJames.builder()
                .confFile("relay-policy.conf", OPEN_RELAY_BY_MISTAKE));
        assertThat(both).as("James must not start when the sample's own policy file is bad").isNotNull()
                .contains(": bad relay policy")
                .contains("relay-policy.conf:2: relay_hosts: '0.0.0.0/0' matches every address");

        String missing = startupFailure("RelayPolicyStartupIT-missing", AuthpackJames.builder()
                .edit("smtpserver.xml", readerOf("missing.conf")));
        assertThat(missing).as("James must not start without the policy file").isNotNull()
                .contains("missing.conf: no such file");

        try (AuthpackJames good = AuthpackJames.builder().name("RelayPolicyStartupIT-good").start()) {
            SubmissionResult r = good.submit(Submission.create().clientAddress("127.0.0.5")
                    .mailFrom("someone@elsewhere.example").rcptTo("victim@remote.example"));
            assertThat(r.last().code()).as(r.transcript()).isEqualTo(550);
        }
    }
}
