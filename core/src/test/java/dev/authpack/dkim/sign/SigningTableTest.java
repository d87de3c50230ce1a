package dev.authpack.dkim.sign;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static dev.authpack.dkim.sign.SignTestKeys.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SigningTableTest {
    @TempDir
    Path dir;
    private KeyTable keys;

    @BeforeEach
    void keys() throws Exception {
        SignTestKeys.rsa(dir.resolve("rsa.pem"));
        SignTestKeys.ed25519(dir.resolve("ed.pem"));
        keys = KeyTable.load(write(dir.resolve("keytable"), """
                ex-rsa   example.com:r:rsa.pem
                ex-ed    example.com:e:ed.pem
                sub      sub.example.com:s:rsa.pem
                other    other.example:o:rsa.pem
                shared   %:shared:rsa.pem
                """), KeyFileLocator.PATHS_ONLY);
    }

    private static List<String> names(List<SigningKeyEntry> entries) {
        return entries.stream().map(SigningKeyEntry::name).toList();
    }

    @Test
    void mostSpecificPatternWinsWhateverTheOrder() throws Exception {
        SigningTable table = SigningTable.load(write(dir.resolve("signingtable"), """
                *                 shared
                *.example.com     sub
                example.com       ex-rsa ex-ed
                *.b.example.com   other
                *@other.example   other
                """), keys);
        assertThat(table.patternCount()).isEqualTo(5);
        assertThat(names(table.keysFor("example.com"))).containsExactly("ex-rsa", "ex-ed");
        assertThat(names(table.keysFor("a.example.com"))).containsExactly("sub");
        assertThat(names(table.keysFor("x.b.example.com"))).containsExactly("other");
        assertThat(names(table.keysFor("b.example.com"))).containsExactly("sub");
        assertThat(names(table.keysFor("other.example"))).containsExactly("other");
        assertThat(names(table.keysFor("unrelated.example"))).containsExactly("shared");
    }

    @Test
    void linesOfOnePatternAddUpAndNoMatchIsEmpty() throws Exception {
        SigningTable table = SigningTable.load(write(dir.resolve("signingtable"), """
                example.com  ex-rsa
                example.com  ex-ed,other
                """), keys);
        assertThat(names(table.keysFor("example.com"))).containsExactly("ex-rsa", "ex-ed", "other");
        assertThat(table.keysFor("sub.example.com")).isEmpty();
        assertThat(table.keysFor("other.example")).isEmpty();
    }

    @Test
    void problemsNameFileAndLine() {
        assertProblem("example.com ex-rsa\n\nexample.com nokey\n", ":3: no key named 'nokey'");
        assertProblem("example.com\n", ":1: expected PATTERN KEYNAME");
        assertProblem("alice@example.com ex-rsa\n", ":1: ", "not addresses");
        assertProblem("example.com ex-rsa\nexample.com ex-rsa\n", ":2: key 'ex-rsa' given twice for example.com");
        assertProblem("# empty\n", "no patterns");
    }

    private void assertProblem(String text, String... parts) {
        Path file = write(dir.resolve("signingtable"), text);
        assertThatThrownBy(() -> SigningTable.load(file, keys))
                .isInstanceOf(KeyTableException.class)
                .hasMessageStartingWith(file.toString())
                .hasMessageContainingAll(parts);
    }
}
