package dev.authpack.relay;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RelayPolicyParserTest {

    @Test
    void parsesAllKeysCommentsAndRepeatedLists() throws Exception {
        RelayPolicy p = RelayPolicy.parse("p.conf", """
                \uFEFF# header comment
                relay_hosts = 127.0.0.1   # inline comment
                relay_hosts = ::1 10.0.0.0/8,mx.example.net
                relay_authenticated = false
                relay_users = a@example.com
                [ domain   Example.COM. ]\r
                relay_to = true
                relay_from = 192.0.2.0/24
                relay_from_users = @example.com
                relay_to_users = b
                include_subdomains = true
                """);
        assertThat(p.relayHosts().size()).isEqualTo(4);
        assertThat(p.relayAuthenticated()).isFalse();
        assertThat(p.relayUsers().size()).isEqualTo(1);
        DomainRules r = p.domains().get("example.com");
        assertThat(r.relayTo()).isTrue();
        assertThat(r.includeSubdomains()).isTrue();
        assertThat(r.relayFrom().size()).isEqualTo(1);
        assertThat(r.relayFromUsers().size()).isEqualTo(1);
        assertThat(r.relayToUsers().size()).isEqualTo(1);
        assertThat(r.line()).isEqualTo(6);
        assertThat(p.source()).isEqualTo("p.conf");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "relay_to = true|1|relay_to belongs in a [domain NAME] section",
            "relay_host = 127.0.0.1|1|unknown key 'relay_host'",
            "relay_hosts|1|expected 'key = value'",
            "relay_hosts =|1|no value for relay_hosts",
            "= 1|1|missing key",
            "relay_hosts = 0.0.0.0/0|1|open relay",
            "relay_hosts = 10.0.0.1/8|1|host bits set",
            "relay_hosts = 10.0.0.0/8,,127.0.0.1|1|empty entry",
            "relay_authenticated = yes|1|must be true or false",
            "relay_authenticated = true\\nrelay_authenticated = true|2|set twice",
            "[domain example.com]|1|sets nothing",
            "[domain example.com]\\nrelay_to = true\\n[domain EXAMPLE.com.]\\nrelay_to = true|3|already defined at line 1",
            "[domain *.example.com]\\nrelay_to = true|1|no wildcards",
            "[domain 192.0.2.1]\\nrelay_to = true|1|is an address",
            "[domain bad..name]\\nrelay_to = true|1|not a domain name",
            "[example.com]|1|expected [domain NAME]",
            "[domain example.com|1|must end with ']'",
            "[domain example.com]\\nrelay_to = 1|2|must be true or false",
            "[domain example.com]\\nrelay_to = true\\nrelay_to = false|3|set twice in [domain example.com] (first at line 2)",
            "[domain example.com]\\nrelay_to = true\\nrelay_hosts = ::1|3|global setting",
            "[domain example.com]\\nrelay_too = true|2|unknown key 'relay_too'",
            "[domain example.com]\\nrelay_from = 10.0.0.0/33|2|relay_from: '10.0.0.0/33'",
            "[domain example.com]\\nrelay_to_users = @|2|relay_to_users",
            "[domain example.com]\\nrelay_to = true\\n[domain b.example]\\n\\n# c\\n|3|[domain b.example] sets nothing",
    })
    void errorsCarryFileAndLine(String text, int line, String message) {
        String body = text.replace("\\n", "\n");
        assertThatThrownBy(() -> RelayPolicy.parse("relay.conf", body))
                .isInstanceOfSatisfying(RelayPolicyException.class, e -> {
                    assertThat(e.line()).isEqualTo(line);
                    assertThat(e.getMessage()).startsWith("relay.conf:" + line + ": ").contains(message);
                });
    }

    @Test
    void controlCharactersAndLongLinesAreErrors() {
        assertThatThrownBy(() -> RelayPolicy.parse("f", "relay_hosts = 127.0.0.1\u0000"))
                .hasMessageContaining("f:1: control character");
        assertThatThrownBy(() -> RelayPolicy.parse("f", "# " + "x".repeat(RelayPolicyParser.MAX_LINE_LENGTH)))
                .hasMessageContaining("f:1: line longer than");
    }

    @Test
    void fileErrors(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("missing.conf");
        assertThatThrownBy(() -> RelayPolicy.load(missing))
                .isInstanceOf(RelayPolicyException.class).hasMessage(missing + ": no such file");
        assertThatThrownBy(() -> RelayPolicy.load(dir)).hasMessageContaining("not a regular file");

        Path latin1 = dir.resolve("latin1.conf");
        Files.write(latin1, "# caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> RelayPolicy.load(latin1)).hasMessageContaining("not valid UTF-8");

        Path big = dir.resolve("big.conf");
        Files.write(big, new byte[(int) RelayPolicyParser.MAX_FILE_BYTES + 1]);
        assertThatThrownBy(() -> RelayPolicy.load(big)).hasMessageContaining("larger than");

        Path good = dir.resolve("good.conf");
        Files.writeString(good, "[domain example.com]\nrelay_to = true\n");
        assertThat(RelayPolicy.load(good).domains()).containsKey("example.com");
    }

    @Test
    void listEntryLimitIsEnforced() {
        StringBuilder sb = new StringBuilder();
        int perLine = 500;
        for (int line = 0; line * perLine <= RelayPolicyParser.MAX_LIST_ENTRIES; line++) {
            sb.append("relay_users = ");
            for (int i = 0; i < perLine; i++) {
                sb.append("u").append(i).append(' ');
            }
            sb.append('\n');
        }
        assertThatThrownBy(() -> RelayPolicy.parse("f", sb.toString())).hasMessageContaining("list entries");
    }
}
