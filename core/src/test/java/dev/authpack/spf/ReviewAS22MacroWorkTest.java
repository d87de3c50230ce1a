package dev.authpack.spf;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review s22, reviewA (attacker: the sender, who also owns the SPF record of its MAIL FROM domain). The s22 fix
 * builds a target name from its end and stops at 1,024 characters, an explanation from its start: the output is
 * bounded, the work is not. A macro with a transformer ({@code %{l1}}: split the local part at its dots, keep the
 * last part) is split again for each of its thousands of occurrences, and when the part kept is empty (a local part
 * ending in a dot) nothing is appended, so the 1,024 characters are never reached: 12,000 splits of a 4,000-character
 * local part of 2,000 labels, some 24 million substrings and over a gigabyte of heap for one term (and again for its
 * prefetch), in one message's check, where {@link ReviewS22MacroTest} allows 32 MB for the untransformed
 * {@code %{s}}. The pieces of one expansion all have the same values: a value need be split once per letter and
 * set of delimiters, or a transformer applied from the end of the value as far as it keeps.
 */
class ReviewAS22MacroWorkTest {
    private static final String DOMAIN = "attacker.example";
    /** 2,000 labels of one letter, ending in a dot: {@code %{l1}} is the empty string. */
    private static final String LOCAL = "a.".repeat(2_000);
    private static final long MAX_ALLOCATED = 32L << 20;

    /** Checks the sender {@code LOCAL@attacker.example} against {@code dns}; the bytes the check allocated. */
    private static long allocatedBy(ScriptedDns dns, SpfOptions options, String explanation) throws Exception {
        long before = ReviewS22MacroTest.allocated();
        SpfResult result = new SpfChecker(dns, options).checkMailFrom(InetAddress.getByName("192.0.2.1"),
                LOCAL + "@" + DOMAIN, "h.example").get(60, TimeUnit.SECONDS);
        long bytes = ReviewS22MacroTest.allocated() - before;
        assertThat(result.status()).isEqualTo(SpfStatus.FAIL);
        assertThat(result.explanation()).isEqualTo(explanation);
        return bytes;
    }

    /** A target of {@code spec} then "end.example", which is all of it when every macro of spec is empty. */
    private static void aTargetOf(String spec) throws Exception {
        ScriptedDns dns = new ScriptedDns().txt(DOMAIN, "v=spf1 exists:" + spec + "end.example -all");
        long bytes = allocatedBy(dns, SpfOptions.defaults().withPrefetch(false), null);
        assertThat(dns.queries).contains("A end.example");
        assertThat(bytes).as("bytes allocated by one check").isLessThan(MAX_ALLOCATED);
    }

    @Test
    void aTransformedMacroRepeatedThousandsOfTimesIsNotSplitThousandsOfTimes() throws Exception {
        aTargetOf("%{l1}".repeat(12_000));
    }

    @Test
    void anExplanationOfATransformedMacroRepeatedThousandsOfTimesIsNotSplitThousandsOfTimes() throws Exception {
        ScriptedDns dns = new ScriptedDns().txt(DOMAIN, "v=spf1 -all exp=why.attacker.example")
                .txt("why.attacker.example", "%{l1}".repeat(12_000) + "no");
        assertThat(allocatedBy(dns, SpfOptions.defaults(), "no")).as("bytes allocated by one check")
                .isLessThan(MAX_ALLOCATED);
    }

    /**
     * The same with every macro written differently ({@code %{l1.--+,}}, {@code %{l1.--+/}}...: §7.1 allows any
     * sequence of delimiters, repeated ones too), so that remembering each distinct macro's value is not enough: the
     * delimiters are a set of seven.
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
        aTargetOf(spec.toString());
    }
}
