package dev.authpack.report;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Unpacks the file of a DMARC aggregate report (RFC 7489 §7.2.1.1: XML, gzip or zip), recognised by its first bytes
 * rather than its name or media type (reporters label them loosely). Decompression is bounded: the output may not
 * exceed {@link ReportLimits#maxXmlOctets()} nor, beyond {@link ReportLimits#RATIO_FLOOR_OCTETS},
 * {@link ReportLimits#maxCompressionRatio()} times the compressed size; a zip holds the report in its first entry
 * whose name ends in {@code .xml} (else its first entry), at most {@value #MAX_ZIP_ENTRIES} entries are looked at.
 * The bound holds for all the octets inflated from the file, also those of the zip entries skipped to reach the
 * report (which {@link ZipInputStream#getNextEntry()} would otherwise inflate whole and unseen: review s20, three
 * skipped entries of 600 MiB of zeros in a 1.8 MB zip), and the deadline is looked at every 8 KiB of them.
 * What goes beyond is {@link Rejected}, never a larger buffer. The sizes a zip or gzip header declares are not
 * trusted: only the bytes actually produced are counted. A gzip file is read member after member in one loop, at
 * most {@value Gzip#MAX_MEMBERS} members ({@link Gzip}; the JDK's reader recursed once per member).
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
                return new Unpacked(Gzip.members(file, new Inflated(file.length, limits, deadline, "gzip")), "gzip");
            }
            if (isZip(file)) {
                return new Unpacked(zipEntry(file, new Inflated(file.length, limits, deadline, "zip")), "zip");
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new Rejected("cannot decompress: " + e.getMessage());
        }
        if (file.length > limits.maxXmlOctets()) {
            throw new Rejected("XML larger than " + limits.maxXmlOctets() + " octets");
        }
        return new Unpacked(file, "none");
    }

    private static byte[] zipEntry(byte[] file, Inflated inflated) throws IOException, Rejected {
        byte[] first = null;
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(file))) {
            ZipEntry entry;
            for (int n = 0; (entry = zip.getNextEntry()) != null; n++) {
                if (n >= MAX_ZIP_ENTRIES) {
                    break;
                }
                boolean xml = entry.getName().toLowerCase(Locale.ROOT).endsWith(".xml");
                if (!entry.isDirectory() && (xml || first == null)) {
                    byte[] content = inflated.read(zip);
                    if (xml) {
                        return content;
                    }
                    first = content;
                } else {
                    // read to its end here, counted, so that getNextEntry has nothing left to inflate unseen
                    inflated.skip(zip);
                }
            }
        }
        if (first == null) {
            throw new Rejected("zip file without an entry");
        }
        return first;
    }

    /**
     * The octets inflated from one file, counted over all its entries: at most {@code maxXmlOctets} and, beyond
     * {@link ReportLimits#RATIO_FLOOR_OCTETS}, {@code maxCompressionRatio} times the compressed size.
     */
    static final class Inflated {
        private final int compressed;
        private final ReportLimits limits;
        private final Deadline deadline;
        private final String kind;
        private final long limit;
        private final byte[] buffer = new byte[8192];
        private long total;

        Inflated(int compressed, ReportLimits limits, Deadline deadline, String kind) {
            this.compressed = compressed;
            this.limits = limits;
            this.deadline = deadline;
            this.kind = kind;
            long byRatio = Math.max((long) ReportLimits.RATIO_FLOOR_OCTETS,
                    (long) compressed * limits.maxCompressionRatio());
            this.limit = Math.min(limits.maxXmlOctets(), byRatio);
        }

        /** Reads {@code in} whole, within the bound. */
        byte[] read(InputStream in) throws IOException, Rejected {
            ByteArrayOutputStream out = output();
            int n;
            while ((n = next(in)) > 0) {
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        }

        /**
         * Inflates {@code inflater}'s input into {@code out} (and {@code crc}) up to the end of its deflate stream,
         * within the bound; the octets it produced.
         */
        long inflate(java.util.zip.Inflater inflater, ByteArrayOutputStream out, java.util.zip.CRC32 crc)
                throws java.util.zip.DataFormatException, Rejected {
            long produced = 0;
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new Rejected(kind + " data cut short or needing a preset dictionary");
                }
                deadline.check();
                if (n > 0) {
                    if (total + n > limit) {
                        throw bomb();
                    }
                    total += n;
                    produced += n;
                    out.write(buffer, 0, n);
                    crc.update(buffer, 0, n);
                }
            }
            return produced;
        }

        /** An output buffer sized for the file, within the bound. */
        ByteArrayOutputStream output() {
            return new ByteArrayOutputStream(
                    (int) Math.min(Math.min((long) compressed * 8, limit - total), Integer.MAX_VALUE - 16) + 16);
        }

        private Rejected bomb() {
            return new Rejected(kind + " expands beyond " + limit + " octets (limits: "
                    + limits.maxXmlOctets() + " octets, " + limits.maxCompressionRatio()
                    + " times the compressed size): a decompression bomb?");
        }

        /** Reads {@code in} to its end, within the bound, keeping nothing. */
        void skip(InputStream in) throws IOException, Rejected {
            while (next(in) > 0) {
                // counted and dropped
            }
        }

        private int next(InputStream in) throws IOException, Rejected {
            int n = in.read(buffer);
            if (n > 0) {
                deadline.check();
                if (total + n > limit) {
                    throw bomb();
                }
                total += n;
            }
            return n;
        }
    }
}
