package dev.authpack.dns;

import java.util.Arrays;
import org.xbill.DNS.Type;

/**
 * Cuts an MX or PTR answer to its first {@link #MAX_NAME_RECORDS} answer records on the wire, before dnsjava parses
 * it: dnsjava makes a {@code Record} and two {@code Name}s of every record, and a 64 KiB TCP answer of some 2,800 MX
 * or PTR records took 1-2 MB of heap while its check ran (then our name list and the cache entry, weighed only after
 * it was built). What is kept is what the checks use: SPF looks at the first {@code maxMxNames} MX hosts (more is a
 * permerror, RFC 7208 §4.6.4) and the first {@code maxPtrNames} PTR names, iprev at its first names (RFC 8601 §3
 * practice; 10 by default), each at most 100, so 101 records still tell "more than 100". The cut answer holds its
 * header, question and those records (name compression points backwards, into what is kept; RFC 1035 §4.1.4), with
 * no authority or additional records (a positive answer needs none). An answer the walk cannot read is left to
 * dnsjava, which refuses it.
 *
 * <p>Of a set larger than that, the records the server put first are the ones kept: the SPF {@code mx} sort by
 * preference sees only them (the result is a permerror anyway unless one of the first hosts matches).
 */
final class AnswerTrim {
    /** Most answer records of an MX or PTR answer parsed: the largest SPF or iprev name limit (100) and one. */
    static final int MAX_NAME_RECORDS = DnsResolver.MAX_NAME_RECORDS;
    private static final int HEADER = 12;

    private AnswerTrim() {
    }

    /**
     * {@code octets} (a whole DNS message) cut to its first {@link #MAX_NAME_RECORDS} answer records when the
     * question {@code qtype} is MX or PTR and it has more, a new array; {@code octets} itself otherwise.
     */
    static byte[] trim(byte[] octets, int qtype) {
        if (qtype != Type.MX && qtype != Type.PTR || octets.length < HEADER) {
            return octets;
        }
        int questions = u16(octets, 4);
        int answers = u16(octets, 6);
        if (answers <= MAX_NAME_RECORDS) {
            return octets;
        }
        int p = HEADER;
        for (int i = 0; i < questions && p >= 0; i++) {
            p = skipName(octets, p);
            p = p < 0 || p + 4 > octets.length ? -1 : p + 4;
        }
        for (int i = 0; i < MAX_NAME_RECORDS && p >= 0; i++) {
            p = skipName(octets, p);
            if (p < 0 || p + 10 > octets.length) {
                return octets;
            }
            p += 10 + u16(octets, p + 8);
            if (p > octets.length) {
                return octets;
            }
        }
        if (p < 0) {
            return octets;
        }
        byte[] cut = Arrays.copyOf(octets, p);
        cut[6] = (byte) (MAX_NAME_RECORDS >>> 8);
        cut[7] = (byte) MAX_NAME_RECORDS;
        // NSCOUNT and ARCOUNT: those sections are not in the cut answer
        cut[8] = 0;
        cut[9] = 0;
        cut[10] = 0;
        cut[11] = 0;
        return cut;
    }

    /** The offset after the (possibly compressed) name at {@code p}, or -1 if it runs past the end. */
    private static int skipName(byte[] octets, int p) {
        // each label moves forward, so the walk ends within the message
        while (p < octets.length) {
            int len = octets[p] & 0xff;
            if (len == 0) {
                return p + 1;
            }
            if ((len & 0xc0) == 0xc0) {
                return p + 2 <= octets.length ? p + 2 : -1;
            }
            if ((len & 0xc0) != 0) {
                return -1;
            }
            p += 1 + len;
        }
        return -1;
    }

    private static int u16(byte[] octets, int at) {
        return (octets[at] & 0xff) << 8 | octets[at + 1] & 0xff;
    }
}
