package dev.authpack.spf;

import dev.authpack.dns.IpLiterals;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Session 22 review, SPF from the sender's side (pinned, no change needed): address literals ask nothing, a redirect
 * loop ends at the limit of ten, an explanation is fetched for a {@code fail} only, a quoted local part with
 * {@code %} and {@code .} is expanded as written, and a PTR answer of a hundred names costs ten forward lookups.
 */
class ReviewS22SpfLimitsTest {
    private static final InetAddress CLIENT = IpLiterals.parse("192.0.2.1").orElseThrow();

    private static SpfResult get(java.util.concurrent.CompletableFuture<SpfResult> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    @Test
    void anAddressLiteralAsMailFromDomainOrHeloIsNoneAndAsksNothing() throws Exception {
        ScriptedDns dns = new ScriptedDns();
        SpfChecker checker = new SpfChecker(dns);
        for (String from : new String[] {"user@[192.0.2.1]", "user@[IPv6:2001:db8::1]", "user@192.0.2.1",
                "<user@[192.0.2.1]>"}) {
            assertThat(get(checker.checkMailFrom(CLIENT, from, "h.example")).status()).as(from)
                    .isEqualTo(SpfStatus.NONE);
        }
        // a null sender is postmaster@HELO: an address literal there is none as well
        assertThat(get(checker.checkMailFrom(CLIENT, "<>", "[192.0.2.1]")).status()).isEqualTo(SpfStatus.NONE);
        assertThat(get(checker.checkHelo(CLIENT, "[192.0.2.1]")).status()).isEqualTo(SpfStatus.NONE);
        assertThat(dns.queries).isEmpty();
    }

    @Test
    void aRedirectLoopEndsAtTheLimit() throws Exception {
        ScriptedDns dns = new ScriptedDns().txt("self.example", "v=spf1 redirect=%{d}")
                .txt("ping.example", "v=spf1 redirect=pong.example")
                .txt("pong.example", "v=spf1 redirect=ping.example");
        SpfChecker checker = new SpfChecker(dns);
        for (String domain : new String[] {"self.example", "ping.example"}) {
            dns.queries.clear();
            SpfResult v = get(checker.checkMailFrom(CLIENT, "x@" + domain, "h.example"));
            assertThat(v.status()).as(domain).isEqualTo(SpfStatus.PERMERROR);
            assertThat(v.reason()).contains("more than 10 DNS-querying terms");
            assertThat(dns.queries).hasSizeLessThanOrEqualTo(11);
        }
    }

    @Test
    void anExplanationIsFetchedForAFailOnly() throws Exception {
        String[] records = {"v=spf1 ~all exp=why.example", "v=spf1 ?all exp=why.example",
                "v=spf1 +all exp=why.example", "v=spf1 exp=why.example", "v=spf1 bogus -all exp=why.example",
                "v=spf1 include:gone.example -all exp=why.example"};
        for (String record : records) {
            ScriptedDns dns = new ScriptedDns().txt("sender.example", record).txt("why.example", "because");
            SpfResult v = get(new SpfChecker(dns).checkMailFrom(CLIENT, "x@sender.example", "h.example"));
            assertThat(v.status()).as(record).isNotEqualTo(SpfStatus.FAIL);
            assertThat(v.explanation()).as(record).isNull();
            assertThat(dns.queries).as(record).doesNotContain("TXT why.example");
        }
        ScriptedDns dns = new ScriptedDns().txt("sender.example", "v=spf1 -all exp=why.example")
                .txt("why.example", "because");
        assertThat(get(new SpfChecker(dns).checkMailFrom(CLIENT, "x@sender.example", "h.example")).explanation())
                .isEqualTo("because");
    }

    @Test
    void aQuotedLocalPartWithPercentAndDotsIsExpandedAsWritten() throws Exception {
        ScriptedDns dns = new ScriptedDns()
                .txt("sender.example", "v=spf1 exists:%{l}.u.%{d} exists:%{l1r}.r.%{d} -all");
        SpfResult v = get(new SpfChecker(dns).checkMailFrom(CLIENT, "\"a.b%c\"@sender.example", "h.example"));
        assertThat(v.status()).isEqualTo(SpfStatus.FAIL);
        assertThat(dns.queries).contains("A \"a.b%c\".u.sender.example", "A \"a.r.sender.example");
    }

    @Test
    void aPtrAnswerOfAHundredNamesCostsTenForwardLookups() throws Exception {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            names.add("h" + i + ".sender.example");
        }
        ScriptedDns dns = new ScriptedDns().txt("sender.example", "v=spf1 ptr -all")
                .ptr("192.0.2.1", names.toArray(String[]::new)).a("h99.sender.example", "192.0.2.1");
        SpfResult v = get(new SpfChecker(dns).checkMailFrom(CLIENT, "x@sender.example", "h.example"));
        assertThat(v.status()).isEqualTo(SpfStatus.FAIL);
        assertThat(dns.queries.stream().filter(q -> q.startsWith("A "))).hasSize(SpfOptions.DEFAULT_MAX_PTR_NAMES);
    }
}
