package dev.authpack.report;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.time.Duration;
import java.util.Arrays;

import static dev.authpack.fuzz.FuzzInput.check;

/**
 * {@link ReportParser#parse(byte[], String)}, {@link ReportParser#parseFile} and {@link ReportParser#mayBeReport} on
 * arbitrary messages and files (bounces, DSNs, ARF reports, DMARC aggregate reports as XML, gzip, zip or e-mails). The first byte chooses the envelope sender (bits 0-1: unknown, the null reverse-path {@code ""},
 * an address, unknown) and the limits (bit 2: {@link ReportLimits#DEFAULTS}' sizes or {@link #SMALL}); the rest is the
 * message, raw bytes.
 *
 * <p>Allowed: nothing is thrown, and no exception is caught inside the parser either (its catch-all would turn one
 * into {@code NotAReport(UNPARSEABLE, "parse error: ...")}, which this target counts as a crash). Invariants: the
 * result is one of the four kinds with its required parts; a delivery report has 1 to {@code maxRecipients}
 * recipients and a feedback report at most {@code maxRecipients} original recipients; an aggregate report at most
 * {@code maxRecords} records and {@code maxAuthResults} results, reasons and errors; a message
 * {@code mayBeReport} rejects (and not multipart/report) is ordinary mail or an auto-reply; the same input gives an
 * equal result.
 */
class ReportParserFuzzTest {
    /**
     * No wall-clock bound in this target: "the same input gives an equal result" holds only for the size bounds,
     * and an instrumented run on a loaded machine can pass the default second ({@code ReportParserTest} covers
     * the time bound).
     */
    private static final Duration UNBOUNDED = Duration.ofHours(1);
    /** Small limits, so the fuzzer reaches every bound with short inputs. */
    static final ReportLimits SMALL = new ReportLimits(4096, 2, 4, 16, 512, 2, UNBOUNDED);
    private static final ReportLimits DEFAULTS = new ReportLimits(ReportLimits.DEFAULTS.maxOctets(),
            ReportLimits.DEFAULTS.maxDepth(), ReportLimits.DEFAULTS.maxParts(), ReportLimits.DEFAULTS.maxHeaderFields(),
            ReportLimits.DEFAULTS.maxTextChars(), ReportLimits.DEFAULTS.maxRecipients(), UNBOUNDED);
    private static final ReportParser DEFAULT = new ReportParser(DEFAULTS);
    private static final ReportParser SMALL_PARSER = new ReportParser(SMALL);

    @FuzzTest
    void parse(byte[] data) {
        fuzzerTestOneInput(data);
    }

    public static void fuzzerTestOneInput(byte[] data) {
        if (data.length == 0) {
            return;
        }
        String envelopeSender = switch (data[0] & 0x03) {
            case 1 -> "";
            case 2 -> "sender@example.org";
            default -> null;
        };
        boolean small = (data[0] & 0x04) != 0;
        ReportLimits limits = small ? SMALL : DEFAULTS;
        ReportParser parser = small ? SMALL_PARSER : DEFAULT;
        byte[] message = Arrays.copyOfRange(data, 1, data.length);
        String shown = new String(message, java.nio.charset.StandardCharsets.ISO_8859_1);

        Report report = parser.parse(message, envelopeSender);
        check(report != null, "no result", shown);
        if (report instanceof NotAReport not) {
            check(not.kind() != null && not.reason() != null, "incomplete " + not, shown);
            check(!not.reason().startsWith("parse error"), "exception inside the parser: " + not.reason(), shown);
        } else if (report instanceof DeliveryReport dsn) {
            check(!dsn.recipients().isEmpty(), "delivery report without recipients", shown);
            check(dsn.recipients().size() <= limits.maxRecipients(),
                    "recipients " + dsn.recipients().size() + " > " + limits.maxRecipients(), shown);
            check(dsn.source() != null && dsn.original() != null, "incomplete " + dsn, shown);
        } else if (report instanceof FeedbackReport arf) {
            check(arf.feedbackType() != null && arf.original() != null, "incomplete " + arf, shown);
            check(arf.originalRcptTo().size() <= limits.maxRecipients(),
                    "original recipients " + arf.originalRcptTo().size() + " > " + limits.maxRecipients(), shown);
        } else if (report instanceof AggregateReport rua) {
            checkAggregate(rua, limits, shown);
        } else {
            throw new AssertionError("unknown kind of report " + report.getClass() + " for input " + shown);
        }

        MimeScan scan = MimeScan.of(message, limits);
        boolean may = ReportParser.mayBeReport(scan.headers()::get, envelopeSender);
        if (!may && !"multipart/report".equals(scan.topType())) {
            check(report instanceof NotAReport not && (not.kind() == NotAReport.Kind.ORDINARY
                    || not.kind() == NotAReport.Kind.AUTO_REPLY), "mayBeReport false but " + report, shown);
        }
        check(report.equals(parser.parse(message, envelopeSender)), "not deterministic: " + report, shown);

        // the same bytes as a file given to the command line: a bare aggregate report (XML, gzip, zip) or a message
        Report file = parser.parseFile(message, envelopeSender);
        check(file != null, "no result for the file", shown);
        if (file instanceof NotAReport not) {
            check(!not.reason().startsWith("parse error"), "exception inside the parser: " + not.reason(), shown);
        } else if (file instanceof AggregateReport rua) {
            checkAggregate(rua, limits, shown);
        }
    }

    /** An aggregate report within the limits: records, results per record, values at most 1000 characters. */
    static void checkAggregate(AggregateReport rua, ReportLimits limits, String shown) {
        check(rua.records().size() <= limits.maxRecords(), "records " + rua.records().size(), shown);
        for (AggregateReport.Row row : rua.records()) {
            check(row.dkimResults().size() <= limits.maxAuthResults()
                    && row.spfResults().size() <= limits.maxAuthResults()
                    && row.reasons().size() <= limits.maxAuthResults(), "results beyond the limit", shown);
            check(row.count() >= 0, "negative count", shown);
            check(row.sourceIp() == null || row.sourceIp().length() <= 1000, "long value", shown);
        }
        check(rua.metadata().errors().size() <= limits.maxAuthResults(), "errors beyond the limit", shown);
    }
}
