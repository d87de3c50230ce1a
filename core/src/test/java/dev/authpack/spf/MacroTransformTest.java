package dev.authpack.spf;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The transformers of RFC 7208 §7.3 (digits, {@code r}, delimiters), found by scanning only as far as the parts kept
 * reach (review s22, reviewA), give what the rule says: split the value at every delimiter, reverse for {@code r},
 * keep the rightmost parts, join them with dots. The rule is written out here as §7.3 words it and compared on
 * random values made of letters and delimiters (empty parts, leading and trailing delimiters included).
 */
class MacroTransformTest {
    private static final String DELIMITERS = ".-+,/_=";

    /** §7.3 as written: split, reverse, keep the rightmost {@code digits} (all when 0), join with ".". */
    private static String byTheRule(String value, int digits, boolean reverse, String delimiters) {
        String split = delimiters.isEmpty() ? "." : delimiters;
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < value.length(); i++) {
            if (split.indexOf(value.charAt(i)) >= 0) {
                parts.add(value.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(value.substring(start));
        if (reverse) {
            Collections.reverse(parts);
        }
        int keep = digits == 0 ? parts.size() : Math.min(digits, parts.size());
        return String.join(".", parts.subList(parts.size() - keep, parts.size()));
    }

    @Test
    void everyTransformerGivesWhatTheRuleSays() throws Exception {
        Random random = new Random(7208);
        for (int n = 0; n < 20_000; n++) {
            StringBuilder local = new StringBuilder();
            for (int k = random.nextInt(12); k > 0; k--) {
                local.append(random.nextInt(3) == 0 ? DELIMITERS.charAt(random.nextInt(DELIMITERS.length()))
                        : (char) ('a' + random.nextInt(3)));
            }
            StringBuilder delimiters = new StringBuilder();
            for (int k = random.nextInt(4); k > 0; k--) {
                delimiters.append(DELIMITERS.charAt(random.nextInt(DELIMITERS.length())));
            }
            int digits = random.nextInt(3) == 0 ? 0 : 1 + random.nextInt(8);
            boolean reverse = random.nextBoolean();
            String macro = "%{l" + (digits == 0 ? "" : digits) + (reverse ? "r" : "") + delimiters + "}";
            String value = local.isEmpty() ? "postmaster" : local.toString();
            MacroValues values = new MacroValues(value + "@x.example", value, "x.example", "x.example",
                    InetAddress.getByName("192.0.2.1"), "h.example", "r.example", 1L, null);
            MacroString parsed = MacroString.parse(macro, MacroString.Kind.EXPLANATION);
            assertThat(parsed.expand(values)).as(macro + " of '" + value + "'")
                    .isEqualTo(byTheRule(value, digits, reverse, delimiters.toString()));
            assertThat(parsed.expandTail(values, 1_024)).as(macro + " of '" + value + "'")
                    .isEqualTo(parsed.expandHead(values, 1_024)).isEqualTo(parsed.expand(values));
        }
    }

    @Test
    void theExamplesOfSection7Point4() throws Exception {
        MacroValues values = new MacroValues("strong-bad@email.example.com", "strong-bad", "email.example.com",
                "email.example.com", InetAddress.getByName("192.0.2.3"), "h.example", "r.example", 1L, null);
        String[][] cases = {{"%{d4}", "email.example.com"}, {"%{d3}", "email.example.com"},
                {"%{d2}", "example.com"}, {"%{d1}", "com"}, {"%{dr}", "com.example.email"},
                {"%{d2r}", "example.email"}, {"%{l-}", "strong.bad"}, {"%{lr-}", "bad.strong"},
                {"%{l1r-}", "strong"}, {"%{ir}.%{v}._spf.%{d2}", "3.2.0.192.in-addr._spf.example.com"},
                {"%{lr-}.lp._spf.%{d2}", "bad.strong.lp._spf.example.com"},
                {"%{lr-}.lp.%{ir}.%{v}._spf.%{d2}", "bad.strong.lp.3.2.0.192.in-addr._spf.example.com"}};
        for (String[] c : cases) {
            assertThat(MacroString.parse(c[0], MacroString.Kind.DOMAIN_SPEC).expand(values)).as(c[0])
                    .isEqualTo(c[1]);
        }
    }
}
