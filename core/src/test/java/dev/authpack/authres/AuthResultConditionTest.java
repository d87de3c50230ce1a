package dev.authpack.authres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class AuthResultConditionTest {

    private static boolean matches(String condition, String... fields) {
        AuthResultCondition c = AuthResultCondition.parse(condition);
        return c.matches(TrustedAuthResults.evaluate(List.of(fields), c.trust()));
    }

    private static void refused(String condition, String message) {
        assertThatThrownBy(() -> AuthResultCondition.parse(condition)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void parsesTestsAndTrustSettings() {
        AuthResultCondition c = AuthResultCondition.parse(
                " SPF = Fail , softfail ; dkim=pass;trusted-authserv=MX1.example.org, mx2.example.org;"
                        + " ignored-authserv=old.example.org ");
        assertThat(c.tests()).containsExactly(
                new AuthResultCondition.MethodTest("spf", java.util.Set.of("fail", "softfail")),
                new AuthResultCondition.MethodTest("dkim", java.util.Set.of("pass")));
        assertThat(c.trust().trusted()).containsExactlyInAnyOrder("mx1.example.org", "mx2.example.org");
        assertThat(c.trust().ignored()).containsExactly("old.example.org");
        assertThat(c.trust().ownId()).isEmpty();
        assertThat(c).hasToString("spf=fail,softfail; dkim=pass; trusted-authserv=mx1.example.org,mx2.example.org;"
                + " ignored-authserv=old.example.org");
    }

    @Test
    void matchingIsAndOverTestsAndOrOverWords() {
        String field = "mx1.example.org; dkim=pass header.d=example.com; spf=softfail smtp.mailfrom=example.com";
        assertThat(matches("dkim=pass; trusted-authserv=mx1.example.org", field)).isTrue();
        assertThat(matches("spf=fail,softfail; trusted-authserv=mx1.example.org", field)).isTrue();
        assertThat(matches("spf=fail; trusted-authserv=mx1.example.org", field)).isFalse();
        assertThat(matches("dkim=pass; spf=softfail; trusted-authserv=mx1.example.org", field)).isTrue();
        assertThat(matches("dkim=pass; spf=pass; trusted-authserv=mx1.example.org", field)).isFalse();
        assertThat(matches("dmarc=missing; trusted-authserv=mx1.example.org", field)).isTrue();
        assertThat(matches("dmarc=fail,missing; trusted-authserv=mx1.example.org", field)).isTrue();
        assertThat(matches("dkim=missing; trusted-authserv=mx1.example.org", field)).isFalse();
        // not trusted: the results are missing
        assertThat(matches("dkim=pass", field)).isFalse();
        assertThat(matches("dkim=missing", field)).isTrue();
        assertThat(matches("dkim=missing; trusted-authserv=mx1.example.org; ignored-authserv=mx1.example.org",
                field)).isTrue();
    }

    @Test
    void trustedIdsTakeAScope() {
        AuthResultCondition c = AuthResultCondition.parse("dmarc=pass; trusted-authserv=Filter.example.net@10.1.0.0/16,"
                + " filter.example.net @ 2001:db8::/32, legacy.example.net, any.example.net@ANY");
        assertThat(c.trust().scopes().get("filter.example.net").networks()).extracting(Object::toString)
                .containsExactly("10.1.0.0/16", "2001:db8::/32");
        assertThat(c.bareTrustedIds()).containsExactly("legacy.example.net");
        assertThat(c.trustedFromAnywhere()).containsExactly("any.example.net");
        assertThat(c).hasToString("dmarc=pass; trusted-authserv=any.example.net@any,"
                + "filter.example.net@10.1.0.0/16,filter.example.net@2001:db8::/32,legacy.example.net");
        refused("dmarc=pass; trusted-authserv=filter.example.net@", "bad scope in trusted-authserv 'filter.example.net@'");
        refused("dmarc=pass; trusted-authserv=filter.example.net@mx.example.net", "neither 'any' nor an IP address");
        refused("dmarc=pass; trusted-authserv=filter.example.net@10.1.2.3/16", "host bits set");
        refused("dmarc=pass; trusted-authserv=@10.0.0.0/8", "not an authserv-id in trusted-authserv: ''");
        refused("dmarc=pass; ignored-authserv=a@10.0.0.0/8", "an ignored id takes no @scope");
    }

    @Test
    void experimentalMethodsTakeAnyKeyword() {
        assertThat(matches("x-tls=pass,great; trusted-authserv=a", "a; x-tls=great")).isTrue();
    }

    @Test
    void badConditionsAreRefusedWithAClearReason() {
        refused(null, "empty condition");
        refused("  ", "empty condition");
        refused("dkim=pass;", "empty clause");
        refused(";dkim=pass", "empty clause");
        refused("dkim", "'dkim' has no '='");
        refused("dkim=", "empty value in 'dkim='");
        refused("spf=fail,,softfail", "empty value in 'spf=fail,,softfail'");
        refused("dkmi=pass", "unknown method 'dkmi' (registered methods: arc, auth, bimi, dkim,");
        refused("x-=pass", "unknown method 'x-'");
        refused("d kim=pass", "not a method name: 'd kim'");
        refused("spf=sofftail", "'sofftail' is not a result of spf (results: fail, hardfail, neutral, none,"
                + " pass, permerror, policy, softfail, temperror, or missing)");
        refused("iprev=none", "'none' is not a result of iprev");
        refused("x-a=b c", "'b c' is not a result of x-a");
        refused("dkim=pass; dkim=fail", "method dkim tested twice");
        refused("trusted-authserv=a", "no method=result test");
        refused("dkim=pass; trusted-authserv=a; trusted-authserv=b", "trusted-authserv given twice");
        refused("dkim=pass; ignored-authserv=a; ignored-authserv=b", "ignored-authserv given twice");
        refused("dkim=pass; trusted-authserv=a b", "not an authserv-id in trusted-authserv: 'a b'");
        refused("dkim=pass; trusted-authserv=\"a\"", "not an authserv-id");
        refused("dkim=pass" + " ".repeat(5000), "condition longer than 4096 characters");
    }
}
