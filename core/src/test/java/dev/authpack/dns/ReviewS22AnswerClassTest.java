package dev.authpack.dns;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Session 22 review, answer validation: every question is of class IN, and only records of class IN answer it. A
 * record of the asked name and type in another class (CHAOS, HESIOD, ANY: no data of the Internet's DNS) was taken as
 * the answer, and a CNAME of another class followed (Unbound's scrubber drops records not of the query's class).
 */
class ReviewS22AnswerClassTest {

    @Test
    void aRecordOfAnotherClassIsNotTheAnswer() throws Exception {
        Name asked = Name.fromString("victim.example.");
        for (int dclass : new int[] {DClass.CH, DClass.HS, DClass.ANY, DClass.NONE}) {
            List<Record> answer = List.of(new TXTRecord(asked, dclass, 300, "v=spf1 +all"));
            AnswerReader.Done done = (AnswerReader.Done) AnswerReader.read(Rcode.NOERROR, answer, List.of(), asked,
                    Type.TXT, 0, Long.MAX_VALUE);
            assertThat(done.outcome()).as(DClass.string(dclass)).isEqualTo(DnsOutcome.NO_DATA);
        }
    }

    @Test
    void aCnameOfAnotherClassIsNotFollowed() throws Exception {
        Name asked = Name.fromString("victim.example.");
        Name elsewhere = Name.fromString("attacker.example.");
        List<Record> answer = List.of(new CNAMERecord(asked, DClass.CH, 300, elsewhere),
                new TXTRecord(elsewhere, DClass.IN, 300, "v=spf1 +all"));
        AnswerReader.Step step = AnswerReader.read(Rcode.NOERROR, answer, List.of(), asked, Type.TXT, 0,
                Long.MAX_VALUE);
        assertThat(step).isEqualTo(new AnswerReader.Done(DnsOutcome.NO_DATA, List.of(),
                AnswerReader.DEFAULT_NEGATIVE_TTL, ""));
    }

    @Test
    void recordsOfClassInAreStillTheAnswer() throws Exception {
        Name asked = Name.fromString("victim.example.");
        Name target = Name.fromString("t.victim.example.");
        TXTRecord txt = new TXTRecord(target, DClass.IN, 60, "v=spf1 -all");
        List<Record> answer = List.of(new TXTRecord(asked, DClass.CH, 300, "v=spf1 +all"),
                new CNAMERecord(asked, DClass.IN, 300, target), txt);
        AnswerReader.Done done = (AnswerReader.Done) AnswerReader.read(Rcode.NOERROR, answer, List.of(), asked,
                Type.TXT, 0, Long.MAX_VALUE);
        assertThat(done.outcome()).isEqualTo(DnsOutcome.RECORDS);
        assertThat(done.records()).containsExactly(txt);
    }
}
