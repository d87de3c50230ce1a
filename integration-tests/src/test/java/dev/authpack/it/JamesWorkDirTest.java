package dev.authpack.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JamesWorkDirTest {
    @TempDir
    Path tmp;

    @Test
    void fillsPlaceholdersAppliesEditsAndInstallsJars() throws Exception {
        Path template = Files.createDirectories(tmp.resolve("template"));
        Files.writeString(template.resolve("a.xml"), "<bind>@SMTP_BIND@</bind><x>keep@example.com</x>");
        Path jars = Files.createDirectories(tmp.resolve("jars"));
        Files.writeString(jars.resolve("pack.jar"), "not really a jar");
        Files.writeString(jars.resolve("notes.txt"), "ignored");

        Path dir = new JamesWorkDir(template).placeholder("SMTP_BIND", "127.0.0.1:0")
                .edit("a.xml", s -> s.replace("<x>", "<y>"))
                .confFile("extra.conf", "dns=@SMTP_BIND@")
                .extensionJars(jars)
                .writeTo(tmp.resolve("work"));

        assertThat(Files.readString(dir.resolve("conf/a.xml")))
                .isEqualTo("<bind>127.0.0.1:0</bind><y>keep@example.com</x>");
        assertThat(Files.readString(dir.resolve("conf/extra.conf"))).isEqualTo("dns=127.0.0.1:0");
        assertThat(dir.resolve("extensions-jars/pack.jar")).exists();
        assertThat(dir.resolve("extensions-jars/notes.txt")).doesNotExist();
    }

    @Test
    void refusesToLeaveAPlaceholderUnfilled() throws Exception {
        Path template = Files.createDirectories(tmp.resolve("template"));
        Files.writeString(template.resolve("a.xml"), "<servers>@DNS_SERVERS@</servers>");
        assertThatThrownBy(() -> new JamesWorkDir(template).writeTo(tmp.resolve("work")))
                .hasMessageContaining("@DNS_SERVERS@");
    }

    @Test
    void theSampleConfigurationNeedsExactlyTheDocumentedPlaceholders() throws Exception {
        Path dir = new JamesWorkDir(Locations.jamesConfTemplate())
                .placeholder("SMTP_BIND", "127.0.0.1:0").placeholder("DNS_SERVERS", "127.0.0.1:53")
                .placeholder("DNS_TIMEOUT", "1000").placeholder("MAIL_REPOSITORY_ROOT", "memory://var/mail")
                .writeTo(tmp.resolve("work"));
        assertThat(Files.readString(dir.resolve("conf/mailetcontainer.xml")))
                .contains("<dnsServers>127.0.0.1:53</dnsServers>")
                .contains("memory://var/mail/delivered/")
                .doesNotContainPattern(JamesWorkDir.PLACEHOLDER.pattern());
    }
}
