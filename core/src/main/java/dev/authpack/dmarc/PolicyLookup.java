package dev.authpack.dmarc;

import dev.authpack.dns.DnsLookup;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@code _dmarc.<domain>} holds: exactly one DMARC record, none, several (all discarded: RFC 9989 §4.10
 * step 2, RFC 7489 §6.6.3 step 5), or a DNS error.
 *
 * @param domain the domain (without {@code _dmarc.})
 * @param kind   the outcome
 * @param record the record when {@code kind == FOUND}, else null
 * @param detail a short description for reasons (DNS detail, number of records)
 * @param localOverload an {@code ERROR} because this server's resolver did not send the query
 *               ({@link DnsLookup#localOverload()}): nothing is known about the name
 */
record PolicyLookup(String domain, Kind kind, DmarcRecord record, String detail, boolean localOverload) {
    enum Kind { FOUND, ABSENT, MULTIPLE, ERROR }

    PolicyLookup(String domain, Kind kind, DmarcRecord record, String detail) {
        this(domain, kind, record, detail, false);
    }

    boolean found() {
        return kind == Kind.FOUND;
    }

    static PolicyLookup absent(String domain, String detail) {
        return new PolicyLookup(domain, Kind.ABSENT, null, detail);
    }

    static PolicyLookup of(String domain, DnsLookup<String> lookup, DmarcRecordCache records) {
        switch (lookup.outcome()) {
            case TEMP_FAILURE, TIMEOUT -> {
                String why = lookup.detail().isEmpty() ? "" : " (" + lookup.detail() + ")";
                if (lookup.localOverload()) {
                    // not the domain's DNS: this server did not ask (docs/dmarc.md "Fail-closed rules")
                    return new PolicyLookup(domain, Kind.ERROR, null, "_dmarc." + domain + " not looked up: this"
                            + " server's DNS resolver is overloaded" + why, true);
                }
                return new PolicyLookup(domain, Kind.ERROR, null,
                        "DNS " + lookup.outcome() + " for _dmarc." + domain + why);
            }
            case NXDOMAIN, NO_DATA -> {
                return absent(domain, "no DMARC record at _dmarc." + domain);
            }
            default -> {
                List<String> dmarc = new ArrayList<>(1);
                for (String txt : lookup.records()) {
                    if (DmarcRecordParser.isDmarcRecord(txt)) {
                        dmarc.add(txt);
                    }
                }
                if (dmarc.isEmpty()) {
                    return absent(domain, "no DMARC record at _dmarc." + domain);
                }
                if (dmarc.size() > 1) {
                    return new PolicyLookup(domain, Kind.MULTIPLE, null,
                            dmarc.size() + " DMARC records at _dmarc." + domain + " (all discarded)");
                }
                return new PolicyLookup(domain, Kind.FOUND, records.parse(dmarc.get(0)),
                        "DMARC record at _dmarc." + domain);
            }
        }
    }
}
