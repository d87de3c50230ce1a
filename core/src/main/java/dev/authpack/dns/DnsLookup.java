package dev.authpack.dns;

import java.util.List;
import java.util.Objects;

/**
 * The typed result of one DNS query.
 *
 * @param name      the queried name (lower case, no trailing dot)
 * @param type      the queried type
 * @param outcome   how the query ended
 * @param records   the records of the queried type (empty unless {@code outcome == RECORDS})
 * @param ttlSeconds the time this answer may be cached (minimum TTL of the records, or the negative TTL)
 * @param detail    a short human reason for failures (never null; empty when there is nothing to say)
 */
public record DnsLookup<T>(String name, DnsType type, DnsOutcome outcome, List<T> records, long ttlSeconds,
                           String detail) {

    public DnsLookup {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(outcome, "outcome");
        records = List.copyOf(records);
        detail = detail == null ? "" : detail;
    }

    public static <T> DnsLookup<T> of(String name, DnsType type, List<T> records, long ttlSeconds) {
        return new DnsLookup<>(name, type, records.isEmpty() ? DnsOutcome.NO_DATA : DnsOutcome.RECORDS,
                records, ttlSeconds, "");
    }

    public static <T> DnsLookup<T> failed(String name, DnsType type, DnsOutcome outcome, String detail) {
        return new DnsLookup<>(name, type, outcome, List.of(), 0, detail);
    }

    public boolean hasRecords() {
        return outcome == DnsOutcome.RECORDS;
    }
}
