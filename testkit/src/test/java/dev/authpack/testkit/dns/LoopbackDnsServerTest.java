package dev.authpack.testkit.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

class LoopbackDnsServerTest {

    static final String EXAMPLE = """
            $ORIGIN example.com.
            $TTL 300
            @       IN SOA ns1 hostmaster 1 3600 600 86400 120
            @       IN NS  ns1
            @       IN A   192.0.2.10
            @       IN MX  10 mail
            @       IN TXT "v=spf1 " "ip4:192.0.2.0/24 -all"
            mail    IN A   192.0.2.25
            mail    IN AAAA 2001:db8::25
            www     IN CNAME mail
            loop1   IN CNAME loop2
            loop2   IN CNAME loop1
            away    IN CNAME host.elsewhere.test.
            gone    IN CNAME nothing
            sel._domainkey IN TXT "v=DKIM1; p="
            *.wild  IN TXT "wildcard"
            fail    IN A 192.0.2.99
            quiet   IN A 192.0.2.98
            big     IN TXT "%s"
            big     IN TXT "%s"
            big     IN TXT "%s"
            """.formatted("a".repeat(250), "b".repeat(250), "c".repeat(250));
    static final String OTHER = """
            relative.test. 60 IN A 198.51.100.1
            host.elsewhere.test. 60 IN A 198.51.100.2
            """;

    static LoopbackDnsServer server;

