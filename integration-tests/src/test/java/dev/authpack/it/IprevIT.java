package dev.authpack.it;

import static dev.authpack.it.Expectations.ourField;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** iprev (RFC 8601 §3) with the client connecting from different loopback addresses (see demo.zone). */
class IprevIT {
    @RegisterExtension
    static final JamesExtension JAMES = new JamesExtension(AuthpackJames.Builder::acceptIpv6Clients);

    @Test
    void passWhenThePtrNamePointsBack() {
        AuthResultsField.Resinfo iprev = iprevFrom("127.0.0.1");
        assertThat(iprev.result()).isEqualTo("pass");
        assertThat(iprev.property("policy.iprev")).hasValue("127.0.0.1");
    }

    @Test
    void failWhenThePtrNameDoesNotPointBack() {
        AuthResultsField.Resinfo iprev = iprevFrom("127.0.0.2");
        assertThat(iprev.result()).isEqualTo("fail");
        assertThat(iprev.property("policy.iprev")).hasValue("127.0.0.2");
    }

    @Test
    void permerrorWithoutPtrRecord() {
        assertThat(iprevFrom("127.0.0.3").result()).isEqualTo("permerror");
    }

    @Test
    void temperrorWhenThePtrLookupFails() {
        JAMES.dns().servfail("4.0.0.127.in-addr.arpa");
        assertThat(iprevFrom("127.0.0.4").result()).isEqualTo("temperror");
    }

    @Test
    void passForAnIpv6Client() throws Exception {
        AuthResultsField.Resinfo iprev = iprevFrom("::1");
        assertThat(iprev.result()).isEqualTo("pass");
        assertThat(InetAddress.getByName(iprev.property("policy.iprev").orElseThrow()))
                .isEqualTo(InetAddress.getByName("::1"));
    }

    private static AuthResultsField.Resinfo iprevFrom(String clientIp) {
        DeliveredMail mail = JAMES.deliver(Submission.create().clientAddress(clientIp));
        AuthResultsField field = ourField(mail);
        assertThat(mail.attribute("authpack.iprev", "result")).isEqualTo(field.result("iprev").map(r -> (Object) r));
        return field.method("iprev").orElseThrow(() -> new AssertionError("no iprev in " + field));
    }
}
