package dev.authpack.spf;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Session 22 review (attacker's view of SPF macros). The sender writes {@code %{s}}, {@code %{l}} and
 * {@code %{h}} (the MAIL FROM and the HELO, each some kilobytes as an SMTP server takes them) and the attacker's own
 * SPF record decides how often they are expanded: a TXT record of 60 KB (over TCP) holds 15,000 {@code %{s}}.
 * Before the fix every expansion was built whole and only then cut (a name to its last 253 octets, RFC 7208 §7.3;
 * an explanation to 1,024 characters): 15,000 × 4 KB, 60 million characters, some 200 MB of heap for one term, in
 * one message's check. And an explanation carried what the sender wrote as it was (a TAB, a CR, non-ASCII), where
 * RFC 7208 §6.2 says the explanation MUST be US-ASCII (it is meant for an SMTP reply).
 *
 * <p>The checks run on the test's thread (the scripted resolver answers at once), so the heap the check allocated
 * is this thread's allocation.
 */
class ReviewS22MacroTest {
    private static final String DOMAIN = "attacker.example";
    private static final String LOCAL = "x".repeat(4_000);
    private static final long MAX_ALLOCATED = 32L << 20;

    @Test
    void aTargetExpandingTheSendersAddressThousandsOfTimesIsNotBuiltWhole() throws Exception {
        String record = "v=spf1 exists:" + "%{s}".repeat(15_000) + ".end.example -all";
        ScriptedDns dns = new ScriptedDns().txt(DOMAIN, record);
        SpfChecker checker = new SpfChecker(dns, SpfOptions.defaults().withPrefetch(false));
        long before = allocated();
        SpfResult result = checker.checkMailFrom(InetAddress.getByName("192.0.2.1"), LOCAL + "@" + DOMAIN,
                "h.example").get(30, TimeUnit.SECONDS);
        long bytes = allocated() - before;
        assertThat(result.status()).isEqualTo(SpfStatus.FAIL);
        // the name asked is what the whole expansion truncated from the left gives (§7.3): the same as before
        assertThat(dns.queries).anyMatch(q -> q.startsWith("A ") && q.endsWith(".end.example"));
        assertThat(bytes).as("bytes allocated by one check").isLessThan(MAX_ALLOCATED);
    }

    @Test
    void anExplanationExpandingTheSendersAddressThousandsOfTimesIsNotBuiltWhole() throws Exception {
        ScriptedDns dns = new ScriptedDns().txt(DOMAIN, "v=spf1 -all exp=why.attacker.example")
                .txt("why.attacker.example", "%{s}".repeat(15_000));
        long before = allocated();
        SpfResult result = new SpfChecker(dns).checkMailFrom(InetAddress.getByName("192.0.2.1"),
                LOCAL + "@" + DOMAIN, "h.example").get(30, TimeUnit.SECONDS);
        long bytes = allocated() - before;
        assertThat(bytes).as("bytes allocated by one check").isLessThan(MAX_ALLOCATED);
        assertThat(result.status()).isEqualTo(SpfStatus.FAIL);
        // the first 1,024 characters, as before
        assertThat(result.explanation()).isEqualTo(LOCAL.substring(0, 1_024));
    }

    @Test
    void anExplanationIsPrintableUsAsciiWhateverTheSenderWrote() throws Exception {
        ScriptedDns dns = new ScriptedDns().txt(DOMAIN, "v=spf1 -all exp=why.attacker.example")
                .txt("why.attacker.example", "HELO %{h} from %{l} (%{s}) is not allowed");
        String helo = "evil\r\nX-Injected: yes\tmore";
        SpfResult result = new SpfChecker(dns).checkMailFrom(InetAddress.getByName("192.0.2.1"),
                "j\u00fcrgen\u0007@" + DOMAIN, helo).get(30, TimeUnit.SECONDS);
        assertThat(result.status()).isEqualTo(SpfStatus.FAIL);
        String explanation = result.explanation();
        assertThat(explanation).isNotNull();
        assertThat(explanation.chars()).allMatch(c -> c >= 0x20 && c <= 0x7e);
        // escaped as §7.3 escapes an upper-case macro, so nothing the sender wrote is lost or made up
        assertThat(explanation).isEqualTo("HELO evil%0D%0AX-Injected: yes%09more from j%C3%BCrgen%07"
                + " (j%C3%BCrgen%07@attacker.example) is not allowed");
    }

    @Test
    void aTargetBuiltFromItsEndIsTheNameTheWholeExpansionGives() throws Exception {
        MacroValues values = new MacroValues("äb.c@x.example", "äb.c", "x.example",
                "d" + ".e".repeat(120) + ".example", InetAddress.getByName("2001:db8::1"), "h.example", "r", 1L, null);
        java.util.Random random = new java.util.Random(22);
        String[] pieces = {"%{s}", "%{l}", "%{d}", "%{i}", "%{o}", "%{h}", "%{L}", "%{d2}", "%{lr-}", ".", "x.",
                "-", "%{ir}.", "%{v}", "%%", "%_", "%-", "ab"};
        for (int n = 0; n < 2_000; n++) {
            StringBuilder spec = new StringBuilder();
            for (int k = random.nextInt(120); k >= 0; k--) {
                spec.append(pieces[random.nextInt(pieces.length)]);
            }
            MacroString macro = MacroString.parse(spec.toString(), MacroString.Kind.DOMAIN_SPEC);
            String whole = macro.expand(values);
            assertThat(SpfNames.forQuery(macro.expandTail(values, SpfEvaluation.NAME_KEPT)))
                    .as(spec.toString()).isEqualTo(SpfNames.forQuery(whole));
            assertThat(whole).endsWith(macro.expandTail(values, 7)).startsWith(macro.expandHead(values, 7));
            assertThat(macro.expandHead(values, 7)).hasSize(Math.min(7, whole.length()));
            assertThat(macro.expandTail(values, 7)).hasSize(Math.min(7, whole.length()));
        }
    }

    static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }
}
