package dev.authpack.spf;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Session 20 review: macro expansion in the attacker's own SPF record. {@code %{d}} is the attacker's domain, up to
 * 253 characters of one-character labels; a TXT record of some 48 KiB repeats it 12,000 times in one term, so the
 * expanded target is 3 MB with 1.5 million dots. RFC 7208 §7.3 truncation from the left cut one label at a time,
 * copying the rest each time: quadratic, minutes of CPU for one term, no deadline looked at meanwhile.
 */
class ReviewS20MacroTest {
    /** a.b.c...: 125 one-character labels and "example", 257 characters; trimmed to a valid name below. */
    private static final String DOMAIN = domain();

    private static String domain() {
        StringBuilder sb = new StringBuilder();
        while (sb.length() < 240) {
            sb.append("a.");
        }
        return sb.append("example").toString();
    }

    @Test
    void truncationOfAHugeExpansionIsLinear() {
        String expanded = (DOMAIN + ".").repeat(12_000) + "end.example";
        long start = System.nanoTime();
        Optional<String> name = SpfNames.forQuery(expanded);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(name).isPresent();
        assertThat(name.get()).endsWith("a.a.example.end.example");
        assertThat(name.get().length()).isLessThanOrEqualTo(253);
        assertThat(millis).isLessThan(2_000);
    }

    @Test
    void truncationKeepsTheLongestSuffixOfWholeLabels() {
        String label63 = "b".repeat(63);
        String name = "x." + label63 + "." + label63 + "." + label63 + "." + "c".repeat(60) + ".example";
        // 2 + 64 * 3 + 61 + 7 = 262 octets: "x." and the first 63-octet label must go (253 octets is the most)
        assertThat(SpfNames.forQuery(name)).contains(label63 + "." + label63 + "." + "c".repeat(60) + ".example");
        assertThat(SpfNames.forQuery("\u00e4".repeat(100) + "." + "b".repeat(60) + ".example"))
                .contains("b".repeat(60) + ".example");
        assertThat(SpfNames.forQuery("a".repeat(300))).isEmpty();
        assertThat(SpfNames.forQuery("x.example.")).contains("x.example");
        assertThat(SpfNames.forQuery("a." + "b".repeat(70) + ".example")).isEmpty();
    }

    @Test
    void aRecordThatExpandsToMegabytesGivesAVerdictInTime() throws Exception {
        String record = "v=spf1 exists:" + "%{d}.".repeat(12_000) + "%{d} -all";
        ScriptedDns dns = new ScriptedDns().txt(DOMAIN, record);
        long start = System.nanoTime();
        SpfResult result = new SpfChecker(dns).checkMailFrom(InetAddress.getByName("192.0.2.1"), "x@" + DOMAIN,
                "h.example").get(30, TimeUnit.SECONDS);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(result.status()).isEqualTo(SpfStatus.FAIL);
        assertThat(millis).isLessThan(5_000);
    }
}
