package dev.authpack.spf;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static dev.authpack.fuzz.FuzzInput.check;

/**
 * {@link MacroString} parsing and expansion (RFC 7208 §7). The first byte picks the kind (domain-spec,
 * explanation, unknown-modifier value) and the client address family; the rest is the macro string.
 *
 * <p>Allowed: {@link SpfSyntaxException} from parsing; expansion of a parsed string never throws. Invariants: the
 * expansion is bounded (each source character yields at most three characters, each macro at most the longest
 * value URL-escaped), a string without {@code %} expands to itself, expansion is deterministic.
 */
class MacroStringFuzzTest {
    private static final MacroValues V4 = values("192.0.2.3");
    private static final MacroValues V6 = values("2001:db8::cb01");

    @FuzzTest
    void expand(byte[] data) {
        fuzzerTestOneInput(data);
    }

    public static void fuzzerTestOneInput(byte[] data) {
        if (data.length == 0) {
            return;
        }
        int selector = data[0] & 0xff;
        String text = new String(data, 1, data.length - 1, StandardCharsets.UTF_8);
        MacroString macro;
        try {
            macro = switch (selector % 3) {
                case 0 -> MacroString.parseDomainSpec(text);
                case 1 -> MacroString.parse(text, MacroString.Kind.EXPLANATION);
                default -> MacroString.parse(text, MacroString.Kind.MODIFIER_VALUE);
            };
        } catch (SpfSyntaxException e) {
            return;
        }
        MacroValues values = (selector & 0x80) == 0 ? V4 : V6;
        String out = macro.expand(values);
        long longest = Stream.of("slodipvhcrt".split("")).mapToInt(l -> values.value(l.charAt(0)).length()).max()
                .orElseThrow();
        check(out.length() <= (long) text.length() * 3 * (longest + 1), "expansion unbounded: " + out.length(), text);
        if (text.indexOf('%') < 0) {
            check(out.equals(text), "literal text changed by expansion: " + out, text);
        }
        check(out.equals(macro.expand(values)), "expansion not deterministic", text);
    }

    private static MacroValues values(String ip) {
        try {
            return new MacroValues("strong-bad@email.example.com", "strong-bad", "email.example.com",
                    "email.example.com", InetAddress.getByName(ip), "mx.example.org", "receiver.example.net",
                    1_700_000_000L, null);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
