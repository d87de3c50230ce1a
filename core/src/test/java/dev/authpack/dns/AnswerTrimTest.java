package dev.authpack.dns;

import dev.authpack.testkit.dns.LoopbackDnsServer;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Session 21: a 64 KiB MX or PTR answer (some 2,800 records) was parsed whole by dnsjava, mapped whole into our
 * name list and cached whole: 1-2 MB of heap per answer while its check ran. Now such an answer is cut on the wire
 * to its first {@link AnswerTrim#MAX_NAME_RECORDS} records (what SPF and iprev can use) before it is parsed: the
 * records counted here are all that is ever made of it.
 */
class AnswerTrimTest {
    private static final Name QNAME = Name.fromConstantString("big.example.");

    private static Message answer(int type, int count) throws Exception {
        Record question = Record.newRecord(QNAME, type, DClass.IN);
        Message m = Message.newQuery(question);
        m.getHeader().setID(4242);
        m.getHeader().setFlag(Flags.QR);
        for (int i = 0; i < count; i++) {
            Name target = Name.fromString("h" + i, QNAME);
            m.addRecord(type == Type.MX ? new MXRecord(QNAME, DClass.IN, 300, i, target)
                    : type == Type.PTR ? new PTRRecord(QNAME, DClass.IN, 300, target)
                    : new ARecord(QNAME, DClass.IN, 300, InetAddress.getByAddress(new byte[] {10, 0, (byte) (i >> 8),
                    (byte) i})), Section.ANSWER);
        }
        m.addRecord(new SOARecord(QNAME, DClass.IN, 300, QNAME, QNAME, 1, 1, 1, 1, 60), Section.AUTHORITY);
        return m;
    }

    @Test
    void a64KiBMxOrPtrAnswerIsParsedNoFurtherThanWhatTheChecksUse() throws Exception {
        for (int type : new int[] {Type.MX, Type.PTR}) {
            Message big = answer(type, 2_700);
            byte[] wire = big.toWire();
            assertThat(wire.length).as("a TCP answer").isBetween(50_000, 65_535);
            Message read = DnsTransport.matching(4242, big.getQuestion(), ByteBuffer.wrap(wire));
            assertThat(read).isNotNull();
            List<Record> records = read.getSection(Section.ANSWER);
            assertThat(records).as(Type.string(type)).hasSize(AnswerTrim.MAX_NAME_RECORDS);
            // the first ones, in the server's order, whole
            assertThat(records).isEqualTo(big.getSection(Section.ANSWER).subList(0, AnswerTrim.MAX_NAME_RECORDS));
            assertThat(read.getSection(Section.AUTHORITY)).isEmpty();
        }
    }

    @Test
    void smallAnswersAndOtherTypesAreUntouched() throws Exception {
        Message mx = answer(Type.MX, AnswerTrim.MAX_NAME_RECORDS);
        byte[] wire = mx.toWire();
        assertThat(AnswerTrim.trim(wire, Type.MX)).isSameAs(wire);
        Message a = answer(Type.A, 500);
        byte[] aWire = a.toWire();
        assertThat(AnswerTrim.trim(aWire, Type.A)).isSameAs(aWire);
        assertThat(DnsTransport.matching(4242, a.getQuestion(), ByteBuffer.wrap(aWire)).getSection(Section.ANSWER))
                .hasSize(500);
        // a message the walk cannot read is left to dnsjava
        byte[] cut = java.util.Arrays.copyOf(answer(Type.MX, 300).toWire(), 200);
        assertThat(AnswerTrim.trim(cut, Type.MX)).isSameAs(cut);
    }

    /** No SPF or iprev name limit can ask for more names than an answer keeps. */
    @Test
    void noNameLimitReachesTheCut() {
        int over = AnswerTrim.MAX_NAME_RECORDS;
        assertThat(dev.authpack.spf.SpfOptions.defaults().withLimits(10, 2, over - 1, over - 1).maxMxNames())
                .isEqualTo(over - 1);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> dev.authpack.spf.SpfOptions.defaults().withLimits(10, 2, over, 10))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> dev.authpack.spf.SpfOptions.defaults().withLimits(10, 2, 10, over))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> new dev.authpack.iprev.IprevChecker(new ZoneFileResolver(""), over))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Over the network (UDP truncated, then TCP): the lookup (and so what the cache keeps) holds 101 names. */
    @Test
    void theLookupHoldsNoMoreThanTheCut() throws Exception {
        StringBuilder zone = new StringBuilder("$ORIGIN example.\n$TTL 300\n");
        for (int i = 0; i < 2_700; i++) {
            zone.append("big IN MX ").append(i).append(" h").append(i).append(".big\n");
        }
        try (LoopbackDnsServer server = LoopbackDnsServer.start(zone.toString())) {
            DnsjavaResolver resolver = new DnsjavaResolver(List.of(server.address()), Duration.ofSeconds(5));
            DnsLookup<MxHost> lookup = resolver.mx("big.example").join();
            assertThat(lookup.outcome()).isEqualTo(DnsOutcome.RECORDS);
            assertThat(lookup.records()).hasSize(AnswerTrim.MAX_NAME_RECORDS);
            assertThat(lookup.records().get(0)).isEqualTo(new MxHost(0, "h0.big.example"));
        }
    }
}
