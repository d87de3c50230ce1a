package dev.authpack.dns;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Session 20 review, hostile answers (pinned, no change needed): records for another name or of another type are
 * not taken, a CNAME loop inside one answer and a chain continued over several queries both end at
 * {@link AnswerReader#MAX_CNAME_HOPS}, and an answer padded with thousands of unrelated records is read once.
 */
class ReviewS20AnswerReaderTest {
    private static Name name(String text) throws Exception {
        return Name.fromString(text);
    }

    @Test
    void recordsForAnotherNameOrTypeAreNotTheAnswer() throws Exception {
        Name asked = name("victim.example.");
        List<Record> answer = List.of(
                new TXTRecord(name("attacker.example."), DClass.IN, 300, "v=spf1 +all"),
                new ARecord(asked, DClass.IN, 300, InetAddress.getByName("192.0.2.1")));
        AnswerReader.Step step = AnswerReader.read(Rcode.NOERROR, answer, List.of(), asked, Type.TXT, 0, Long.MAX_VALUE);
        assertThat(step).isInstanceOf(AnswerReader.Done.class);
        assertThat(((AnswerReader.Done) step).outcome()).isEqualTo(DnsOutcome.NO_DATA);
    }

    @Test
    void aCnameLoopInOneAnswerIsATemporaryFailure() throws Exception {
        Name a = name("a.attacker.example.");
        Name b = name("b.attacker.example.");
        List<Record> answer = List.of(new CNAMERecord(a, DClass.IN, 300, b), new CNAMERecord(b, DClass.IN, 300, a));
        AnswerReader.Done done = (AnswerReader.Done) AnswerReader.read(Rcode.NOERROR, answer, List.of(), a, Type.TXT,
                0, Long.MAX_VALUE);
        assertThat(done.outcome()).isEqualTo(DnsOutcome.TEMP_FAILURE);
        assertThat(done.detail()).contains("CNAME chain");
    }

    @Test
    void aChainContinuedOverQueriesEndsAtTheSameBound() throws Exception {
        Name current = name("c0.attacker.example.");
        int hops = 0;
        long ttl = Long.MAX_VALUE;
        int queries = 0;
        while (true) {
            queries++;
            Name next = name("c" + queries + ".attacker.example.");
            AnswerReader.Step step = AnswerReader.read(Rcode.NOERROR,
                    List.of(new CNAMERecord(current, DClass.IN, 300, next)), List.of(), current, Type.A, hops, ttl);
            if (step instanceof AnswerReader.Done done) {
                assertThat(done.outcome()).isEqualTo(DnsOutcome.TEMP_FAILURE);
                break;
            }
            AnswerReader.Follow follow = (AnswerReader.Follow) step;
            current = follow.target();
            hops = follow.hopsUsed();
            ttl = follow.ttl();
        }
        assertThat(queries).isEqualTo(AnswerReader.MAX_CNAME_HOPS + 1);
    }

    @Test
    void thousandsOfUnrelatedRecordsAreSkipped() throws Exception {
        Name asked = name("victim.example.");
        List<Record> answer = new ArrayList<>();
        for (int i = 0; i < 4_000; i++) {
            answer.add(new ARecord(name("n" + i + ".attacker.example."), DClass.IN, 300,
                    InetAddress.getByName("192.0.2.1")));
        }
        answer.add(new TXTRecord(asked, DClass.IN, 60, "v=DMARC1; p=reject"));
        AnswerReader.Done done = (AnswerReader.Done) AnswerReader.read(Rcode.NOERROR, answer, List.of(), asked,
                Type.TXT, 0, Long.MAX_VALUE);
        assertThat(done.outcome()).isEqualTo(DnsOutcome.RECORDS);
        assertThat(done.records()).hasSize(1);
        assertThat(done.ttl()).isEqualTo(60);
    }
}
