package dev.authpack.iprev;

import static org.assertj.core.api.Assertions.assertThat;

import dev.authpack.dns.ZoneFileResolver;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** PTR names with octets a host name would not have are looked up as they are, not refused as a DNS error. */
class IprevOddNamesTest {

    static final String ZONE = """
            $ORIGIN example.com.
            odd\\032host  IN A 192.0.2.7
            $ORIGIN 2.0.192.in-addr.arpa.
            7  IN PTR odd\\032host.example.com.
            8  IN PTR gone\\032host.example.com.
            """;

    @Test
    void aPtrNameWithASpaceIsConfirmedByItsForwardLookup() throws Exception {
        IprevChecker checker = new IprevChecker(new ZoneFileResolver(ZONE), 10);

        IprevResult result = checker.check(InetAddress.getByName("192.0.2.7")).join();

        assertThat(result.status()).isEqualTo(IprevStatus.PASS);
    }

    @Test
    void aPtrNameWithASpaceThatDoesNotExistIsAFailNotATemporaryError() throws Exception {
        IprevChecker checker = new IprevChecker(new ZoneFileResolver(ZONE), 10);

        IprevResult result = checker.check(InetAddress.getByName("192.0.2.8")).join();

        assertThat(result.status()).isEqualTo(IprevStatus.FAIL);
    }
}
