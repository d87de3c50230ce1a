package dev.authpack.authres;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AuthResultsFieldsTest {
    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void findsFieldsTopToBottomWithFoldingKept() {
        String message = "Received: from x\r\n\tby y\r\n"
                + "Authentication-Results: mx1.example.org;\r\n\tdkim=pass header.d=example.com\r\n"
                + "authentication-results : mx2.example.org; none\r\n"
                + "X-Authentication-Results: not.this; none\r\n"
                + "Authentication-Results-Extra: nor.this; none\r\n"
                + "Subject: hi\r\n\r\n"
                + "Authentication-Results: in.the.body; none\r\n";
        assertThat(AuthResultsFields.in(bytes(message))).containsExactly(
                "mx1.example.org;\r\n\tdkim=pass header.d=example.com", "mx2.example.org; none");
    }

    @Test
    void lfLineEndsAFieldAtTheEndAndNoBody() {
        assertThat(AuthResultsFields.in(bytes("Authentication-Results: a; none\nAuthentication-Results: b;\n spf=pass")))
                .containsExactly("a; none", "b;\n spf=pass");
        assertThat(AuthResultsFields.in(bytes(""))).isEmpty();
        assertThat(AuthResultsFields.in(bytes("Authentication-Results:"))).containsExactly("");
        assertThat(AuthResultsFields.in(bytes("Authentication-Results\r\n\r\n"))).isEmpty();
    }

    @Test
    void utf8AndInvalidBytes() {
        byte[] message = bytes("Authentication-Results: \"Bloß.de\"; none\r\nAuthentication-Results: x; none \u0000\r\n\r\n");
        assertThat(AuthResultsFields.in(message)).containsExactly("\"Bloß.de\"; none", "x; none \u0000");
        byte[] invalid = {'A', 'u', 't', 'h', 'e', 'n', 't', 'i', 'c', 'a', 't', 'i', 'o', 'n', '-', 'R', 'e', 's', 'u',
                'l', 't', 's', ':', ' ', (byte) 0xff, ';', ' ', 'n', 'o', 'n', 'e'};
        assertThat(AuthResultsFields.in(invalid)).containsExactly("\ufffd; none");
    }

    @Test
    void atMostMaxFields() {
        String message = "Authentication-Results: a; none\r\n".repeat(TrustedAuthResults.MAX_FIELDS + 5) + "\r\n";
        assertThat(AuthResultsFields.in(bytes(message))).hasSize(TrustedAuthResults.MAX_FIELDS);
    }
}
