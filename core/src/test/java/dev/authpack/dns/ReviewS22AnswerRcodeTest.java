package dev.authpack.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Session 22 review, what an answer's header does through the production resolver (pinned, no change needed): every
 * RCODE but NOERROR and NXDOMAIN is a temporary failure, with or without a question section, never a verdict and
 * never records; a question echoed in another case is the same question (RFC 4343); an answer to the question in
 * another class is not an answer.
 */
class ReviewS22AnswerRcodeTest {
    private final DnsTransportTest servers = new DnsTransportTest();

    @AfterEach
    void close() throws Exception {
        servers.close();
    }

    private static Message reply(Message q, int rcode, boolean withQuestion, Name asked, int dclass)
            throws IOException {
        Message m = new Message(q.getHeader().getID());
        m.getHeader().setFlag(Flags.QR);
        m.getHeader().setRcode(rcode);
        if (withQuestion) {
            m.addRecord(Record.newRecord(asked, Type.A, dclass), Section.QUESTION);
            if (rcode == Rcode.NOERROR) {
                m.addRecord(new ARecord(asked, DClass.IN, 60, InetAddress.getByName("192.0.2.66")), Section.ANSWER);
            }
        }
        return m;
    }

    private DnsjavaResolver resolverAnswering(int rcode, boolean withQuestion, Name echoed, int dclass)
            throws IOException {
        DatagramSocket server = servers.udpServer((p, s) -> {
            try {
                Message q = DnsTransportTest.parse(p);
                DnsTransportTest.send(s, p, reply(q, rcode, withQuestion,
                        echoed != null ? echoed : q.getQuestion().getName(), dclass));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        InetAddress loopback = InetAddress.getLoopbackAddress();
        return new DnsjavaResolver(List.of(loopback.getHostAddress() + ":" + server.getLocalPort()),
                Duration.ofMillis(1_500));
    }

    @Test
    void everyRcodeButNoerrorAndNxdomainIsATemporaryFailure() throws Exception {
        for (int rcode : new int[] {Rcode.FORMERR, Rcode.SERVFAIL, Rcode.NOTIMP, Rcode.REFUSED, Rcode.YXDOMAIN,
                Rcode.NOTAUTH}) {
            for (boolean withQuestion : new boolean[] {true, false}) {
                DnsLookup<InetAddress> lookup = resolverAnswering(rcode, withQuestion, null, DClass.IN)
                        .a("host.example.com").join();
                assertThat(lookup.outcome()).as(Rcode.string(rcode) + (withQuestion ? "" : " without question"))
                        .isEqualTo(DnsOutcome.TEMP_FAILURE);
                assertThat(lookup.records()).isEmpty();
                assertThat(lookup.detail()).contains(Rcode.string(rcode));
            }
        }
    }

    @Test
    void aQuestionEchoedInAnotherCaseIsTheSameQuestion() throws Exception {
        DnsLookup<InetAddress> lookup = resolverAnswering(Rcode.NOERROR, true,
                Name.fromString("HoSt.ExAmPlE.cOm."), DClass.IN).a("host.example.com").join();
        assertThat(lookup.outcome()).isEqualTo(DnsOutcome.RECORDS);
        assertThat(lookup.records()).containsExactly(InetAddress.getByName("192.0.2.66"));
    }

    @Test
    void anAnswerWithoutAQuestionOrToTheQuestionInAnotherClassIsNoAnswer() throws Exception {
        for (int dclass : new int[] {DClass.CH, DClass.ANY}) {
            DnsLookup<InetAddress> lookup = resolverAnswering(Rcode.NOERROR, true, null, dclass)
                    .a("host.example.com").join();
            assertThat(lookup.outcome()).as(DClass.string(dclass)).isEqualTo(DnsOutcome.TIMEOUT);
        }
        DnsLookup<InetAddress> noQuestion = resolverAnswering(Rcode.NOERROR, false, null, DClass.IN)
                .a("host.example.com").join();
        assertThat(noQuestion.outcome()).isEqualTo(DnsOutcome.TIMEOUT);
    }
}
