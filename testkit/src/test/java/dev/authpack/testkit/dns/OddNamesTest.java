package dev.authpack.testkit.dns;

import dev.authpack.zonefile.ZoneData;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** Names with spaces and other octets, given as plain text rather than master-file syntax, served as they are. */
class OddNamesTest {

    @Test
    void literalNamesKeepEveryOctet() {
        Name n = ZoneData.literalName("a b%\\(x).Example.com");
        assertThat(n.labels()).isEqualTo(4);
        assertThat(n.getLabel(0)).containsExactly(8, 'a', ' ', 'b', '%', '\\', '(', 'x', ')');
        assertThat(n.isAbsolute()).isTrue();
        assertThat(ZoneData.literalName("example.com.")).isEqualTo(ZoneData.literalName("EXAMPLE.com"));
        // non-ASCII text is its UTF-8 octets, as the engine's resolver asks for it
        assertThat(ZoneData.literalName("\u00ef.test").getLabel(0)).containsExactly(2, 0xc3, 0xaf);
        assertThat(ZoneData.literalName(".")).isEqualTo(Name.root);
        assertThatThrownBy(() -> ZoneData.literalName("a..test")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ZoneData.literalName("x".repeat(64) + ".test"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ZoneData.literalName(("x".repeat(60) + ".").repeat(5)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void recordsGivenAsObjectsAreServedForOddNames() throws IOException {
        Name spaced = ZoneData.literalName("a b.%-.example.com");
        List<Record> records = List.of(
                new TXTRecord(spaced, DClass.IN, 60, "spaced"),
                new ARecord(ZoneData.literalName("host.example.com"), DClass.IN, 60,
                        InetAddress.getByName("192.0.2.1")));
        try (LoopbackDnsServer server = LoopbackDnsServer.builder().records(records).start()) {
            SimpleResolver r = new SimpleResolver(new InetSocketAddress(InetAddress.getByName("127.0.0.1"),
                    server.port()));
            r.setTimeout(Duration.ofSeconds(3));
            Message m = r.send(Message.newQuery(Record.newRecord(ZoneData.literalName("A B.%-.example.com"),
                    Type.TXT, DClass.IN)));
            assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
            assertThat(((TXTRecord) m.getSection(Section.ANSWER).get(0)).getStrings()).containsExactly("spaced");
            Message a = r.send(Message.newQuery(Record.newRecord(Name.fromString("host.example.com."), Type.A,
                    DClass.IN)));
            assertThat(a.getSection(Section.ANSWER)).hasSize(1);
            Message nx = r.send(Message.newQuery(Record.newRecord(ZoneData.literalName("a\u0000b.example.com"),
                    Type.TXT, DClass.IN)));
            assertThat(nx.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        }
    }
}
