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
}
