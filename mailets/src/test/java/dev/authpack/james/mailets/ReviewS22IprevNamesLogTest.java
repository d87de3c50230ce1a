package dev.authpack.james.mailets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.authpack.james.LogCapture;
import dev.authpack.james.MailAttributes;
import dev.authpack.testkit.dns.LoopbackDnsServer;
import java.util.Map;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Review s22, attacker's test: iprev's result carries the client's PTR names, which the owner of the PTR zone
 * chooses, any octets (here CR, LF, ESC and the C1 CSI as UTF-8). MailAuthCheck logs the whole report at DEBUG: the
 * names (and the reason quoting them) were written as they are, so a client made its own lines, or drove the
 * terminal of whoever reads the log. The line must show them escaped ({@code LogText}).
 */
class ReviewS22IprevNamesLogTest {
    /** 192.0.2.66's PTR: a name of CR LF, ESC [2J and CSI (U+009B, UTF-8 C2 9B) octets; no A record: iprev fail. */
    static final String ZONE = """
            $ORIGIN 2.0.192.in-addr.arpa.
            66 IN PTR x\\013\\010authpack\\032forged\\032line\\027[2j\\194\\155.attacker.example.
            """;

    private static LoopbackDnsServer dns;

    @BeforeAll
    static void startDns() throws Exception {
        dns = LoopbackDnsServer.start(ZONE);
    }

    @AfterAll
    static void stopDns() throws Exception {
        dns.close();
    }

    @Test
    void thePtrNamesOfTheClientAreEscapedInTheReportLine() throws Exception {
        MailAuthCheck mailet = MailAuthCheckTest.mailet(dns, Map.of());
        FakeMail mail = MailAuthCheckTest.mail("192.0.2.66", "alice@example.com");
        String log = LogCapture.atDebug(MailAuthCheck.class, () -> mailet.service(mail));
        // the name reached the report (the iprev attribute has it, as the resolver gave it)
        assertThat(String.valueOf(mail.getAttribute(MailAttributes.IPREV).orElseThrow().getValue().value()))
                .contains("authpack forged line");
        assertThat(log).as("the report line was logged").contains("authpack forged line");
        assertThat(log).doesNotContain("\r", "\u001b", "\u009b").contains("\\x1b", "\\x9b");
        assertThat(log.lines().filter(l -> l.contains("forged line"))).hasSize(1)
                .allSatisfy(l -> assertThat(l).contains("MailAuthCheck"));
    }
}
