package dev.authpack.dkim.sign;

import dev.authpack.dkim.DkimAlgorithm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.authpack.dkim.sign.SignTestKeys.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyTableTest {
    @TempDir
    Path dir;

    private Path table(String text) {
        return write(dir.resolve("dkim/keytable"), text);
    }

    @Test
    void readsEntriesWithRelativeAbsoluteAndSharedKeys() throws Exception {
        SignTestKeys.rsa(dir.resolve("dkim/keys/rsa.pem"));
        Path ed = SignTestKeys.ed25519(dir.resolve("elsewhere/ed.pem"));
        Path file = table("""
                # name        domain:selector:keyfile
                ex-rsa        Example.com:RSA2026:keys/rsa.pem
                ex-ed         example.com:ed2026:%s   # a comment
                
                shared        %%:mail:keys/rsa.pem
                """.formatted(ed));
        KeyTable table = KeyTable.load(file, KeyFileLocator.PATHS_ONLY);

        assertThat(table.entries()).containsOnlyKeys("ex-rsa", "ex-ed", "shared");
        SigningKeyEntry rsa = table.get("ex-rsa").orElseThrow();
        assertThat(rsa.domain()).isEqualTo("example.com");
        assertThat(rsa.selector()).isEqualTo("rsa2026");
        assertThat(rsa.key().algorithm()).isEqualTo(DkimAlgorithm.RSA_SHA256);
        assertThat(rsa.keyFile()).isEqualTo(dir.resolve("dkim/keys/rsa.pem").toAbsolutePath());
        assertThat(rsa.source()).isEqualTo(file + ":2");
        assertThat(table.get("ex-ed").orElseThrow().key().algorithm()).isEqualTo(DkimAlgorithm.ED25519_SHA256);
        SigningKeyEntry shared = table.get("shared").orElseThrow();
        assertThat(shared.domain()).isNull();
        assertThat(shared.signingDomain("other.example")).isEqualTo("other.example");
        assertThat(shared.describe()).isEqualTo("d=% s=mail a=rsa-sha256");
        // one file, read once
        assertThat(shared.key()).isSameAs(rsa.key());
    }

    @Test
    void urlsGoThroughTheLocator() throws Exception {
        Path key = SignTestKeys.rsa(dir.resolve("conf/dkim/k.pem"));
        Path file = table("k example.com:s:file://conf/dkim/k.pem\n");
        KeyTable table = KeyTable.load(file, location -> dir.resolve(location.substring("file://".length())));
        assertThat(table.get("k").orElseThrow().keyFile()).isEqualTo(key.toAbsolutePath());

        assertThatThrownBy(() -> KeyTable.load(file, KeyFileLocator.PATHS_ONLY))
                .isInstanceOf(KeyTableException.class)
                .hasMessageStartingWith(file + ":1: key file://conf/dkim/k.pem: unsupported location");
    }

    @Test
    void problemsNameFileAndLine() {
        SignTestKeys.rsa(dir.resolve("dkim/ok.pem"));
        SignTestKeys.write(dir.resolve("dkim/bad.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        assertProblem("a example.com:s:ok.pem\nb example.com:s:missing.pem\n", ":2: key ", "missing.pem",
                "cannot read the key file");
        assertProblem("# keys\nb example.com:s:bad.pem\n", ":2: key ", "bad.pem", "malformed PKCS#8");
        assertProblem("a example.com:s:ok.pem extra\n", ":1: expected NAME DOMAIN:SELECTOR:KEYFILE");
        assertProblem("a example.com:ok.pem\n", ":1: expected DOMAIN:SELECTOR:KEYFILE");
        assertProblem("a exa_mple:s:ok.pem\n", ":1: not a domain name");
        assertProblem("a example.com:bad/selector:ok.pem\n", ":1: not a selector");
        assertProblem("a example.com:s:ok.pem\na example.com:t:ok.pem\n", ":2: key name 'a' given again",
                ":1)");
        assertProblem("a,b example.com:s:ok.pem\n", ":1: key name 'a,b' has a comma");
        assertProblem("# nothing\n", "no keys");
    }

    private void assertProblem(String text, String... parts) {
        Path file = table(text);
        assertThatThrownBy(() -> KeyTable.load(file, KeyFileLocator.PATHS_ONLY))
                .isInstanceOf(KeyTableException.class)
                .hasMessageStartingWith(file.toString())
                .hasMessageContainingAll(parts);
    }

    @Test
    void missingTable() {
        assertThatThrownBy(() -> KeyTable.load(dir.resolve("none"), KeyFileLocator.PATHS_ONLY))
                .isInstanceOf(KeyTableException.class).hasMessageEndingWith("none: no such file");
    }
}
