package dev.authpack.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AuthResultsFieldTest {
    @Test
    void parsesFoldedFieldWithCommentsQuotesAndReason() {
        AuthResultsField f = AuthResultsField.parse("mx.james.test;\t"
                + "spf=fail (sender not allowed) smtp.mailfrom=bob@spf-fail.example;\t"
                + "iprev=pass policy.iprev=127.0.0.1 (mail.spf-pass.example);\t"
                + "auth=pass reason=\"a; b \\\"c\\\"\" smtp.auth=alice@james.test");
        assertThat(f.authservId()).isEqualTo("mx.james.test");
        assertThat(f.result("spf")).hasValue("fail");
        assertThat(f.method("spf").orElseThrow().property("smtp.mailfrom")).hasValue("bob@spf-fail.example");
        assertThat(f.method("iprev").orElseThrow().property("policy.iprev")).hasValue("127.0.0.1");
        assertThat(f.method("auth").orElseThrow().reason()).hasValue("a; b \"c\"");
        assertThat(f.method("auth").orElseThrow().property("smtp.auth")).hasValue("alice@james.test");
        assertThat(f.results()).hasSize(3);
    }

    @Test
    void acceptsTheFieldNameAndNone() {
        AuthResultsField f = AuthResultsField.parse("Authentication-Results: example.org; none");
        assertThat(f.authservId()).isEqualTo("example.org");
        assertThat(f.results()).isEmpty();
        assertThat(f.result("spf")).isEmpty();
    }
}
