package dev.authpack.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.authpack.report.ReportFields;
import dev.authpack.report.ReportLimits;
import dev.authpack.report.ReportParser;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code authpack report MESSAGE}: recognises and parses a bounce (RFC 3464 DSN or text bounce) or a feedback
 * report (RFC 5965 ARF), or a DMARC aggregate report (an e-mail, or a bare .xml, .xml.gz or .zip file), as
 * {@code IsOobBounce}, {@code IsArfReport}, {@code IsDmarcReport} and {@code LogReport} do (CLI.md).
 */
@Command(name = "report", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {"Recognises and parses a bounce (RFC 3464 DSN, or a text bounce in an MTA's own words) or a"
                + " feedback report (RFC 5965 ARF, RFC 6591), or a DMARC aggregate report (RFC 7489 §7.2: an e-mail, or a"
                + " bare .xml, .xml.gz or .zip file).",
                "Prints {\"type\": \"dsn\" | \"arf\" | \"dmarc_aggregate\" | \"none\", ...} as JSON; for a bounce, \"source\" (rfc3464 |"
                        + " text) and per recipient its status, \"reason\" (sisimai's vocabulary) and \"hard_bounce\"."},
        footer = {"", "Exit status: 0 the message was read (whether a report or not); 2 usage error or unreadable"
                + " input."})
final class ReportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MESSAGE", description = "RFC 5322 message file, a DMARC aggregate report file (XML, gzip or zip), or - for standard input.")
    String message;

    @Option(names = "--mail-from", paramLabel = "ADDR",
            description = "The SMTP MAIL FROM the report came with (\"\" for the null sender, as bounces use).")
    String mailFrom;

    private final CliStreams streams;

    ReportCommand(CliStreams streams) {
        this.streams = streams;
    }

    @Override
    public Integer call() {
        byte[] bytes = MessageInput.read(message, streams.in());
        // a report e-mail, or a bare DMARC aggregate report file (.xml, .xml.gz, .zip); every record kept is
        // printed (at most ReportLimits.DEFAULT_MAX_RECORDS, with DEFAULT_MAX_KEPT_RESULTS results in all)
        Map<String, Object> report = ReportFields.of(new ReportParser().parseFile(bytes, mailFrom),
                ReportLimits.DEFAULT_MAX_RECORDS);
        ObjectNode out = JsonOutput.object();
        report.forEach((key, value) -> put(out, key, value));
        JsonOutput.write(out, streams.out());
        return ExitCodes.OK;
    }

    private static void put(ObjectNode node, String key, Object value) {
        if (value == null) {
            node.putNull(key);
        } else if (value instanceof Boolean b) {
            node.put(key, b);
        } else if (value instanceof Long n) {
            node.put(key, n);
        } else if (value instanceof Map<?, ?> map) {
            ObjectNode child = node.putObject(key);
            map.forEach((k, v) -> put(child, String.valueOf(k), v));
        } else if (value instanceof Collection<?> list) {
            ArrayNode array = node.putArray(key);
            for (Object item : list) {
                if (item instanceof Map<?, ?> map) {
                    ObjectNode child = array.addObject();
                    map.forEach((k, v) -> put(child, String.valueOf(k), v));
                } else if (item instanceof Long n) {
                    array.add(n);
                } else {
                    array.add(item == null ? null : String.valueOf(item));
                }
            }
        } else {
            node.put(key, String.valueOf(value));
        }
    }
}
