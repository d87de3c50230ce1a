package dev.authpack.authres;

import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The writer's hand-written predicates accept exactly what its former regular expressions accepted: the
 * expressions are kept here as the reference and compared on many random strings drawn from the characters that
 * matter (every class of the expressions, their boundaries, a few outside ASCII), and on chosen edge cases.
 */
class AuthResultsWriterPredicatesTest {
    /** The former RFC 2045 token expression. */
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+\\-.0-9A-Z^_`a-z{|}~]+");
    /** The former RFC 8601 keyword expression. */
    private static final Pattern KEYWORD = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\-]*");
    /** The former [local-part] "@" domain-name expression. */
    private static final Pattern ADDRESS = Pattern.compile(
            "(?:[A-Za-z0-9!#$%&'*+/=?^_`{|}~\\-]+(?:\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~\\-]+)*)?@"
                    + "[A-Za-z0-9](?:[A-Za-z0-9\\-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9\\-]*[A-Za-z0-9])?)*");
    /** Characters drawn: the structural ones often, every printable ASCII, controls and some non-ASCII. */
    private static final String COMMON = "aZ09.@-_.@-";
    private static final int CASES = 100_000;

    @Test
    void predicatesAcceptExactlyWhatTheFormerExpressionsAccepted() {
        Random random = new Random(20261206L);
        int tokens = 0;
        int keywords = 0;
        int addresses = 0;
        for (int n = 0; n < CASES; n++) {
            String s = randomString(random);
            boolean token = TOKEN.matcher(s).matches();
            boolean keyword = KEYWORD.matcher(s).matches();
            boolean address = ADDRESS.matcher(s).matches();
            if (AuthResultsWriter.isToken(s) != token || AuthResultsWriter.isKeyword(s) != keyword
                    || AuthResultsWriter.isAddress(s) != address) {
                assertThat(AuthResultsWriter.isToken(s)).as("token %s", escaped(s)).isEqualTo(token);
                assertThat(AuthResultsWriter.isKeyword(s)).as("keyword %s", escaped(s)).isEqualTo(keyword);
                assertThat(AuthResultsWriter.isAddress(s)).as("address %s", escaped(s)).isEqualTo(address);
            }
            tokens += token ? 1 : 0;
            keywords += keyword ? 1 : 0;
            addresses += address ? 1 : 0;
        }
        // the draw reaches both answers of each predicate often
        assertThat(tokens).isBetween(CASES / 20, CASES - CASES / 20);
        assertThat(keywords).isBetween(CASES / 20, CASES - CASES / 20);
        assertThat(addresses).isBetween(CASES / 100, CASES - CASES / 20);
    }

    /** Every UTF-16 code unit, alone and inside a keyword and an address (the character sets' masks, bit by bit). */
    @Test
    void everyCharacterAgreesWithTheFormerExpressions() {
        for (int c = 0; c <= 0xFFFF; c++) {
            String one = String.valueOf((char) c);
            for (String s : new String[]{one, "a" + one, "a" + one + "@b", "a@b" + one + "c"}) {
                if (AuthResultsWriter.isToken(s) != TOKEN.matcher(s).matches()
                        || AuthResultsWriter.isKeyword(s) != KEYWORD.matcher(s).matches()
                        || AuthResultsWriter.isAddress(s) != ADDRESS.matcher(s).matches()) {
                    assertThat(AuthResultsWriter.isToken(s)).as("token %s", escaped(s))
                            .isEqualTo(TOKEN.matcher(s).matches());
                    assertThat(AuthResultsWriter.isKeyword(s)).as("keyword %s", escaped(s))
                            .isEqualTo(KEYWORD.matcher(s).matches());
                    assertThat(AuthResultsWriter.isAddress(s)).as("address %s", escaped(s))
                            .isEqualTo(ADDRESS.matcher(s).matches());
                }
            }
        }
    }

    @Test
    void edgeCasesAgreeWithTheFormerExpressions() {
        String[] cases = {"", "@", "a@", "@a", "@a.", "@.a", "@a..b", "@-a", "@a-", "@a-b", "@a--b", "a.@b", ".a@b",
            "a..b@c", "a.b@c.d", "a b@c", "\"a\"@b", "a@b@c", "a@b.c-", "a@1.2.3.4", "user+tag@example.com",
            "é@example.com", "a@exämple.com", "x", "-", ".", "-a", "a-", "_a", "a_b.c-d", "a;b", "a\u0000b", "a\tb",
            "a(b)", "a/b", "a=b", "a?b", "a\\b", "a\"b", "a[b]", "a:b", "a,b", "a<b>", "~!#$%&'*+^`{|}",
            "2001:db8::1", "192.0.2.1", "a\u007f", "\u0100"};
        for (String s : cases) {
            assertThat(AuthResultsWriter.isToken(s)).as("token %s", escaped(s)).isEqualTo(TOKEN.matcher(s).matches());
            assertThat(AuthResultsWriter.isKeyword(s)).as("keyword %s", escaped(s))
                    .isEqualTo(KEYWORD.matcher(s).matches());
            assertThat(AuthResultsWriter.isAddress(s)).as("address %s", escaped(s))
                    .isEqualTo(ADDRESS.matcher(s).matches());
        }
    }

    private static String randomString(Random random) {
        int length = random.nextInt(12);
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            int kind = random.nextInt(10);
            if (kind < 5) {
                out.append(COMMON.charAt(random.nextInt(COMMON.length())));
            } else if (kind < 9) {
                out.append((char) (0x20 + random.nextInt(0x5f)));
            } else {
                char[] odd = {'\u0000', '\t', '\r', '\n', '\u007f', '\u00e9', '\u0131', '\uff0e', '\ud83d'};
                out.append(odd[random.nextInt(odd.length)]);
            }
        }
        return out.toString();
    }

    private static String escaped(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            out.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return out.toString();
    }
}
