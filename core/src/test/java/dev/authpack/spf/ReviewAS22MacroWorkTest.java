package dev.authpack.spf;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review s22, reviewA (attacker: the sender, who also owns the SPF record of its MAIL FROM domain). The s22 fix
 * builds a target name from its end and stops at 1,024 characters, an explanation from its start: the output is
 * bounded, the work is not. A macro with a transformer ({@code %{l1}}: split the local part at its dots, keep the
 * last part) is split again for each of its thousands of occurrences, and when the part kept is empty (a local part
 * ending in a dot) nothing is appended, so the 1,024 characters are never reached: 12,000 splits of a 4,000-character
 * local part of 2,000 labels, some 24 million substrings and over a gigabyte of heap for one term, twice (the term
 * and its prefetch), in one message's check, where {@link ReviewS22MacroTest} allows 32 MB for the untransformed
 * {@code %{s}}. The pieces of one expansion all have the same values: a repeated macro need be transformed once.
 */
class ReviewAS22MacroWorkTest {
    private static final String DOMAIN = "attacker.example";
    /** 2,000 labels of one letter, ending in a dot: {@code %{l1}} is the empty string. */
    private static final String LOCAL = "a.".repeat(2_000);
    private static final long MAX_ALLOCATED = 32L << 20;

    @Test
    void aTransformedMacroRepeatedThousandsOfTimesIsNotSplitThousandsOfTimes() throws Exception {
        String record = "v=spf1 exists:" + "%{l1}".repeat(12_000) + "end.example -all";
        ScriptedDns dns = new ScriptedDns().txt(DOMAIN, record);
        SpfChecker checker = new SpfChecker(dns, SpfOptions.defaults().withPrefetch(false));
        long before = allocated();
        SpfResult result = checker.checkMailFrom(InetAddress.getByName("192.0.2.1"), LOCAL + "@" + DOMAIN,
                "h.example").get(60, TimeUnit.SECONDS);
        long bytes = allocated() - before;
        assertThat(result.status()).isEqualTo(SpfStatus.FAIL);
        // the expansion is "end.example": every %{l1} is empty
        assertThat(dns.queries).contains("A end.example");
        assertThat(bytes).as("bytes allocated by one check").isLessThan(MAX_ALLOCATED);
    }

    @Test
    void anExplanationOfATransformedMacroRepeatedThousandsOfTimesIsNotSplitThousandsOfTimes() throws Exception {
        ScriptedDns dns = new ScriptedDns().txt(DOMAIN, "v=spf1 -all exp=why.attacker.example")
                .txt("why.attacker.example", "%{l1}".repeat(12_000) + "no");
        long before = allocated();
        SpfResult result = new SpfChecker(dns).checkMailFrom(InetAddress.getByName("192.0.2.1"),
                LOCAL + "@" + DOMAIN, "h.example").get(60, TimeUnit.SECONDS);
        long bytes = allocated() - before;
        assertThat(result.status()).isEqualTo(SpfStatus.FAIL);
        assertThat(result.explanation()).isEqualTo("no");
        assertThat(bytes).as("bytes allocated by one check").isLessThan(MAX_ALLOCATED);
    }

    /**
     * The same with every macro written differently ({@code %{l1.--+,}}, {@code %{l1.--+/}}...: §7.1 allows any
     * sequence of delimiters, repeated ones too), so that remembering each distinct macro's value is not enough: the
     * delimiters are a set of seven, the value split at most once per letter and set.
     */
    @Test
    void distinctlyWrittenTransformedMacrosAreNotEachSplitAgain() throws Exception {
        String delimiters = ".-+,/_=";
        StringBuilder spec = new StringBuilder();
        for (int n = 0; n < 5_000; n++) {
            spec.append("%{l1.");
            for (int k = 0, v = n; k < 5; k++, v /= delimiters.length()) {
                spec.append(delimiters.charAt(v % delimiters.length()));
            }
            spec.append('}');
        }
        ScriptedDns dns = new ScriptedDns().txt(DOMAIN, "v=spf1 exists:" + spec + "end.example -all");
        SpfChecker checker = new SpfChecker(dns, SpfOptions.defaults().withPrefetch(false));
        long before = allocated();
        SpfResult result = checker.checkMailFrom(InetAddress.getByName("192.0.2.1"), LOCAL + "@" + DOMAIN,
                "h.example").get(60, TimeUnit.SECONDS);
        long bytes = allocated() - before;
        assertThat(result.status()).isEqualTo(SpfStatus.FAIL);
        assertThat(dns.queries).contains("A end.example");
        assertThat(bytes).as("bytes allocated by one check").isLessThan(MAX_ALLOCATED);
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }
}
