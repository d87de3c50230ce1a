package dev.authpack.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZoneFileResolverTest {

    static final String ZONE = """
            $ORIGIN example.com.
            $TTL 600
            @        IN SOA ns hostmaster 1 3600 600 86400 120
            @        IN TXT "v=spf1 " "include:_spf.example.com" " -all"
            @        IN TXT "other"
            @        IN MX 10 Mail
            @        IN MX 20 backup.example.net.
            mail  60 IN A 192.0.2.25
            mail     IN AAAA 2001:db8::25
            www      IN CNAME mail
            alias    IN CNAME www
            l1       IN CNAME l2
            l2       IN CNAME l1
            dangling IN CNAME nowhere
            sel._domainkey IN TXT "v=DKIM1; k=rsa; p=MIGf"
            *.wild   IN A 192.0.2.99
            $ORIGIN 2.0.192.in-addr.arpa.
            25       IN PTR mail.example.com.
            25       IN PTR Other.Example.com.
            """;

    final ZoneFileResolver resolver = new ZoneFileResolver(ZONE);

    @Test
    void txtRecordsJoinTheirStringsAndKeepRecordsApart() {
        DnsLookup<String> l = resolver.txt("EXAMPLE.com.").join();
        assertThat(l.outcome()).isEqualTo(DnsOutcome.RECORDS);
        assertThat(l.name()).isEqualTo("example.com");
        assertThat(l.type()).isEqualTo(DnsType.TXT);
        assertThat(l.records()).containsExactly("v=spf1 include:_spf.example.com -all", "other");
        assertThat(l.ttlSeconds()).isEqualTo(600);
    }

    @Test
    void addressesMxAndTtls() throws Exception {
        DnsLookup<InetAddress> a = resolver.a("mail.example.com").join();
        assertThat(a.records()).containsExactly(InetAddress.getByName("192.0.2.25"));
        assertThat(a.records().get(0).toString()).isEqualTo("/192.0.2.25");
        assertThat(a.ttlSeconds()).isEqualTo(60);
        assertThat(resolver.aaaa("mail.example.com").join().records())
                .containsExactly(InetAddress.getByName("2001:db8::25"));
        assertThat(resolver.mx("example.com").join().records())
                .containsExactly(new MxHost(10, "mail.example.com"), new MxHost(20, "backup.example.net"));
    }

    @Test
    void ptrUsesTheReverseNameAndLowerCasesNames() throws Exception {
        DnsLookup<String> l = resolver.ptr(InetAddress.getByName("192.0.2.25")).join();
        assertThat(l.name()).isEqualTo("25.2.0.192.in-addr.arpa");
        assertThat(l.records()).containsExactly("mail.example.com", "other.example.com");
        assertThat(resolver.ptr(InetAddress.getByName("192.0.2.26")).join().outcome()).isEqualTo(DnsOutcome.NXDOMAIN);
    }

    @Test
    void unknownNameIsNxdomainWithTheSoaNegativeTtl() {
        DnsLookup<String> l = resolver.txt("nope.example.com").join();
        assertThat(l.outcome()).isEqualTo(DnsOutcome.NXDOMAIN);
        assertThat(l.records()).isEmpty();
        assertThat(l.ttlSeconds()).isEqualTo(120); // min(SOA TTL 600, MINIMUM 120)
        assertThat(resolver.a("example.org").join().outcome()).isEqualTo(DnsOutcome.NXDOMAIN);
        assertThat(resolver.a("example.org").join().ttlSeconds()).isEqualTo(AnswerReader.DEFAULT_NEGATIVE_TTL);
    }

    @Test
    void otherTypesOnlyOrEmptyNonTerminalIsNoData() {
        assertThat(resolver.txt("mail.example.com").join().outcome()).isEqualTo(DnsOutcome.NO_DATA);
        assertThat(resolver.a("example.com").join().outcome()).isEqualTo(DnsOutcome.NO_DATA);
        assertThat(resolver.txt("_domainkey.example.com").join().outcome()).isEqualTo(DnsOutcome.NO_DATA);
    }

    @Test
    void cnameChainsAreFollowedWithTheMinimumTtl() throws Exception {
        DnsLookup<InetAddress> l = resolver.a("alias.example.com").join();
        assertThat(l.outcome()).isEqualTo(DnsOutcome.RECORDS);
        assertThat(l.name()).isEqualTo("alias.example.com");
        assertThat(l.records()).containsExactly(InetAddress.getByName("192.0.2.25"));
        assertThat(l.ttlSeconds()).isEqualTo(60);
        assertThat(resolver.txt("www.example.com").join().outcome()).isEqualTo(DnsOutcome.NO_DATA);
        assertThat(resolver.a("dangling.example.com").join().outcome()).isEqualTo(DnsOutcome.NXDOMAIN);
    }

    @Test
    void cnameLoopIsATemporaryFailureWithAReason() {
        DnsLookup<InetAddress> l = resolver.a("l1.example.com").join();
        assertThat(l.outcome()).isEqualTo(DnsOutcome.TEMP_FAILURE);
        assertThat(l.detail()).contains("CNAME chain");
    }

    @Test
    void wildcardsAnswerForNamesThatDoNotExist() throws Exception {
        DnsLookup<InetAddress> l = resolver.a("x.y.wild.example.com").join();
        assertThat(l.records()).containsExactly(InetAddress.getByName("192.0.2.99"));
        assertThat(resolver.txt("x.wild.example.com").join().outcome()).isEqualTo(DnsOutcome.NO_DATA);
    }

    @Test
    void malformedNamesArePermanentFailuresWithoutAQuery() {
        DnsLookup<String> l = resolver.txt("a..example.com").join();
        assertThat(l.outcome()).isEqualTo(DnsOutcome.INVALID_NAME);
        assertThat(l.detail()).contains("empty label");
        assertThat(resolver.txt("x".repeat(64) + ".example.com").join().detail()).contains("label longer than 63");
        assertThat(resolver.txt("").join().outcome()).isEqualTo(DnsOutcome.INVALID_NAME);
        assertThat(resolver.txt(null).join().outcome()).isEqualTo(DnsOutcome.INVALID_NAME);
        assertThat(resolver.txt("a b.example.com").join().outcome()).isEqualTo(DnsOutcome.NXDOMAIN);
        assertThat(resolver.ptr(null).join().outcome()).isEqualTo(DnsOutcome.TEMP_FAILURE);
    }

    @Test
    void relativeNamesWithoutOriginAreUnderTheRootAndTheDefaultTtlApplies() {
        ZoneFileResolver r = new ZoneFileResolver("host.test A 192.0.2.1\nhost.test TXT \"a\" \"b\"\n");
        assertThat(r.a("host.test").join().ttlSeconds()).isEqualTo(dev.authpack.zonefile.ZoneData.DEFAULT_TTL);
        assertThat(r.txt("host.test").join().records()).containsExactly("ab");
        assertThat(r.nameCount()).isEqualTo(1);
    }

    @Test
    void injectedFailuresApplyToTheNameAndToChainsThroughIt() {
        ZoneFileResolver r = resolver.withFailure("Mail.example.com", DnsOutcome.TIMEOUT)
                .withFailure("example.com", DnsOutcome.TEMP_FAILURE);
        assertThat(r.a("mail.example.com").join().outcome()).isEqualTo(DnsOutcome.TIMEOUT);
        assertThat(r.a("www.example.com").join().outcome()).isEqualTo(DnsOutcome.TIMEOUT);
        assertThat(r.txt("example.com").join().outcome()).isEqualTo(DnsOutcome.TEMP_FAILURE);
        assertThat(r.txt("sel._domainkey.example.com").join().outcome()).isEqualTo(DnsOutcome.RECORDS);
        assertThat(resolver.a("mail.example.com").join().outcome()).isEqualTo(DnsOutcome.RECORDS); // original unchanged
        assertThatThrownBy(() -> resolver.withFailure("x.test", DnsOutcome.NXDOMAIN))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void badZoneTextIsAnIllegalArgumentNamingTheProblem() {
        assertThatThrownBy(() -> new ZoneFileResolver("host.test. IN A 300.1.1.1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("zone text");
        assertThatThrownBy(() -> ZoneFileResolver.fromText("ok.test. A 192.0.2.1", "$INCLUDE /etc/passwd"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("zone text #2");
    }

    @Test
    void severalFilesWithSeveralOrigins(@TempDir Path dir) throws IOException {
        Path a = Files.writeString(dir.resolve("a.zone"), "$ORIGIN a.test.\n$TTL 30\n@ TXT \"v=spf1 -all\"\n");
        Path b = Files.writeString(dir.resolve("b.zone"), "$ORIGIN b.test.\nmx MX 5 a.test.\n");
        ZoneFileResolver r = ZoneFileResolver.fromFiles(a, b);
        assertThat(r.txt("a.test").join().ttlSeconds()).isEqualTo(30);
        assertThat(r.mx("mx.b.test").join().records()).containsExactly(new MxHost(5, "a.test"));
        Path bad = Files.writeString(dir.resolve("bad.zone"), "x.test. MX notanumber y.test.\n");
        assertThatThrownBy(() -> ZoneFileResolver.fromFiles(bad)).isInstanceOf(IOException.class)
                .hasMessageContaining("bad.zone");
    }
}
