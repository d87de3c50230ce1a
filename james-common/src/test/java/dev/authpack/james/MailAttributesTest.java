package dev.authpack.james;

import dev.authpack.authres.MethodResult;
import dev.authpack.authres.ResultProperty;
import dev.authpack.check.AuthCheckReport;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code authpack.results} attribute: one string, the field's body, read back as the results written. */
class MailAttributesTest {
    private static final AuthCheckReport NOTHING_CHECKED = new AuthCheckReport(Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty());

    private static MethodResult result(String method, String word, String reason, String... properties) {
        List<ResultProperty> list = new ArrayList<>();
        for (int i = 0; i < properties.length; i += 3) {
            list.add(new ResultProperty(properties[i], properties[i + 1], properties[i + 2]));
        }
        return new MethodResult(method, word, reason, list);
    }

    private static Mail stored(List<MethodResult> results) throws Exception {
        Mail mail = FakeMail.builder().name("m").build();
        MailAttributes.store(mail, "mx.example.org", NOTHING_CHECKED, results);
        return mail;
    }

    @Test
    void theResultsTextIsTheFieldBodyWithEveryFoldASpace() {
        for (String body : List.of("mx.example.org; none", "mx; spf=pass\r\n\tsmtp.mailfrom=a.example;\r\n\tdkim=pass",
                "a\r\n\t\r\n\tb", "\r\n\tleading and trailing\r\n\t", "lone\rcr and\r\nno tab", "\r", "")) {
            assertThat(MailAttributes.resultsText(body)).isEqualTo(body.replace("\r\n\t", " "));
        }
    }

    @Test
    void resultsAreStoredAsOneStringAndReadBackAsWritten() throws Exception {
        List<MethodResult> results = List.of(
                result("dkim", "pass", null, "header", "d", "example.com", "header", "i", "@example.com",
                        "header", "s", "s1", "header", "a", "rsa-sha256", "header", "b", "dGhpcyBp"),
                result("spf", "pass", "matched ip4:192.0.2.0/24", "smtp", "mailfrom", "bounces+x=y@example.com"),
                result("spf", "fail", "a \"quoted\" reason; with (parentheses) and \\ backslash",
                        "smtp", "helo", "evil;spf=pass(x)\"q\""),
                result("smtp", "none", null, "smtp", "mailfrom", "\"x; spf=pass (y)\"@spf-fail.example"),
                result("dmarc", "pass", "non-ASCII: Grüße, 日本", "header", "from", "example.com",
                        "policy", "dmarc", "reject"),
                result("arc", "none", null),
                result("spf", "softfail", null, "smtp", "mailfrom", "jösé@bücher.example", "smtp", "helo", "名前.example"),
                result("auth", "pass", null, "smtp", "auth", "user name with spaces"),
                result("iprev", "pass", "reverse and forward agree", "policy", "iprev", "192.0.2.1"));
        Mail mail = stored(results);

        Object value = mail.getAttribute(MailAttributes.RESULTS).orElseThrow().getValue().value();
        assertThat(value).isInstanceOf(String.class);
        assertThat((String) value).startsWith("mx.example.org; dkim=pass header.d=example.com")
                .doesNotContain("\r").doesNotContain("\n").doesNotContain("\t");
        assertThat(MailAttributes.results(mail)).contains(results);
    }

    @Test
    void whatTheFieldCannotCarryIsStoredAsTheFieldHasIt() throws Exception {
        String longReason = "r".repeat(400);
        Mail mail = stored(List.of(result("spf", "fail", "line\r\nbreak\u0000", "smtp", "helo", "x" + longReason)));
        MethodResult read = MailAttributes.results(mail).orElseThrow().get(0);
        assertThat(read.reason()).isEqualTo("line  break ");
        assertThat(read.properties().get(0).value()).hasSize(256).endsWith("...");
    }

