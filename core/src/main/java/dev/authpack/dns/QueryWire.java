package dev.authpack.dns;

import java.util.Arrays;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Section;

/**
 * The octets of one query as sent: the caller's message (not changed) with the query's own ID and, when it has
 * none, an EDNS OPT record offering our UDP payload size (RFC 6891 §6.1.2, §6.2.5). A plain question (nothing in
 * the additional section, the usual case) is encoded once and the OPT record appended as octets, with no copy of
 * the message; anything else is copied and encoded by dnsjava.
 */
final class QueryWire {

    /** RFC 1035 §4.1.1: offsets of the ID and of ARCOUNT in the header. */
    static final int ID_OFFSET = 0;
    static final int ARCOUNT_OFFSET = 10;
    /** RFC 6891 §6.1.2: OPT with the root owner name, no options: name (1) type (2) class (2) TTL (4) RDLEN (2). */
    static final int PLAIN_OPT_LENGTH = 11;
    private static final int TYPE_OPT = 41;

    private QueryWire() {
    }

    /** {@code query} on the wire with ID {@code id} and an OPT record offering {@code ednsPayload} octets. */
    static byte[] of(Message query, int id, int ednsPayload) {
        byte[] wire;
        if (query.getOPT() == null && query.getSection(Section.ADDITIONAL).isEmpty()) {
            byte[] plain = query.toWire();
            wire = Arrays.copyOf(plain, plain.length + PLAIN_OPT_LENGTH);
            wire[ARCOUNT_OFFSET] = 0;
            wire[ARCOUNT_OFFSET + 1] = 1;
            int i = plain.length;
            wire[i + 1] = (byte) (TYPE_OPT >>> 8);
            wire[i + 2] = (byte) TYPE_OPT;
            wire[i + 3] = (byte) (ednsPayload >>> 8);
            wire[i + 4] = (byte) ednsPayload;
            // root name, extended RCODE, version, flags and RDLENGTH are all zero
        } else {
            Message copy = query.clone();
            if (copy.getOPT() == null) {
                copy.addRecord(new OPTRecord(ednsPayload, 0, 0), Section.ADDITIONAL);
            }
            wire = copy.toWire();
        }
        wire[ID_OFFSET] = (byte) (id >>> 8);
        wire[ID_OFFSET + 1] = (byte) id;
        return wire;
    }
}
