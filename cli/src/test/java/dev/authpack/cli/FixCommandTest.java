package dev.authpack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.authpack.cli.DkimSignCommandTest.ByteRun;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FixCommandTest {
    private static final String MESSAGE = "From: a@example.com\nSubject : hi\nDate: Sun, 6 Dec 2026 03:00:00 +0000\n"
            + "Message-ID: <1@example.com>\nMIME-Version: 1.0\n\nHello.\n";

    private static ByteRun run(byte[] stdin, String... args) {
        return DkimSignCommandTest.run(stdin, args);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void aFailedCheckExitsOneWithKumoMtaWording() {
        ByteRun run = run(bytes(MESSAGE), "fix", "-", "--checks", "NAME_ENDS_WITH_SPACE|NON_CANONICAL_LINE_ENDINGS");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stderr()).isEqualTo("Message has conformance issues: NAME_ENDS_WITH_SPACE, "
                + "NON_CANONICAL_LINE_ENDINGS" + System.lineSeparator());
        assertThat(run.stdout()).isEmpty();
    }

    @Test
    void fixesPrintTheRepairedMessage(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("m.eml");
        Files.write(file, bytes(MESSAGE));
        ByteRun run = run(new byte[0], "fix", file.toString(), "--checks", "NAME_ENDS_WITH_SPACE",
                "--fixes", "NAME_ENDS_WITH_SPACE|NON_CANONICAL_LINE_ENDINGS");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.text()).isEqualTo(MESSAGE.replace("Subject :", "Subject:").replace("\n", "\r\n"));
    }

    @Test
    void nothingToFixPrintsTheInputUnchanged() {
        ByteRun run = run(bytes(MESSAGE), "fix", "-", "--fixes", "LINE_TOO_LONG");
        assertThat(run.exitCode()).isZero();
        assertThat(run.stdout()).isEqualTo(bytes(MESSAGE));
    }

    /** Review s20: a part with no header fields (RFC 2046 §5.1) is no MISSING_COLON_VALUE: exit 0, unchanged. */
    @Test
    void aHeaderlessPartPassesTheColonCheck() {
        String message = "From: a@example.com\r\nSubject: hi\r\nDate: Sun, 6 Dec 2026 03:00:00 +0000\r\n"
                + "Message-ID: <1@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b1\r\n"
                + "\r\n--b1\r\n\r\nno header fields: text/plain; charset=us-ascii\r\n--b1--\r\n";
        ByteRun run = run(bytes(message), "fix", "-", "--checks", "MISSING_COLON_VALUE|NAME_ENDS_WITH_SPACE");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEqualTo(bytes(message));
        ByteRun broken = run(bytes(message.replace("--b1\r\n\r\n", "--b1\r\nX-Broken\r\n\r\n")), "fix", "-",
                "--checks", "MISSING_COLON_VALUE");
        assertThat(broken.exitCode()).isEqualTo(1);
        assertThat(broken.stderr()).startsWith("Message has conformance issues: MISSING_COLON_VALUE");
    }

    @Test
    void detectEncodingRepairsUnlabelledCyrillic() {
        String russian = "\u041f\u0440\u0438\u0432\u0435\u0442, \u043c\u0438\u0440! \u042d\u0442\u043e "
                + "\u043f\u0440\u043e\u0432\u0435\u0440\u043a\u0430 \u043a\u043e\u0434\u0438\u0440\u043e\u0432\u043a\u0438.";
        byte[] body = russian.getBytes(Charset.forName("windows-1251"));
        byte[] head = bytes("From: a@example.com\r\nSubject: t\r\n\r\n");
        byte[] message = new byte[head.length + body.length];
        System.arraycopy(head, 0, message, 0, head.length);
        System.arraycopy(body, 0, message, head.length, body.length);
        ByteRun run = run(message, "fix", "-", "--fixes", "NEEDS_TRANSFER_ENCODING|MISSING_DATE_HEADER",
                "--detect-encoding", "--include-encodings", "windows-1251,utf-8", "--server-id", "mx.example.org",
                "--now", "1796000000");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.text()).startsWith("Date: Mon, 30 Nov 2026 00:53:20 +0000\r\n")
                .contains("Content-Type: text/plain; charset=utf-8").contains("MIME-Version: 1.0");
        assertThat(run.text()).doesNotContain(russian); // transfer-encoded
    }

    @Test
    void badLabelsAreUsageErrorsListingWhatIsAccepted() {
        ByteRun run = run(bytes(MESSAGE), "fix", "-", "--checks", "LINE_TOO_LONG|spoon");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).contains("'spoon'").contains("NON_CANONICAL_LINE_ENDINGS");
        ByteRun encoding = run(bytes(MESSAGE), "fix", "-", "--detect-encoding", "--include-encodings", "ebcdic");
        assertThat(encoding.exitCode()).isEqualTo(2);
        assertThat(encoding.stderr()).contains("ebcdic").contains("windows-1251");
    }
}
