package dev.authpack.mail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class MailboxAddressTest {

    @Test
    void plainMailboxIsCanonicalised() {
        MailboxAddress a = MailboxAddress.parse("<User.Name@Mail.EXAMPLE.com.>");
        assertThat(a.kind()).isEqualTo(MailboxAddress.Kind.MAILBOX);
        assertThat(a.localPart()).isEqualTo("User.Name");
        assertThat(a.domain()).isEqualTo("mail.example.com");
        assertThat(a.isRouted()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "<>", "  <>  "})
    void nullReversePath(String text) {
        assertThat(MailboxAddress.parse(text).kind()).isEqualTo(MailboxAddress.Kind.NULL);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "user%other@us.example|us.example|'%' in the local part",
            "other!user@us.example|us.example|'!' in the local part",
            "\"user@other\"@us.example|us.example|'@' in the local part",
            "user@other@us.example|us.example|'@' in the local part",
            "\"user%other\"@us.example|us.example|'%' in the local part",
            "\"us\\er@oth\\\"er\"@us.example|us.example|'@' in the local part",
            "@us.example:user@other.example|other.example|source route '@us.example:'",
            "<@a.example,@b.example:user@other.example>|other.example|source route '@a.example,@b.example:'",
    })
    void routingTricksAreFlagged(String text, String domain, String routing) {
        MailboxAddress a = MailboxAddress.parse(text);
        assertThat(a.kind()).isEqualTo(MailboxAddress.Kind.MAILBOX);
        assertThat(a.domain()).isEqualTo(domain);
        assertThat(a.routing()).contains(routing);
    }

    @Test
    void quotedLocalPartIsDecoded() {
        MailboxAddress a = MailboxAddress.parse("\"john smith\\\"x\"@example.com");
        assertThat(a.localPart()).isEqualTo("john smith\"x");
        assertThat(a.isRouted()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"user@[192.0.2.1]", "user@[IPv6:2001:db8::1]", "user@[ipv6:::1]"})
    void addressLiterals(String text) {
        MailboxAddress a = MailboxAddress.parse(text);
        assertThat(a.kind()).isEqualTo(MailboxAddress.Kind.ADDRESS_LITERAL);
        assertThat(a.isDeliverable()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"user", "@example.com", "user@", "user@example..com", "user@example.com..",
            "user@-bad.example", "us er@example.com", "user@exa mple.com", "<user@example.com",
            "user@example.com>", "\"unterminated@example.com", "\"q\"x@example.com", "user@[300.1.1.1]",
            "user@[IPv6:nothex]", "user@[2001:db8::1]", "@route-without-colon", "a\u0000b@example.com",
            "user@exa_mple.com\u0001", "(comment)user@example.com"})
    void invalid(String text) {
        MailboxAddress a = MailboxAddress.parse(text);
        assertThat(a.kind()).as(text).isEqualTo(MailboxAddress.Kind.INVALID);
        assertThat(a.detail()).isNotEmpty();
        assertThat(a.isDeliverable()).isFalse();
    }

    @Test
    void overlongInputIsInvalidNotSlow() {
        assertThat(MailboxAddress.parse("a".repeat(5000) + "@example.com").kind())
                .isEqualTo(MailboxAddress.Kind.INVALID);
        assertThat(MailboxAddress.parse(null).kind()).isEqualTo(MailboxAddress.Kind.INVALID);
    }

    @Test
    void internationalisedDomainBecomesALabel() {
        assertThat(MailboxAddress.parse("user@BÜCHER.example").domain()).isEqualTo("xn--bcher-kva.example");
    }
}
