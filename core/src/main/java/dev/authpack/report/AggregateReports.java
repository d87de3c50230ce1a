package dev.authpack.report;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Finds a DMARC aggregate report (RFC 7489 §7.2.1.1) in an e-mail or a file. In an e-mail: the top-level body or
 * an attachment that is XML, gzip or zip by media type ({@code text/xml}, {@code application/xml},
 * {@code application/gzip}, {@code application/x-gzip}, {@code application/zip}, ...) or a generic type with a
 * {@code .xml}, {@code .gz} or {@code .zip} file name, whose XML root is {@code feedback}: that root is the proof.
 * The RFC 7489 §7.2.1.1 Subject ({@code Report Domain: ... Submitter: ... Report-ID: ...}) is only a hint that
 * the body is worth reading ({@link #hint}), never proof: a message with that Subject and no such attachment is
 * not a report.
 */
final class AggregateReports {
    /** Words of a report's Subject or From (lower case) that make the body worth reading. */
    private static final List<String> HINT_WORDS = List.of("report domain", "report-id:", "dmarc");

    private AggregateReports() {
    }

    /** What a search found: the report, or why the candidates were not one (null when there was none). */
    record Found(AggregateReport report, String rejection) {
    }

    /**
     * From the top-level header alone: may the message carry an aggregate report? An XML, gzip or zip body (by
     * media type, or a generic type with such a file name), or the report Subject or a DMARC sender (hints).
     *
     * @param contentType the top-level Content-Type, unfolded, lower case (or null)
     * @param header      the top-level header fields by name (Content-Disposition is looked up only when needed)
     * @param subject     the Subject, decoded, lower case (or null)
     * @param from        the From field, lower case (or null)
     */
    static boolean hint(String contentType, Function<String, String> header, String subject, String from) {
        if (contentType != null) {
            String type = contentType.split("[;\\s]", 2)[0];
            if (MimeScan.mayBeAggregate(type, null)) {
                return true;
            }
            if (type.startsWith("application/")) {
                String disposition = Headers.lower(Headers.unfold(header.apply("Content-Disposition")));
                if (MimeScan.mayBeAggregate(type, archiveName(contentType + ";" + disposition))) {
                    return true;
                }
            }
        }
        return subject != null && containsAny(subject) || from != null && from.contains("dmarc");
    }

    /** A stand-in file name when the header names a file ending in .xml, .gz or .zip, else null. */
    private static String archiveName(String lowerFields) {
        for (String ext : List.of(".xml", ".gz", ".zip")) {
            if (lowerFields.contains(ext)) {
                return "x" + ext;
            }
        }
        return null;
    }

    private static boolean containsAny(String lower) {
        for (String word : HINT_WORDS) {
            if (lower.contains(word)) {
                return true;
            }
        }
        return false;
    }

    /** The first attachment (or body) of {@code scan} that is an aggregate report. */
    static Found find(MimeScan scan, ReportLimits limits, Deadline deadline) {
        String rejection = null;
        for (MimeScan.Part part : scan.parts()) {
            if (part.content() == null) {
                continue;
            }
            deadline.check();
            try {
                return new Found(read(part.content(), part.fileName(), limits, deadline), null);
            } catch (ReportArchive.Rejected | AggregateXml.Rejected e) {
                if (rejection == null) {
                    rejection = (part.fileName() == null ? part.mimeType() : part.fileName()) + ": "
                            + e.getMessage();
                }
            }
        }
        return new Found(null, rejection);
    }

    /** A report file: XML, or gzip or zip of XML (recognised by its first bytes). */
    static AggregateReport read(byte[] file, String fileName, ReportLimits limits, Deadline deadline)
            throws ReportArchive.Rejected, AggregateXml.Rejected {
        ReportArchive.Unpacked unpacked = ReportArchive.unpack(file, limits, deadline);
        return AggregateXml.parse(unpacked.xml(), unpacked.compression(), fileName, limits, deadline);
    }

    /** Whether a file given to the command line is a bare report (gzip, zip or XML) rather than an e-mail. */
    static boolean isBareFile(byte[] file) {
        if (ReportArchive.isGzip(file) || ReportArchive.isZip(file)) {
            return true;
        }
        int i = 0;
        if (file.length >= 3 && (file[0] & 0xFF) == 0xEF && (file[1] & 0xFF) == 0xBB && (file[2] & 0xFF) == 0xBF) {
            i = 3;
        }
        if (file.length >= 2 && ((file[0] & 0xFF) == 0xFE || (file[0] & 0xFF) == 0xFF)) {
            return true;
        }
        while (i < file.length && (file[i] == ' ' || file[i] == '\t' || file[i] == '\r' || file[i] == '\n')) {
            i++;
        }
        return i < file.length && file[i] == '<';
    }
}
