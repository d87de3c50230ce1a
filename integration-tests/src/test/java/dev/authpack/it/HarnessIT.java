package dev.authpack.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The harness on its own: James from the sample configuration with James' mailets only (no pack installed). */
class HarnessIT {
    @RegisterExtension
    static final JamesExtension JAMES = new JamesExtension(b -> b
            .withoutPack()
            .confFile("extensions.properties", "")
            .edit("mailetcontainer.xml", HarnessIT::withoutAuthpackMailets));

    static String withoutAuthpackMailets(String xml) {
        return xml.replaceAll("(?s)<mailet match=\"All\" class=\"dev\\.authpack\\.james\\.mailets\\.[A-Za-z]+\">.*?</mailet>", "");
    }

    @Test
    void deliversOverSmtpIntoTheDeliveredRepository() {
        DeliveredMail mail = JAMES.deliver(Submission.create());
        assertThat(mail.recipients()).containsExactly(JamesExtension.ALICE);
        assertThat(mail.sender()).isEqualTo("sender@spf-pass.example");
        assertThat(mail.remoteAddr()).isEqualTo("127.0.0.1");
        assertThat(mail.headers("Authentication-Results")).isEmpty();
    }
}
