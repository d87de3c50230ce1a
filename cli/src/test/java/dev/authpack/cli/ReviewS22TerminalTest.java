package dev.authpack.cli;

import static dev.authpack.cli.CliRun.run;
import static dev.authpack.cli.CliRun.runWithInput;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.authpack.mail.WrittenText;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Review s22: an administrator runs {@code authpack} in a terminal on a message someone sent. Nothing the sender (or
 * a DNS answer, or a file name) chose may reach the terminal as an escape sequence, a C1 control, a line separator
 * or a bidi control: JSON escapes them ({@code \\u202e}), standard error shows them ({@code \xNN}, {@code \\uNNNN}).
 */
class ReviewS22TerminalTest {
    /** CSI (8-bit), NEL, DEL, RLO, LINE SEPARATOR, ALM: each drives or reorders what a terminal shows. */
    static final String HOSTILE = "\u009b31mred\u0085next\u007fdel\u202eevil\u2028line\u061calm";

    /** {@link ReportCommandTest#DSN} with {@code text} in the Diagnostic-Code, after {@code 550 }. */
    private static byte[] bounce(String text) {
        String dsn = ReportCommandTest.DSN.replace("550 5.1.1 user unknown (in reply to RCPT TO command)",
                "550 " + text);
        assertThat(dsn).contains(text);
        return dsn.getBytes(StandardCharsets.UTF_8);
    }

    static final String AGGREGATE = """
            <?xml version="1.0" encoding="UTF-8"?>
            <feedback><report_metadata><org_name>%s</org_name><email>a@example.org</email>
            <report_id>1</report_id><date_range><begin>1</begin><end>2</end></date_range></report_metadata>
            <policy_published><domain>example.com</domain><p>none</p></policy_published>
            <record><row><source_ip>192.0.2.1</source_ip><count>1</count><policy_evaluated>
            <disposition>none</disposition><dkim>pass</dkim><spf>pass</spf></policy_evaluated></row>
            <identifiers><header_from>example.com</header_from>
            </identifiers><auth_results><spf><domain>example.com</domain><result>pass</result></spf></auth_results>
            </record></feedback>
            """;

    /** Every character a terminal must not get as it is, but the line ends of indented JSON or of error lines. */
    private static void assertNothingRaw(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            assertThat(c != '\n' && WrittenText.breaksALine(c))
                    .as("U+%04X at %d of %s", (int) c, i, text).isFalse();
        }
    }

    @Test
    void reportOfABounceEscapesTheSendersControlsInJson() {
        CliRun run = runWithInput(bounce(HOSTILE), "report", "-");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertNothingRaw(run.stdout());
        assertThat(run.stdout()).contains("\\u009B31mred\\u0085next\\u007Fdel\\u202Eevil\\u2028line\\u061Calm");
        // the value itself is intact for a script that reads the JSON
        JsonNode recipient = run.json().get("recipients").get(0);
        assertThat(recipient.get("diagnostic_code").asText()).contains(HOSTILE);
    }

    @Test
    void reportOfADmarcAggregateEscapesTheReportersControlsInJson() {
        CliRun run = runWithInput(AGGREGATE.formatted(HOSTILE).getBytes(StandardCharsets.UTF_8), "report", "-");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.json().get("type").asText()).isEqualTo("dmarc_aggregate");
        assertNothingRaw(run.stdout());
        assertThat(run.json().get("report_metadata").get("org_name").asText()).isEqualTo(HOSTILE);
    }

    @Test
    void jsonKeepsOrdinaryTextAsItIs() {
        String text = "Grüße 日本";
        CliRun run = runWithInput(bounce(text), "report", "-");
        assertThat(run.stdout()).contains("550 " + text);
    }

    @Test
    void anErrorQuotingAFileNameShowsItsEscapesInsteadOfSendingThem() {
        // a file name chosen by the sender (an attachment saved as it was named)
        CliRun run = run("check", "bounce\u001b]0;owned\u0007\u001b[2J\u202e.eml", "--checks", "dkim");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertNothingRaw(run.stderr());
        assertThat(run.stderr()).isEqualTo("authpack check: cannot read message bounce\\x1b]0;owned\\x07\\x1b[2J"
                + "\\u202e.eml: no such file\n");
    }

    @Test
    void picocliUsageErrorsQuotingAnArgumentShowItsEscapes() {
        CliRun run = run("\u001b[31m\u009b2J");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertNothingRaw(run.stderr());
        assertThat(run.stderr()).contains("\\x1b[31m\\x9b2J");
    }

    @Test
    void anUnknownCheckNameShowsItsEscapes() {
        CliRun run = run("check", CliRun.message(), "--checks", "dkim,\u001b[31mbimi");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertNothingRaw(run.stderr());
        assertThat(run.stderr()).contains("unknown check: \\x1b[31mbimi");
    }

    @Test
    void aFileNameTheJvmCouldNotDecodeSaysSoAndHowToGiveTheMessage() {
        // what the JVM makes of the name octets FF FE that are not UTF-8: the file can exist and still not be found
        CliRun run = run("check", "\ufffd\ufffd.eml", "--checks", "dkim");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.stderr())
                .startsWith("authpack check: cannot read message \ufffd\ufffd.eml: the file name is not valid ")
                .endsWith("(give the message on standard input: - < FILE)\n");
    }
}
