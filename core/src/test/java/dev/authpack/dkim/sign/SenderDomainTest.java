package dev.authpack.dkim.sign;

import dev.authpack.mail.RawMessage;
import org.junit.jupiter.api.Test;

import static dev.authpack.dkim.sign.SignTestKeys.bytes;
import static org.assertj.core.api.Assertions.assertThat;

class SenderDomainTest {

    private static SenderDomain of(String fromValue) {
        return SenderDomain.ofFromValue(fromValue);
    }

    private static SenderDomain ofMessage(String message) throws Exception {
        return SenderDomain.of(RawMessage.parse(bytes(message)));
    }

    @Test
    void plainAndAngleAddresses() {
        assertThat(of(" alice@Example.COM").domain()).isEqualTo("example.com");
        assertThat(of(" Alice Liddell <alice@mail.example.com.>").domain()).isEqualTo("mail.example.com");
        assertThat(of(" \"Liddell, Alice\" <alice@example.com>").domain()).isEqualTo("example.com");
    }

    @Test
    void commentsQuotedAtSignsAndFolding() {
        assertThat(of(" (team@other.example) alice@example.com (Alice)").domain()).isEqualTo("example.com");
        assertThat(of(" \"bob@evil.example\"@example.com").domain()).isEqualTo("example.com");
        assertThat(of(" \"x <y@evil.example>\" <alice@example.com>").domain()).isEqualTo("example.com");
        assertThat(of(" Alice\r\n <alice@\r\n example.com>").domain()).isEqualTo("example.com");
        assertThat(of(" alice@(nested (comment)) example.com").domain()).isEqualTo("example.com");
    }

    @Test
    void obsoleteRouteAndGroups() {
        assertThat(of(" <@relay.other.example,@x.other.example:alice@example.com>").domain())
                .isEqualTo("example.com");
        assertThat(of(" Team: alice@example.com, Bob <bob@example.com>;").domain()).isEqualTo("example.com");
    }

    @Test
    void severalMailboxesMustShareTheDomain() {
        assertThat(of(" alice@example.com, bob@EXAMPLE.com").domain()).isEqualTo("example.com");
        SenderDomain mixed = of(" alice@example.com, mallory@evil.example");
        assertThat(mixed.found()).isFalse();
        assertThat(mixed.problem()).contains("different domains").contains("evil.example");
    }

    @Test
    void internationalizedDomainBecomesALabels() throws Exception {
        assertThat(ofMessage("From: andré@bücher.example\r\n\r\nbody\r\n").domain())
                .isEqualTo("xn--bcher-kva.example");
    }

    @Test
    void whatIsNotADomain() throws Exception {
        assertThat(of(" alice@[192.0.2.1]").problem()).contains("address literal");
        assertThat(of(" alice").problem()).contains("no '@'");
        assertThat(of(" undisclosed-recipients:;").problem()).contains("no address");
        assertThat(of(" alice@-bad.example").problem()).contains("hyphen");
        assertThat(of(" <alice@example.com").problem()).contains("unterminated angle-addr");
        assertThat(of(" \"alice@example.com").problem()).contains("unterminated quoted string");
        assertThat(of(" alice@example.com (x").problem()).contains("unterminated comment");
        assertThat(ofMessage("To: bob@example.com\r\n\r\nbody\r\n").problem()).isEqualTo("no From field");
        assertThat(ofMessage("From: a@example.com\r\nFrom: b@example.com\r\n\r\nbody\r\n").problem())
                .isEqualTo("2 From fields");
    }
}
