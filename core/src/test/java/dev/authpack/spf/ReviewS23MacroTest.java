package dev.authpack.spf;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Session 23: RFC 7208 §7.1 writes a macro's delimiters as {@code *delimiter}, so a list may repeat them
 * ({@code %{l-.-.}}). They must be accepted and mean the set, and the list looked up for every character of the
 * value must stay the seven delimiters: the attacker's record can write one macro with 60,000 of them (a TXT
 * record over TCP), each looked up for each of the thousands of characters of the sender's local part.
 */
class ReviewS23MacroTest {
    private static final MacroValues VALUES = new MacroValues("a-b.c+d@x.example", "a-b.c+d", "x.example",
            "x.example", address(), "h.example", "r.example", 1L, null);

    private static InetAddress address() {
        try {
            return InetAddress.getByName("192.0.2.1");
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static String expand(String macro) throws SpfSyntaxException {
        return MacroString.parse(macro, MacroString.Kind.EXPLANATION).expand(VALUES);
    }

    @Test
    void repeatedDelimitersAreAcceptedAndMeanTheSet() throws Exception {
        assertThat(expand("%{l-.-.}")).isEqualTo(expand("%{l-.}")).isEqualTo("a.b.c+d");
        assertThat(expand("%{l2r++--}")).isEqualTo(expand("%{l2r+-}")).isEqualTo("b.c.a");
        assertThat(expand("%{l-.+-.+}")).isEqualTo("a.b.c.d");
        assertThat(MacroString.parseDomainSpec("%{l1r-.-.-}.%{d}").expand(VALUES)).isEqualTo("a.x.example");
    }

    @Test
    void aLongDelimiterListIsKeptAsTheSetItWrites() throws Exception {
        MacroString parsed = MacroString.parse("%{l1" + ".-".repeat(30_000) + "+}x%{d}%{lr/=_,}",
                MacroString.Kind.EXPLANATION);
        assertThat(parsed.delimiterSets()).containsExactly(".-+", "", "/=_,");
        assertThat(parsed.expand(VALUES)).isEqualTo("dxx.examplea-b.c+d");
    }

    @Test
    void aRecordWithRepeatedDelimitersIsEvaluated() throws Exception {
        ScriptedDns dns = new ScriptedDns()
                .txt("attacker.example", "v=spf1 exists:%{l1r" + "-.".repeat(5_000) + "}.allowed.example -all")
                .a("a.allowed.example", "127.0.0.2");
        SpfResult result = new SpfChecker(dns, SpfOptions.defaults().withPrefetch(false)).checkMailFrom(
                InetAddress.getByName("192.0.2.1"), "a-b.c@attacker.example", "h.example").get(30, TimeUnit.SECONDS);
        assertThat(result.status()).as(result.toString()).isEqualTo(SpfStatus.PASS);
        assertThat(dns.queries).contains("A a.allowed.example");
    }
}
