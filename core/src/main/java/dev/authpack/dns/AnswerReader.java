package dev.authpack.dns;

import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/**
 * Turns one DNS answer (RCODE, answer and authority sections) into a typed outcome, following the CNAME chain
 * inside the answer. Shared by the network and the zone-file resolvers so both read answers the same way. Only
 * records of class IN, of the name asked (or of the chain's next name) and of the type asked count; anything else
 * in the answer is ignored (review s22: a record of another class was taken).
 */
final class AnswerReader {

    /** Longest CNAME chain followed for one lookup, over all queries it takes. */
    static final int MAX_CNAME_HOPS = 8;
    /** Negative TTL used when the answer carries no SOA (RFC 2308 §5 leaves it to the resolver). */
    static final long DEFAULT_NEGATIVE_TTL = 300;
    /** RFC 2308 §5: negative answers should not be cached longer than a few hours; we use one. */
    static final long MAX_NEGATIVE_TTL = 3600;

    private AnswerReader() {
    }

    /** What to do with an answer. */
    sealed interface Step permits Done, Follow {
    }

    /** Final: the outcome for the name first asked. {@code ttl} is already the minimum over the chain. */
    record Done(DnsOutcome outcome, List<Record> records, long ttl, String detail) implements Step {
    }

    /** The chain leads to {@code target} and this answer has nothing more: ask for the target. */
    record Follow(Name target, long ttl, int hopsUsed) implements Step {
    }

    /**
     * @param hopsUsed CNAMEs already followed in earlier queries of the same lookup
     * @param ttlSoFar minimum TTL of those CNAMEs ({@link Long#MAX_VALUE} if none)
     */
    static Step read(int rcode, List<Record> answer, List<Record> authority, Name qname, int qtype, int hopsUsed,
                     long ttlSoFar) {
        if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
            return new Done(DnsOutcome.TEMP_FAILURE, List.of(), 0, "DNS server answered " + Rcode.string(rcode));
        }
        Name current = qname;
        long ttl = ttlSoFar;
        int hops = hopsUsed;
        // Bounded: each turn either returns or follows one CNAME, and hops are capped.
        while (true) {
            List<Record> found = new ArrayList<>();
            CNAMERecord cname = null;
            for (Record r : answer) {
                // every question is of class IN: a record of another class (CHAOS, ANY...) answers nothing here
                if (r.getDClass() != DClass.IN || !r.getName().equals(current)) {
                    continue;
                }
                if (r.getType() == qtype) {
                    found.add(r);
                } else if (r.getType() == Type.CNAME && cname == null) {
                    cname = (CNAMERecord) r;
                }
            }
            if (!found.isEmpty()) {
                for (Record r : found) {
                    ttl = Math.min(ttl, r.getTTL());
                }
                return new Done(DnsOutcome.RECORDS, found, ttl, "");
            }
            if (cname == null || qtype == Type.CNAME) {
                break;
            }
            if (++hops > MAX_CNAME_HOPS) {
                return new Done(DnsOutcome.TEMP_FAILURE, List.of(), 0,
                        "CNAME chain longer than " + MAX_CNAME_HOPS + " (or a loop)");
            }
            ttl = Math.min(ttl, cname.getTTL());
            current = cname.getTarget();
        }
        long negativeTtl = Math.min(ttl, negativeTtl(authority));
        if (rcode == Rcode.NXDOMAIN) {
            // RFC 6604 §3: with a CNAME chain, NXDOMAIN is about the last name of the chain
            return new Done(DnsOutcome.NXDOMAIN, List.of(), negativeTtl, "");
        }
        if (!current.equals(qname)) {
            // The server stopped at a name it does not serve (an authoritative server does that): ask again.
            return new Follow(current, ttl, hops);
        }
        return new Done(DnsOutcome.NO_DATA, List.of(), negativeTtl, "");
    }

    /** RFC 2308 §5: the negative TTL is min(SOA TTL, SOA MINIMUM), capped by {@link #MAX_NEGATIVE_TTL}. */
    static long negativeTtl(List<Record> authority) {
        for (Record r : authority) {
            if (r instanceof SOARecord soa) {
                return Math.min(MAX_NEGATIVE_TTL, Math.min(soa.getTTL(), soa.getMinimum()));
            }
        }
        return DEFAULT_NEGATIVE_TTL;
    }
}
