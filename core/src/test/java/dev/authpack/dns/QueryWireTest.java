package dev.authpack.dns;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The query's octets: our ID, the EDNS OPT record, the caller's message untouched. */
class QueryWireTest {

    static final Name NAME = Name.fromConstantString("host.example.com.");

    @Test
    void aPlainQuestionGetsTheIdAndAnOptRecordAsDnsjavaWouldWriteThem() throws Exception {
        Message query = Message.newQuery(Record.newRecord(NAME, Type.TXT, DClass.IN));
        int callerId = query.getHeader().getID();

        byte[] wire = QueryWire.of(query, 0xBEEF, DnsTransport.EDNS_PAYLOAD);

        Message sent = new Message(wire);
        assertThat(sent.getHeader().getID()).isEqualTo(0xBEEF);
        assertThat(sent.getQuestion()).isEqualTo(query.getQuestion());
        assertThat(sent.getOPT()).isNotNull();
        assertThat(sent.getOPT().getPayloadSize()).isEqualTo(DnsTransport.EDNS_PAYLOAD);
        assertThat(sent.getOPT().getExtendedRcode()).isZero();
        assertThat(sent.getOPT().getVersion()).isZero();
        assertThat(sent.getSection(Section.ADDITIONAL)).hasSize(1);
        // the same octets dnsjava writes for a copy with the ID set and the OPT record added
        Message copy = query.clone();
        copy.getHeader().setID(0xBEEF);
        copy.addRecord(new OPTRecord(DnsTransport.EDNS_PAYLOAD, 0, 0), Section.ADDITIONAL);
        assertThat(wire).isEqualTo(copy.toWire());
        assertThat(query.getHeader().getID()).isEqualTo(callerId);
        assertThat(query.getOPT()).isNull();
    }

    @Test
    void aQueryWithItsOwnOptKeepsItAndGetsNoSecond() throws Exception {
        Message query = Message.newQuery(Record.newRecord(NAME, Type.A, DClass.IN));
        query.addRecord(new OPTRecord(4096, 0, 0), Section.ADDITIONAL);

        Message sent = new Message(QueryWire.of(query, 7, DnsTransport.EDNS_PAYLOAD));

        assertThat(sent.getHeader().getID()).isEqualTo(7);
        assertThat(sent.getSection(Section.ADDITIONAL)).hasSize(1);
        assertThat(sent.getOPT().getPayloadSize()).isEqualTo(4096);
    }

    @Test
    void idsUseAllSixteenBits() throws Exception {
        Message query = Message.newQuery(Record.newRecord(NAME, Type.A, DClass.IN));
        for (int id : new int[] {0, 1, 0x00FF, 0x0100, 0x8000, 0xFFFF}) {
            assertThat(new Message(QueryWire.of(query, id, DnsTransport.EDNS_PAYLOAD)).getHeader().getID())
                    .isEqualTo(id);
        }
    }
}
