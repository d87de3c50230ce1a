package dev.authpack.report;

import java.io.ByteArrayOutputStream;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A gzip file (RFC 1952) inflated member after member in one loop, within {@link ReportArchive.Inflated}'s bound and
 * at most {@value #MAX_MEMBERS} members. The JDK's {@code GZIPInputStream} reads the next member by calling itself:
 * ~100,000 empty members (2 MB) overflowed its stack (review s20, then caught as a {@code StackOverflowError}).
 * Each member's header, CRC-32 and size are checked (RFC 1952 §2.3.1); what follows the last member and does not
 * start a member (RFC 1952 §2.2: ID1 ID2) is ignored, as gzip(1) and the JDK do.
 */
final class Gzip {
    /** Members read: a report's gzip has one; bgzip-style block files of a 16 MB report have a few hundred. */
    static final int MAX_MEMBERS = 1000;
    private static final int FHCRC = 2;
    private static final int FEXTRA = 4;
    private static final int FNAME = 8;
    private static final int FCOMMENT = 16;
    private static final int RESERVED = 0xE0;

    private Gzip() {
    }

    /** The members' content, joined. */
    static byte[] members(byte[] file, ReportArchive.Inflated inflated) throws ReportArchive.Rejected {
        ByteArrayOutputStream out = inflated.output();
        Inflater inflater = new Inflater(true);
        try {
            int pos = 0;
            int members = 0;
            while (pos == 0 || pos + 1 < file.length && (file[pos] & 0xFF) == 0x1F && (file[pos + 1] & 0xFF) == 0x8B) {
                if (++members > MAX_MEMBERS) {
                    throw new ReportArchive.Rejected("more than " + MAX_MEMBERS + " gzip members");
                }
                int start = header(file, pos);
                inflater.reset();
                inflater.setInput(file, start, file.length - start);
                CRC32 crc = new CRC32();
                long size = inflated.inflate(inflater, out, crc);
                int trailer = file.length - inflater.getRemaining();
                if (trailer + 8 > file.length) {
                    throw new ReportArchive.Rejected("gzip member without its CRC-32 and size");
                }
                if ((int) crc.getValue() != le32(file, trailer) || (int) size != le32(file, trailer + 4)) {
                    throw new ReportArchive.Rejected("gzip member with a wrong CRC-32 or size");
                }
                pos = trailer + 8;
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new ReportArchive.Rejected("cannot decompress: " + e.getMessage());
        } finally {
            inflater.end();
        }
    }

    /** Where the member at {@code pos} has its deflate data: after its header (RFC 1952 §2.3). */
    private static int header(byte[] file, int pos) throws ReportArchive.Rejected {
        if (pos + 10 > file.length || file[pos + 2] != 8) {
            throw new ReportArchive.Rejected("not a gzip member (RFC 1952: compression method 8, deflate)");
        }
        int flags = file[pos + 3] & 0xFF;
        if ((flags & RESERVED) != 0) {
            throw new ReportArchive.Rejected("gzip header with reserved flags set");
        }
        int p = pos + 10;
        if ((flags & FEXTRA) != 0) {
            if (p + 2 > file.length) {
                throw new ReportArchive.Rejected("gzip header cut short");
            }
            p += 2 + (file[p] & 0xFF | (file[p + 1] & 0xFF) << 8);
        }
        for (int flag : new int[] {FNAME, FCOMMENT}) {
            if ((flags & flag) != 0) {
                while (p < file.length && file[p] != 0) {
                    p++;
                }
                p++;
            }
        }
        if ((flags & FHCRC) != 0) {
            p += 2;
        }
        if (p > file.length) {
            throw new ReportArchive.Rejected("gzip header cut short");
        }
        return p;
    }

    private static int le32(byte[] b, int p) {
        return b[p] & 0xFF | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16 | (b[p + 3] & 0xFF) << 24;
    }
}
