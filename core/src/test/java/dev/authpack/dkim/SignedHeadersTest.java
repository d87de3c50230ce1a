package dev.authpack.dkim;

import dev.authpack.mail.RawMessage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The header data of RFC 6376 §5.4.2: instances from the bottom up, names in any case, names without instances. */
class SignedHeadersTest {
    private static final String MESSAGE = "Received: r1\r\nFrom: a@example.com\r\nTo: t1\r\nfrom: b@example.com\r\n"
            + "TO: t2\r\nSubject:  s \r\n\r\nbody\r\n";

    @Test
    void takesInstancesFromTheBottomUpWhateverTheCaseOfTheName() throws Exception {
        assertThat(data(List.of("from", "FROM", "From", "to", "subject", "x-absent", "To", "to")))
                .isEqualTo("from:b@example.com\r\nfrom:a@example.com\r\nto:t2\r\nsubject:s\r\nto:t1\r\nsig:x");
    }

    @Test
    void manyNamesCountRepeatsTheSameWay() throws Exception {
        // more names than the short scan handles: the counting moves to a map, with the same result
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            names.add("x-absent-" + i);
        }
        names.addAll(List.of("from", "FROM", "From", "to", "subject", "x-absent", "To", "to"));
        assertThat(data(names))
                .isEqualTo("from:b@example.com\r\nfrom:a@example.com\r\nto:t2\r\nsubject:s\r\nto:t1\r\nsig:x");
    }

    /** The one rule of DKIM and the ARC override (review s22): every instance of a single field h= names. */
    @Test
    void unsignedInstanceOfAFieldTheMessageHasOnce() throws Exception {
        RawMessage message = RawMessage.parse(MESSAGE.getBytes(StandardCharsets.US_ASCII));
        assertThat(SignedHeaders.unsignedInstance(message, List.of("from", "FROM", "to", "To", "subject")))
                .isEmpty();
        // names listed once sign the bottom-most instance only: the first field in the list of single fields wins
        assertThat(SignedHeaders.unsignedInstance(message, List.of("from", "to", "subject")))
                .contains(new SignedHeaders.UnsignedInstance("From", 1, 2));
        assertThat(SignedHeaders.unsignedInstance(message, List.of("from", "from", "TO", "subject")).orElseThrow()
                .reason()).isEqualTo("it does not sign every To field (h= signs 1 of the message's 2)");
        // a field h= does not name is the signer's choice (To, Subject), except From, which is always signed
        assertThat(SignedHeaders.unsignedInstance(message, List.of("from", "from"))).isEmpty();
        RawMessage one = RawMessage.parse("From: a@example.com\r\nSubject: s\r\n\r\n".getBytes(
                StandardCharsets.US_ASCII));
        assertThat(SignedHeaders.unsignedInstance(one, List.of("subject")))
                .contains(new SignedHeaders.UnsignedInstance("From", 0, 1));
        assertThat(SignedHeaders.unsignedInstance(one, List.of("from"))).isEmpty();
        // fields that may repeat are not counted (Received)
        assertThat(SignedHeaders.unsignedInstance(message, List.of("from", "from", "received"))).isEmpty();
    }

    private static String data(List<String> names) throws Exception {
        RawMessage message = RawMessage.parse(MESSAGE.getBytes(StandardCharsets.US_ASCII));
        byte[] signature = "Sig: x".getBytes(StandardCharsets.US_ASCII);
        return new String(SignedHeaders.data(message, names, Canonicalization.RELAXED, signature).toByteArray(),
                StandardCharsets.US_ASCII);
    }
}