    /**
     * The string is the field, and the field has a size bound. With every value the sender controls at the
     * longest the field carries (ten DKIM signatures and the count of the rest, 253-character names, reasons of
     * 256 characters) every resinfo still fits; with values that double when quoted they do not, and then the
     * list form is stored, so that no resinfo (DMARC's least of all) is missing from what our matchers read.
     */
    @Test
    void theLongestResultsACheckWritesAreAllStored() throws Exception {
        String name = ("a".repeat(61) + ".").repeat(4) + "examp";
        assertThat(MailAttributes.results(stored(longest(name, "r".repeat(256))))).contains(longest(name,
                "r".repeat(256)));
        assertThat(stored(longest(name, "r".repeat(256))).getAttribute(MailAttributes.RESULTS).orElseThrow()
                .getValue().value()).isInstanceOf(String.class);

        List<MethodResult> quoted = longest(name, "\"".repeat(256));
        Mail mail = stored(quoted);
        assertThat(MailAttributes.results(mail)).contains(quoted);
        assertThat(mail.getAttribute(MailAttributes.RESULTS).orElseThrow().getValue().value())
                .isInstanceOf(java.util.Collection.class);
    }

    private static List<MethodResult> longest(String name, String reason) {
        List<MethodResult> results = new ArrayList<>();
        for (int i = 0; i < AuthCheckReport.MAX_DKIM_RESULTS; i++) {
            results.add(result("dkim", "fail", reason, "header", "d", name, "header", "i", "@" + name,
                    "header", "s", name, "header", "a", "rsa-sha256", "header", "b", "abcdefgh"));
        }
        results.add(result("dkim", "policy", reason));
        results.add(result("spf", "fail", reason, "smtp", "mailfrom", "l".repeat(2) + "@" + name));
        results.add(result("spf", "fail", reason, "smtp", "helo", name));
        results.add(result("auth", "none", reason, "smtp", "auth", "u".repeat(256)));
        results.add(result("dmarc", "fail", reason, "header", "from", name, "policy", "dmarc", "reject"));
        results.add(result("arc", "fail", reason));
        results.add(result("iprev", "fail", reason, "policy", "iprev", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"));
        return results;
    }

    @Test
    void noResultsIsTheNoneForm() throws Exception {
        Mail mail = stored(List.of());
        assertThat(mail.getAttribute(MailAttributes.RESULTS).orElseThrow().getValue().value())
                .isEqualTo("mx.example.org; none");
        assertThat(MailAttributes.results(mail)).contains(List.of());
    }

    /** Review s22: all the results or none; a text that is no field body is refused, not read as no results. */
    @Test
    void aStringThatIsNoFieldBodyIsRefused() throws Exception {
        Mail mail = FakeMail.builder().name("m")
                .attribute(new Attribute(MailAttributes.RESULTS, AttributeValue.of("dkim=pass")))
                .attribute(new Attribute(MailAttributes.AUTHSERV_ID, AttributeValue.of("mx.example.org"))).build();
        assertThatThrownBy(() -> MailAttributes.results(mail)).isInstanceOf(MailAttributes.UnreadableResults.class)
                .hasMessage("authpack.results is a text that does not parse as a field body");
        assertThat(MailAttributes.resultsUnreadable(mail)).contains(
                "authpack.results is a text that does not parse as a field body");
        assertThat(MailAttributes.results(FakeMail.builder().name("none").build())).isEmpty();
        assertThat(MailAttributes.resultsUnreadable(FakeMail.builder().name("none").build())).isEmpty();
    }

    @Test
    void theListOfMapsOfEarlierReleasesIsStillRead() throws Exception {
        AttributeValue<?> resinfo = AttributeValue.of(Map.<String, AttributeValue<?>>of(
                "method", AttributeValue.of("dkim"), "result", AttributeValue.of("pass"),
                "properties", AttributeValue.of(Map.<String, AttributeValue<?>>of("header.d",
                        AttributeValue.of("example.com")))));
        Mail mail = FakeMail.builder().name("m").attribute(new Attribute(MailAttributes.RESULTS,
                AttributeValue.of(List.<AttributeValue<?>>of(resinfo))))
                .attribute(new Attribute(MailAttributes.AUTHSERV_ID, AttributeValue.of("mx.example.org"))).build();
        assertThat(MailAttributes.results(mail))
                .contains(List.of(result("dkim", "pass", null, "header", "d", "example.com")));
        // without the authserv-id they were made under, they are not as stored (review s22)
        mail.removeAttribute(MailAttributes.AUTHSERV_ID);
        assertThatThrownBy(() -> MailAttributes.results(mail)).isInstanceOf(MailAttributes.UnreadableResults.class)
                .hasMessage("authpack.results is set but authpack.authserv-id is not");
    }

    /** Review s22: more entries than any check writes are refused, not read up to the bound (the rest unread). */
    @Test
    void aListOfMoreEntriesThanAnyCheckWritesIsRefused() throws Exception {
        AttributeValue<?> resinfo = AttributeValue.of(Map.<String, AttributeValue<?>>of(
                "method", AttributeValue.of("dkim"), "result", AttributeValue.of("pass")));
        List<AttributeValue<?>> list = new ArrayList<>(java.util.Collections.nCopies(MailAttributes.MAX_RESULTS,
                resinfo));
        Mail mail = FakeMail.builder().name("m").attribute(new Attribute(MailAttributes.RESULTS,
                AttributeValue.of(list)))
                .attribute(new Attribute(MailAttributes.AUTHSERV_ID, AttributeValue.of("mx.example.org"))).build();
        assertThat(MailAttributes.results(mail).orElseThrow()).hasSize(MailAttributes.MAX_RESULTS);
        list.add(resinfo);
        mail.setAttribute(new Attribute(MailAttributes.RESULTS, AttributeValue.of(list)));
        assertThat(MailAttributes.resultsUnreadable(mail)).contains("authpack.results has more than 100 entries");
    }

    @Test
    void aTemperrorOfOurOwnDnsOverloadSaysSoAndAPlainOneDoesNot() throws Exception {
        dev.authpack.dmarc.DmarcResult plain = dev.authpack.dmarc.DmarcResult.temperror("DNS TEMP_FAILURE",
                dev.authpack.dmarc.DmarcOptions.DEFAULT);
        dev.authpack.spf.SpfResult spfPlain = new dev.authpack.spf.SpfResult(dev.authpack.spf.SpfStatus.TEMPERROR,
                dev.authpack.spf.SpfIdentity.MAILFROM, "victim.example", null, null, 1, 0, "temp failure");
        dev.authpack.spf.SpfResult spfOverload = new dev.authpack.spf.SpfResult(
                dev.authpack.spf.SpfStatus.TEMPERROR, dev.authpack.spf.SpfIdentity.MAILFROM, "victim.example", null,
                null, 1, 0, "not sent, this server's DNS resolver is overloaded", true);
        for (boolean overload : List.of(true, false)) {
            // review of session 16, finding 2: a DKIM key and an ARC key not sent say so as well
            dev.authpack.dkim.DkimResult dkim = new dev.authpack.dkim.DkimResult(
                    dev.authpack.dkim.DkimStatus.TEMPERROR, "key unavailable", "victim.example", "@victim.example",
                    "sel", "rsa-sha256", "abcdefgh", false, 0, overload);
            dev.authpack.arc.ArcResult arc = new dev.authpack.arc.ArcResult(dev.authpack.arc.ArcStatus.FAIL,
                    "key unavailable", -1, List.of(), 1, false, overload);
            AuthCheckReport report = new AuthCheckReport(
                    Optional.of(new dev.authpack.dkim.DkimReport(List.of(dkim), null, 1)),
                    Optional.of(overload ? spfOverload : spfPlain), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.of(plain.withLocalOverload(overload)), Optional.of(arc),
                    Optional.empty());
            Mail mail = FakeMail.builder().name("m").build();
            MailAttributes.store(mail, "mx.example.org", report, report.methodResults());
            List<?> signatures = (List<?>) mail.getAttribute(MailAttributes.DKIM).orElseThrow().getValue().value();
            for (var name : List.of(MailAttributes.DMARC, MailAttributes.SPF, MailAttributes.DKIM,
                    MailAttributes.ARC)) {
                Object value = name.equals(MailAttributes.DKIM) ? ((AttributeValue<?>) signatures.get(0)).value()
                        : mail.getAttribute(name).orElseThrow().getValue().value();
                Map<?, ?> map = (Map<?, ?>) value;
                assertThat(map.get("result")).as(name.asString()).isIn(AttributeValue.of("temperror"),
                        AttributeValue.of("fail"));
                assertThat(map.containsKey("local_overload")).as(name.asString()).isEqualTo(overload);
                if (overload) {
                    assertThat(map.get("local_overload")).isEqualTo(AttributeValue.of(true));
                }
            }
        }
    }
}
