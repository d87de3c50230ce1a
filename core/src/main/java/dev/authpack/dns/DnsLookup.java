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
 * @param localOverload a {@link DnsOutcome#TEMP_FAILURE} because the resolver itself did not send the query (too
 *                  many queries in flight, its I/O pool full): it says nothing about the name, and asking again
 *                  later may be answered; so it is not to be remembered as the name's answer ({@link #overloaded})
 */
public record DnsLookup<T>(String name, DnsType type, DnsOutcome outcome, List<T> records, long ttlSeconds,
                           String detail, boolean localOverload) {

    public DnsLookup {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(outcome, "outcome");
        records = List.copyOf(records);
        detail = detail == null ? "" : detail;
        if (localOverload && outcome != DnsOutcome.TEMP_FAILURE) {
            throw new IllegalArgumentException("a local overload is a TEMP_FAILURE, not " + outcome);
        }
    }

    /** An answer, or a failure that is not a local overload. */
    public DnsLookup(String name, DnsType type, DnsOutcome outcome, List<T> records, long ttlSeconds, String detail) {
        this(name, type, outcome, records, ttlSeconds, detail, false);
    }

    public static <T> DnsLookup<T> of(String name, DnsType type, List<T> records, long ttlSeconds) {
        return new DnsLookup<>(name, type, records.isEmpty() ? DnsOutcome.NO_DATA : DnsOutcome.RECORDS,
                records, ttlSeconds, "");
    }

    public static <T> DnsLookup<T> failed(String name, DnsType type, DnsOutcome outcome, String detail) {
        return new DnsLookup<>(name, type, outcome, List.of(), 0, detail);
    }

    /** A {@link DnsOutcome#TEMP_FAILURE} because the resolver was at its bound and did not send the query. */
    public static <T> DnsLookup<T> overloaded(String name, DnsType type, String detail) {
        return new DnsLookup<>(name, type, DnsOutcome.TEMP_FAILURE, List.of(), 0, detail, true);
    }

    public boolean hasRecords() {
        return outcome == DnsOutcome.RECORDS;
    }
}