    @BeforeAll
    static void startServer() throws IOException {
        server = LoopbackDnsServer.start(EXAMPLE, OTHER);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @AfterEach
    void resetRules() {
        server.clearFailures();
    }

    static Message ask(String name, int type, boolean tcp, Duration timeout) throws IOException {
        SimpleResolver r = new SimpleResolver(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), server.port()));
        r.setTCP(tcp);
        r.setTimeout(timeout);
        return r.send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
    }

    static Message ask(String name, int type, boolean tcp) throws IOException {
        return ask(name, type, tcp, Duration.ofSeconds(3));
    }

    @Test
    void answersRecordsAuthoritativelyOverUdpAndTcp() throws IOException {
        for (boolean tcp : new boolean[] {false, true}) {
            Message m = ask("mail.example.com.", Type.A, tcp);
            assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
            assertThat(m.getHeader().getFlag(Flags.AA)).isTrue();
            assertThat(m.getSection(Section.ANSWER)).singleElement()
                    .satisfies(r -> assertThat(((ARecord) r).getAddress().getHostAddress()).isEqualTo("192.0.2.25"))
                    .satisfies(r -> assertThat(r.getTTL()).isEqualTo(300));
        }
        assertThat(server.address()).isEqualTo("127.0.0.1:" + server.port());
    }

    @Test
    void txtKeepsSeveralStringsAndMxAndAaaaWork() throws IOException {
        TXTRecord txt = (TXTRecord) ask("example.com.", Type.TXT, false).getSection(Section.ANSWER).get(0);
        assertThat(txt.getStrings()).containsExactly("v=spf1 ", "ip4:192.0.2.0/24 -all");
        MXRecord mx = (MXRecord) ask("EXAMPLE.com.", Type.MX, false).getSection(Section.ANSWER).get(0);
        assertThat(mx.getPriority()).isEqualTo(10);
        assertThat(mx.getTarget().toString()).isEqualToIgnoringCase("mail.example.com.");
        AAAARecord aaaa = (AAAARecord) ask("mail.example.com.", Type.AAAA, true).getSection(Section.ANSWER).get(0);
        assertThat(aaaa.getAddress()).isEqualTo(InetAddress.getByName("2001:db8::25"));
    }

    @Test
    void relativeNamesWithoutOriginAreUnderTheRootAndDefaultTtlApplies() throws IOException {
        Message m = ask("relative.test.", Type.A, false);
        assertThat(m.getSection(Section.ANSWER)).singleElement().satisfies(r -> assertThat(r.getTTL()).isEqualTo(60));
    }

    @Test
    void cnameIsInTheAnswerWithTheTargetRecords() throws IOException {
        Message m = ask("www.example.com.", Type.A, false);
        assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
        List<Record> answer = m.getSection(Section.ANSWER);
        assertThat(answer).hasSize(2);
        assertThat(answer.get(0)).isInstanceOf(CNAMERecord.class);
        assertThat(((ARecord) answer.get(1)).getAddress().getHostAddress()).isEqualTo("192.0.2.25");
        // asking for the CNAME itself gives just the CNAME
        assertThat(ask("www.example.com.", Type.CNAME, false).getSection(Section.ANSWER)).singleElement()
                .isInstanceOf(CNAMERecord.class);
    }

    @Test
    void cnameToAnotherZoneInOurDataAndCnameLoopsAndDanglingTargets() throws IOException {
        assertThat(ask("away.example.com.", Type.A, false).getSection(Section.ANSWER)).hasSize(2);
        Message loop = ask("loop1.example.com.", Type.A, false);
        assertThat(loop.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(loop.getSection(Section.ANSWER)).hasSize(2);
        Message dangling = ask("gone.example.com.", Type.A, false);
        assertThat(dangling.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(dangling.getSection(Section.ANSWER)).singleElement().isInstanceOf(CNAMERecord.class);
    }

    @Test
    void unknownNameIsNxdomainWithTheSoaForNegativeCaching() throws IOException {
        Message m = ask("nope.example.com.", Type.TXT, false);
        assertThat(m.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(m.getSection(Section.ANSWER)).isEmpty();
        SOARecord soa = (SOARecord) m.getSection(Section.AUTHORITY).get(0);
        assertThat(soa.getName().toString()).isEqualTo("example.com.");
        assertThat(soa.getTTL()).isEqualTo(120); // min(SOA TTL 300, MINIMUM 120), RFC 2308 §3
        assertThat(ask("unknown.invalid.", Type.A, true).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    }

    @Test
    void otherTypesOnlyAndEmptyNonTerminalsAreNoData() throws IOException {
        Message m = ask("mail.example.com.", Type.TXT, false);
        assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(m.getSection(Section.ANSWER)).isEmpty();
        assertThat(m.getSection(Section.AUTHORITY)).singleElement().isInstanceOf(SOARecord.class);
        Message ent = ask("_domainkey.example.com.", Type.TXT, false);
        assertThat(ent.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(ent.getSection(Section.ANSWER)).isEmpty();
    }

    @Test
    void wildcardsAreSynthesisedWithTheQueriedName() throws IOException {
        Message m = ask("anything.wild.example.com.", Type.TXT, false);
        assertThat(m.getSection(Section.ANSWER)).singleElement()
                .satisfies(r -> assertThat(r.getName().toString()).isEqualTo("anything.wild.example.com."));
        assertThat(ask("anything.wild.example.com.", Type.A, false).getRcode()).isEqualTo(Rcode.NOERROR);
    }

    @Test
    void servfailRulesByNameSubdomainAndType() throws IOException {
        server.servfail("fail.example.com");
        assertThat(ask("fail.example.com.", Type.A, false).getRcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat(ask("FAIL.example.com.", Type.TXT, true).getRcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat(ask("mail.example.com.", Type.A, false).getRcode()).isEqualTo(Rcode.NOERROR);
        server.clearFailures();
        server.servfail("*.example.com").servfail("example.com", "TXT");
        assertThat(ask("mail.example.com.", Type.A, false).getRcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat(ask("example.com.", Type.A, false).getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(ask("example.com.", Type.TXT, false).getRcode()).isEqualTo(Rcode.SERVFAIL);
        server.clearFailures();
        assertThat(ask("fail.example.com.", Type.A, false).getRcode()).isEqualTo(Rcode.NOERROR);
    }

    @Test
    void droppedNamesTimeOutOverUdpAndTcp() throws IOException {
        server.drop("quiet.example.com");
        for (boolean tcp : new boolean[] {false, true}) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> ask("quiet.example.com.", Type.A, tcp, Duration.ofMillis(300)))
                    .isInstanceOf(IOException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
        }
        assertThat(ask("mail.example.com.", Type.A, false).getRcode()).isEqualTo(Rcode.NOERROR);
    }

    @Test
    void largeAnswersAreTruncatedOverUdpAndWholeOverTcp() throws IOException {
        SimpleResolver r = new SimpleResolver(new InetSocketAddress("127.0.0.1", server.port()));
        r.setIgnoreTruncation(true);
        r.setEDNS(-1); // no EDNS: 512-octet limit
        Message udp = r.send(Message.newQuery(Record.newRecord(Name.fromString("big.example.com."), Type.TXT, DClass.IN)));
        assertThat(udp.getHeader().getFlag(Flags.TC)).isTrue();
        assertThat(udp.getSection(Section.ANSWER).size()).isLessThan(3);
        long tcpBefore = server.tcpQueries();
        SimpleResolver plain = new SimpleResolver(new InetSocketAddress("127.0.0.1", server.port()));
        plain.setEDNS(-1);
        plain.setTimeout(Duration.ofSeconds(3));
        // SimpleResolver retries over TCP on TC
        Message retried = plain.send(Message.newQuery(Record.newRecord(Name.fromString("big.example.com."), Type.TXT, DClass.IN)));
        assertThat(retried.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(retried.getSection(Section.ANSWER)).hasSize(3);
        assertThat(server.tcpQueries()).isGreaterThan(tcpBefore);
    }

    @Test
    void truncateRuleForcesTcp() throws IOException {
        server.truncate("mail.example.com");
        long tcpBefore = server.tcpQueries();
        Message m = ask("mail.example.com.", Type.A, false);
        assertThat(m.getSection(Section.ANSWER)).hasSize(1);
        assertThat(server.tcpQueries()).isEqualTo(tcpBefore + 1);
    }

    @Test
    void zoneFilesSeveralOriginsAndAddingZonesWhileRunning(@TempDir Path dir) throws IOException {
        Path a = Files.writeString(dir.resolve("a.zone"), "$ORIGIN a.test.\n$TTL 10\n@ IN A 192.0.2.1\n");
        Path b = Files.writeString(dir.resolve("b.zone"), "$ORIGIN b.test.\n@ 20 IN A 192.0.2.2\n"
                + "$ORIGIN c.test.\nx IN TXT \"c\"\n");
        try (LoopbackDnsServer s = LoopbackDnsServer.builder().zoneFiles(List.of(a, b)).ipv6(true).start()) {
            SimpleResolver r = new SimpleResolver(s.socketAddress());
            r.setTimeout(Duration.ofSeconds(3));
            assertThat(r.send(query("a.test.", Type.A)).getSection(Section.ANSWER)).hasSize(1);
            assertThat(r.send(query("b.test.", Type.A)).getSection(Section.ANSWER).get(0).getTTL()).isEqualTo(20);
            assertThat(r.send(query("x.c.test.", Type.TXT)).getSection(Section.ANSWER)).hasSize(1);
            assertThat(r.send(query("new.test.", Type.A)).getRcode()).isEqualTo(Rcode.NXDOMAIN);
            s.addZone("new.test. 30 IN A 192.0.2.3");
            assertThat(r.send(query("new.test.", Type.A)).getSection(Section.ANSWER)).hasSize(1);
            if (s.ipv6Address().isPresent()) {
                SimpleResolver r6 = new SimpleResolver(new InetSocketAddress("::1", s.port()));
                r6.setTimeout(Duration.ofSeconds(3));
                assertThat(r6.send(query("a.test.", Type.A)).getSection(Section.ANSWER)).hasSize(1);
                assertThat(s.ipv6Address()).contains("[::1]:" + s.port());
            }
        }
    }

    @Test
    void badZoneTextIsAnIoExceptionNamingTheSource() {
        assertThatThrownBy(() -> LoopbackDnsServer.start("example.com. IN A not-an-address"))
                .isInstanceOf(IOException.class).hasMessageContaining("zone text #1");
    }

    @Test
    void garbageQueriesGetFormerrOrNothing() {
        assertThat(server.respond(new byte[] {1, 2, 3}, true)).isNull();
        byte[] header = new byte[12];
        header[0] = 0x12;
        header[1] = 0x34;
        header[5] = 5; // QDCOUNT 5 but no questions follow
        byte[] reply = server.respond(header, true);
        assertThat(reply).isNotNull();
        assertThat(reply[3] & 0x0f).isEqualTo(Rcode.FORMERR);
        assertThat(reply[0]).isEqualTo((byte) 0x12);
    }

    static Message query(String name, int type) throws IOException {
        return Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
    }
}
