package dev.authpack.james.mailets;

import dev.authpack.authres.MethodResult;
import dev.authpack.dns.ZoneFileResolver;
import dev.authpack.james.AuthpackEngines;
import dev.authpack.james.MailAttributes;
import dev.authpack.james.TrustedListPost;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review of session 16, finding 1, in the mailet: a trusted list's post whose sealer key lookup this server did not
 * send (its resolver at its bound). The mail is already accepted; its labels say {@code dmarc=temperror} because of
 * our overload, not {@code fail}, and nothing overrides the owner's reject.
 */
class MailAuthCheckOverloadTest {

    private static Mail checked(ZoneFileResolver dns) throws Exception {
        MailAuthCheck mailet = new MailAuthCheck(AuthpackEngines.over(dns));
        mailet.init(FakeMailetConfig.builder().mailetName("MailAuthCheck").setProperty("serverId", "mx.example.org")
                .setProperty("trustedArcSealers", TrustedListPost.SEALER).build());
        Mail mail = FakeMail.builder().name("post").sender(TrustedListPost.MAIL_FROM).recipient("bob@example.org")
                .remoteAddr(TrustedListPost.CLIENT)
                .attribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of("mx." + TrustedListPost.SEALER)))
                .mimeMessage(new MimeMessage(Session.getInstance(new Properties()),
                        new ByteArrayInputStream(TrustedListPost.MESSAGE))).build();
        mailet.service(mail);
        return mail;
    }

    private static MethodResult resinfo(Mail mail, String method) {
        return MailAttributes.results(mail).orElseThrow().stream().filter(r -> r.method().equals(method))
                .findFirst().orElseThrow();
    }

    private static Map<?, ?> map(Mail mail, org.apache.mailet.AttributeName name) {
        return (Map<?, ?>) mail.getAttribute(name).orElseThrow().getValue().value();
    }

    @Test
    void aTrustedSealersKeyNotSentIsLabelledAsOurOverload() throws Exception {
        Mail overridden = checked(TrustedListPost.ZONE);
        assertThat(resinfo(overridden, "dmarc").result()).isEqualTo("fail");
        assertThat(MailAttributes.dmarcDisposition(overridden)).contains("none");

        Mail mail = checked(TrustedListPost.ZONE.withLocalOverload(TrustedListPost.KEY_NAME));
        MethodResult dmarc = resinfo(mail, "dmarc");
        assertThat(dmarc.result()).isEqualTo("temperror");
        assertThat(dmarc.reason()).contains("dis=reject (unverifiable)").contains("trusted ARC sealer lists.example")
                .contains("overloaded");
        assertThat(MailAttributes.dmarcDisposition(mail)).contains("reject");
        assertThat(map(mail, MailAttributes.DMARC).get("local_overload")).isEqualTo(AttributeValue.of(true));
        assertThat(map(mail, MailAttributes.DMARC).containsKey("override")).isFalse();
        MethodResult arc = resinfo(mail, "arc");
        assertThat(arc.result()).isEqualTo("fail");
        assertThat(arc.reason()).contains("not sent").contains("overloaded");
        assertThat(map(mail, MailAttributes.ARC).get("local_overload")).isEqualTo(AttributeValue.of(true));
    }
}
