package dev.authpack.james.mailets;

import dev.authpack.authres.MethodResult;
import dev.authpack.james.MailAttributes;
import dev.authpack.james.matchers.DmarcDisposition;
import dev.authpack.testkit.dns.LoopbackDnsServer;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.mail.MessagingException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review s20: mail MailAuthCheck cannot check at all (a client address that is not an IP, an internal error in the
 * mailet) used to carry no DMARC attribute, so {@code DmarcDisposition=reject} after it did not match: fail open. It
 * now gets what a check cut off gets (session 19's rule): every check {@code temperror} with the reason, DMARC's with
 * the disposition of an unknown author ({@code dmarcUnverifiableDisposition}: {@code reject} under {@code strictest}).
 * Mail with no client address at all is mail made locally, not received from a client, and stays unchecked.
 */
class MailAuthCheckUncheckedTest {
    private static LoopbackDnsServer dns;

    @BeforeAll
    static void startDns() throws Exception {
        dns = LoopbackDnsServer.start(MailAuthCheckTest.ZONE);
    }

    @AfterAll
    static void stopDns() throws Exception {
        dns.close();
    }

    private static MailAuthCheck mailet(Map<String, String> parameters) throws MessagingException {
        return MailAuthCheckTest.mailet(dns, parameters);
    }

    /** The matcher after the mailet, as in conf-samples/dmarc-snippet.xml. */
    private static DmarcDisposition matcher(String condition) throws MessagingException {
        DmarcDisposition after = new DmarcDisposition();
        after.init(FakeMatcherConfig.builder().matcherName("DmarcDisposition").condition(condition)
                .mailetContext(FakeMailContext.defaultContext()).build());
        return after;
    }

    private static FakeMail mail(String remoteAddr) throws Exception {
        return MailAuthCheckTest.mail(remoteAddr, "alice@example.com");
    }

    private static String headers(Mail mail) throws Exception {
        return MailAuthCheckTest.headers(mail);
    }

    private static Optional<String> disposition(Mail mail) {
        return mail.getAttribute(MailAttributes.DMARC_DISPOSITION).map(a -> String.valueOf(a.getValue().value()));
    }

    private static MethodResult result(Mail mail, String method) {
        return MailAttributes.results(mail).orElseThrow().stream().filter(r -> r.method().equals(method))
                .findFirst().orElseThrow();
    }

    @Test
    void aClientAddressThatIsNotAnIpIsUnverifiableAndTheRejectMatcherMatches() throws Exception {
        for (String remote : new String[] {"evil.example.com", "999.1.1.1", "192.0.2.1 extra", "[]"}) {
            FakeMail mail = mail(remote);
            mailet(Map.of()).service(mail);

            assertThat(MailAttributes.results(mail)).as(remote).isPresent();
            for (String method : new String[] {"dkim", "spf", "iprev", "dmarc"}) {
                MethodResult r = result(mail, method);
                assertThat(r.result()).as(remote + " " + method).isEqualTo("temperror");
                assertThat(r.reason()).as(remote + " " + method).contains("not checked")
                        .contains("remote address is not an IP literal");
            }
            assertThat(result(mail, "arc").result()).isEqualTo("fail"); // RFC 8617 §5.2: ARC has no temperror
            assertThat(result(mail, "iprev").properties()).isEmpty(); // no address to name
            assertThat(disposition(mail)).as(remote).contains("reject");
            assertThat(matcher("reject").match(mail)).as(remote).hasSize(1);
            assertThat(matcher("quarantine").match(mail)).isEmpty();
            String headers = headers(mail);
            assertThat(headers).startsWith("Authentication-Results: mx.test;").contains("dmarc=temperror")
                    .doesNotContain("forged.example").contains("Authentication-Results: upstream.example;");
        }
    }

    @Test
    void theUnknownAuthorsDispositionFollowsDmarcUnverifiableDisposition() throws Exception {
        for (String setting : new String[] {"quarantine", "reject", "none"}) {
            FakeMail mail = mail("evil.example.com");
            mailet(Map.of("dmarcUnverifiableDisposition", setting)).service(mail);
            assertThat(result(mail, "dmarc").result()).isEqualTo("temperror");
            assertThat(disposition(mail)).as(setting).contains(setting);
            assertThat(matcher("reject,quarantine").match(mail)).as(setting).hasSize(setting.equals("none") ? 0 : 1);
        }
    }

    /**
     * Mail with no client address (none, or a blank one) was not received from a client: made by a mailet or a
     * protocol that records none. Not checked (as before). James' own MailImpl (and FakeMail) give mail made locally,
     * bounces included, the address 127.0.0.1, which is checked like any client's.
     */
    @Test
    void mailWithNoClientAddressIsLocalMailAndNotChecked() throws Exception {
        for (String remote : new String[] {null, "", "  "}) {
            FakeMail fake = mail("192.0.2.1");
            Mail mail = replacing(fake, "getRemoteAddr", () -> remote);
            mailet(Map.of()).service(mail);
            assertThat(MailAttributes.results(fake)).as(String.valueOf(remote)).isEmpty();
            assertThat(disposition(fake)).isEmpty();
            assertThat(matcher("reject,quarantine").match(mail)).isEmpty();
            assertThat(headers(fake)).startsWith("Received: from somewhere\r\n")
                    .doesNotContain("Authentication-Results: mx.test");
        }
        FakeMail fakeDefault = FakeMail.builder().name("local").mimeMessage(mail(null).getMessage())
                .recipient("bob@example.org").build();
        assertThat(fakeDefault.getRemoteAddr()).isEqualTo("127.0.0.1");
    }

    /** {@code mail} with {@code method} (no arguments) answered by {@code answer}; every other call goes to it. */
    private static Mail replacing(FakeMail mail, String method, java.util.concurrent.Callable<Object> answer) {
        return (Mail) Proxy.newProxyInstance(Mail.class.getClassLoader(), new Class<?>[] {Mail.class},
                (proxy, called, args) -> {
                    if (called.getName().equals(method) && called.getParameterCount() == 0) {
                        return answer.call();
                    }
                    try {
                        return called.invoke(mail, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /**
     * An internal error in the mailet (here the envelope's sender cannot be read: any RuntimeException before the
     * checks report) gives the same unverifiable result, never an exception out of the mailet.
     */
    @Test
    void anInternalErrorIsUnverifiableAndTheRejectMatcherMatches() throws Exception {
        FakeMail fake = mail("192.0.2.1");
        Mail failing = replacing(fake, "getMaybeSender", () -> {
            throw new IllegalStateException("sender store broken");
        });
        mailet(Map.of()).service(failing);

        MethodResult dmarc = result(fake, "dmarc");
        assertThat(dmarc.result()).isEqualTo("temperror");
        assertThat(dmarc.reason()).contains("internal error").contains("sender store broken");
        assertThat(disposition(fake)).contains("reject");
        assertThat(matcher("reject").match(failing)).hasSize(1);
        String headers = headers(fake);
        assertThat(headers).startsWith("Authentication-Results: mx.test;").contains("dmarc=temperror")
                .doesNotContain("forged.example");
    }
}
