package dev.authpack.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FromFieldScanTest {
    private static FromFieldScan scan(String header) {
        return FromFieldScan.of(header.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsFromFieldsLikeTheStrictParserOnAWellFormedHeader() {
        FromFieldScan s = scan("From: Alice\r\n <a@example.com>\r\nfrom: b@example.net\r\nX: y\r\n\r\nFrom: body@x\r\n");
        assertThat(s.values()).containsExactly("Alice <a@example.com>", "b@example.net");
        assertThat(s.possibleContinuations()).isEmpty();
        assertThat(s.complete()).isTrue();
    }

    @Test
    void readsWhatClientsCouldShow() {
        FromFieldScan s = scan(" From: lead@x.example\r\nSubject: a\rFrom: cr@x.example\r\nFr om: odd@x.example\r\n"
                + "From: f@x.example\r\nno colon@y.example\r\n\r\n");
        assertThat(s.values()).containsExactly("lead@x.example", "cr@x.example", "odd@x.example", "f@x.example");
        assertThat(s.possibleContinuations()).containsExactly("no colon@y.example");
    }

    @Test
    void theHeaderEndsAtTheFirstEmptyLineAfterALineFeedOnly() {
        // CR CR LF: the strict parser reads on, so does the scan
        assertThat(scan("Subject: x\r\r\nFrom: a@x.example\r\n\r\n").values()).containsExactly("a@x.example");
        assertThat(scan("Subject: x\n\nFrom: a@x.example\n").values()).isEmpty();
        assertThat(scan("From: a@x.example").values()).containsExactly("a@x.example");
        // in a CRLF message a bare LF before CRLF does not end it for a CRLF-only reader: read on
        assertThat(scan("Subject: x\r\nX: y\n\r\nFrom: a@x.example\r\n\r\nFrom: body@x.example\r\n").values())
                .containsExactly("a@x.example");
        assertThat(scan("Subject: x\r\n\nFrom: a@x.example\r\n\r\n").values()).containsExactly("a@x.example");
    }

    /**
     * Review s17 (L2): a message holding a CRLF anywhere is read as a CRLF-only reader reads it, whatever its first
     * line ends with: its header section ends at CRLF CRLF, and its fields run on over a bare LF or a lone CR.
     */
    @Test
    void aCrlfOnlyReaderIsModelledWheneverTheMessageHoldsACrlf() {
        // the first line ends with a bare LF: the header section goes on past a "\n\r\n" (not past "\r\n\r\n")
        assertThat(scan("Subject: x\nX: y\n\r\nFrom: a@x.example\r\n\r\nFrom: body@x.example\r\n").values())
                .containsExactly("a@x.example");
        assertThat(scan("Subject: x\nX: y\n\nFrom: a@x.example\n\nbody\r\n").values()).containsExactly("a@x.example");
        // bare LFs only: one line to that reader, the LF readings alone
        assertThat(scan("Subject: x\nX: y\n\nFrom: a@x.example\n").values()).isEmpty();
        // a name folded over a bare LF or a lone CR, at the top or after a CRLF: a From field of that reading (the
        // first line ending with a bare LF is that reader's first field, Subject, up to the first CRLF)
        for (String first : new String[] {"\n", "\r\n"}) {
            FromFieldScan s = scan("Subject: x" + first + "X: y\r\nFrom\n: a@x.example\r\nFr\rom : b@y.example\r\n"
                    + "F\nrom\r\n : c@z.example\r\n\r\n");
            assertThat(s.values()).as(first).isEmpty();
            assertThat(s.possibleContinuations()).as(first).containsExactly("a@x.example", "b@y.example",
                    "c@z.example");
            assertThat(s.complete()).isTrue();
        }
        assertThat(scan("Fr\nom: a@x.example\r\n\r\n").possibleContinuations()).containsExactly("a@x.example");
        // a value run on over a bare LF, also read as a client dropping the LF shows it
        assertThat(scan("Subject: x\nX: y\r\nFrom: ceo@vic\ntim.example\r\n\r\n").possibleContinuations())
                .containsExactly("ceo@victim.example", "tim.example");
        // a field of that reading that is not From, or whose lines javax.mail reads the same: nothing more
        FromFieldScan notFrom = scan("Subject: x\r\nFromage\n: a@x.example\r\nFrom: b@y.example\r\n\r\n");
        assertThat(notFrom.values()).containsExactly("b@y.example");
        assertThat(notFrom.possibleContinuations()).isEmpty();
    }

    /**
     * Review s18: an LF-only reader (mime4j) reads a CR in a field name as white space, a client may drop it: a
     * field of that reading (at the top or after a LF) whose name holds a lone CR and is from without it is a From
     * field, whose value, line ends dropped, is a possible continuation; with or without a CR LF in the message.
     */
    @Test
    void anLfOnlyReaderOfALoneCrInANameIsModelled() {
        for (String crlf : new String[] {"", "Y: z\r\n\r"}) {
            FromFieldScan s = scan("Subject: x\nFrom\r: a@x.example\nFr\rom: b@y.example\nFrom \r\t: c@z.example\n"
                    + "F\r\rROM:d@w.example\n e@v.example\nFr\n om\r: f@u.example\n" + crlf + "\nFrom\r: body@x.example\n");
            // javax.mail's reading folds the name over a CR before SP or HTAB: its From field, read once
            assertThat(s.values()).as(crlf).containsExactly("c@z.example");
            // ("F", javax.mail's line without colon after that From field, is a possible continuation as before)
            assertThat(s.possibleContinuations()).as(crlf).containsExactly("a@x.example", "b@y.example",
                    "d@w.example e@v.example", "F", "f@u.example");
            assertThat(s.complete()).isTrue();
        }
        // at the top, and not after a lone CR (no line start of that reading)
        assertThat(scan("From\r: a@x.example\nX: y\rFrom\r: b@y.example\n\n").possibleContinuations())
                .containsExactly("a@x.example");
        // a name that is not from, a colon before the CR, a lone CR in a value only: nothing more
        FromFieldScan other = scan("Fromage\r: a@x.example\nFr\rom\rx: b@y.example\nFrom: c@z.\rexample\n\n");
        assertThat(other.values()).containsExactly("c@z.");
        assertThat(other.possibleContinuations()).containsExactly("c@z.example", "example");
        // the field read by the CRLF-only reading already (the same value after the same colon): kept once
        assertThat(scan("Subject: x\r\nFr\rom: b@y.example\r\n\r\n").possibleContinuations())
                .containsExactly("b@y.example");
    }

    @Test
    void boundsMakeTheScanIncomplete() {
        assertThat(FromFieldScan.of(("X: " + "y".repeat(100) + "\r\nFrom: a@x.example\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8), 50).complete()).isFalse();
        assertThat(scan("From: a@x.example\r\n".repeat(FromFieldScan.MAX_FROM_FIELDS)).complete()).isTrue();
        assertThat(scan("From: a@x.example\r\n".repeat(FromFieldScan.MAX_FROM_FIELDS + 1)).complete()).isFalse();
        assertThat(scan("From: " + "a".repeat(FromFieldScan.MAX_FROM_BYTES) + "\r\n\r\n").complete()).isFalse();
        assertThat(scan("X: " + "a".repeat(FromFieldScan.MAX_FROM_BYTES * 2) + "\r\nFrom: a@x.example\r\n\r\n")
                .complete()).isTrue();
    }

    /**
     * Review s18: a From field of any reading that runs on past {@link FromFieldScan#MAX_FROM_BYTES} octets after
     * its colon (line ends inside included, though they are not kept) makes the scan incomplete; one that ends
     * within them is read. The CRLF-only reading ({@code From\n:}: its value, up to the CR LF that ends it), the
     * LF-only reading of a name split by a lone CR ({@code Fr\rom:}) and javax.mail's own From field, folded
     * (its LF-only reading), both up to and with the LF that ends them.
     */
    @Test
    void aFromValueRunningPastTheValueWindowMakesTheScanIncomplete() {
        String crlfOnly = "x\n".repeat(FromFieldScan.MAX_FROM_BYTES / 2 - 1) + "xy";
        String folded = "\n y".repeat(FromFieldScan.MAX_FROM_BYTES / 3);
        assertThat(crlfOnly).hasSize(FromFieldScan.MAX_FROM_BYTES);
        assertThat(folded).hasSize(FromFieldScan.MAX_FROM_BYTES - 1);   // and the LF that ends the field
        for (String[] field : new String[][] {{"Subject: s\r\nFrom\n:", crlfOnly, "\r\n\r\n"},
                {"Subject: s\nFr\rom:", folded, "\n\n"}, {"Subject: s\nFrom:", folded, "\n\n"}}) {
            FromFieldScan within = scan(field[0] + field[1] + field[2]);
            assertThat(within.complete()).as(field[0]).isTrue();
            assertThat(within.values().stream().anyMatch(v -> v.endsWith("y"))
                    || within.possibleContinuations().stream().anyMatch(v -> v.endsWith("y"))).as(field[0]).isTrue();
            assertThat(scan(field[0] + field[1] + "z" + field[2]).complete()).as(field[0] + " one octet more")
                    .isFalse();
        }
    }
}
