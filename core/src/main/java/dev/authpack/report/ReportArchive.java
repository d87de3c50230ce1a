package dev.authpack.report;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Unpacks the file of a DMARC aggregate report (RFC 7489 §7.2.1.1: XML, gzip or zip), recognised by its first bytes
 * rather than its name or media type (reporters label them loosely). Decompression is bounded: the output may not
 * exceed {@link ReportLimits#maxXmlOctets()} nor, beyond {@link ReportLimits#RATIO_FLOOR_OCTETS},
 * {@link ReportLimits#maxCompressionRatio()} times the compressed size; a zip holds the report in its first entry
 * whose name ends in {@code .xml} (else its first entry), at most {@value #MAX_ZIP_ENTRIES} entries are looked at.
 * What goes beyond is {@link Rejected}, never a larger buffer. The sizes a zip or gzip header declares are not
 * trusted: only the bytes actually produced are counted.
 */
final class ReportArchive {
    /** Entries of a zip looked at for the report (a report zip has one). */
    static final int MAX_ZIP_ENTRIES = 16;

    /** The unpacked XML and how it was compressed ({@code none}, {@code gzip} or {@code zip}). */
    record Unpacked(byte[] xml, String compression) {
    }

    /** The file cannot be unpacked within the limits, or is not a gzip or zip file it claims to be. */
    static final class Rejected extends Exception {
        Rejected(String reason) {
            super(reason, null, false, false);
        }
    }

    private ReportArchive() {
    }

    static boolean isGzip(byte[] b) {
        return b.length >= 2 && (b[0] & 0xFF) == 0x1F && (b[1] & 0xFF) == 0x8B;
    }

    static boolean isZip(byte[] b) {
        return b.length >= 4 && b[0] == 'P' && b[1] == 'K' && b[2] == 3 && b[3] == 4;
    }

    static Unpacked unpack(byte[] file, ReportLimits limits, Deadline deadline) throws Rejected {
        if (file.length == 0) {
            throw new Rejected("empty file");
        }
        try {
            if (isGzip(file)) {
                try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(file))) {
                    return new Unpacked(bounded(in, file.length, limits, deadline, "gzip"), "gzip");
                }
            }
            if (isZip(file)) {
                return new Unpacked(zipEntry(file, limits, deadline), "zip");
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new Rejected("cannot decompress: " + e.getMessage());
        }
        if (file.length > limits.maxXmlOctets()) {
            throw new Rejected("XML larger than " + limits.maxXmlOctets() + " octets");
        }
        return new Unpacked(file, "none");
    }

    private static byte[] zipEntry(byte[] file, ReportLimits limits, Deadline deadline) throws IOException, Rejected {
        byte[] first = null;
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(file))) {
            ZipEntry entry;
            for (int n = 0; (entry = zip.getNextEntry()) != null; n++) {
                if (n >= MAX_ZIP_ENTRIES) {
                    break;
                }
                if (entry.isDirectory()) {
                    continue;
                }
                boolean xml = entry.getName().toLowerCase(Locale.ROOT).endsWith(".xml");
                if (xml || first == null) {
                    byte[] content = bounded(zip, file.length, limits, deadline, "zip");
                    if (xml) {
                        return content;
                    }
                    first = content;
                }
            }
        }
        if (first == null) {
            throw new Rejected("zip file without an entry");
        }
        return first;
    }

    /** Reads {@code in} whole, within the size and ratio bounds. */
    private static byte[] bounded(InputStream in, int compressed, ReportLimits limits, Deadline deadline,
                                  String kind) throws IOException, Rejected {
        long byRatio = Math.max((long) ReportLimits.RATIO_FLOOR_OCTETS,
                (long) compressed * limits.maxCompressionRatio());
        long limit = Math.min(limits.maxXmlOctets(), byRatio);
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(compressed * 8, (int) limit) + 16);
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) > 0) {
            deadline.check();
            if (out.size() + (long) n > limit) {
                throw new Rejected(kind + " expands beyond " + limit + " octets (limits: "
                        + limits.maxXmlOctets() + " octets, " + limits.maxCompressionRatio()
                        + " times the compressed size): a decompression bomb?");
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }
}
