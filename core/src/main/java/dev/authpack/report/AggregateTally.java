package dev.authpack.report;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Adds up the {@link AggregateReport.Summary} of an aggregate report record by record while it is read, so that
 * records beyond those kept are still counted. Counts saturate at {@link AggregateReport#MAX_COUNT} (review s20:
 * ten counts of 999999999999999999 wrapped to a negative total); at most {@value #MAX_SOURCES} distinct failing
 * sources are tallied (the messages of a later new source still count in the totals).
 */
final class AggregateTally {
    /** Distinct failing source IPs tallied for the top list (a report's records, at most). */
    static final int MAX_SOURCES = ReportLimits.DEFAULT_MAX_RECORDS;

    private long records;
    private long total;
    private long dkimUnaligned;
    private long spfUnaligned;
    private long failing;
    private final Map<String, Long> bySource = new HashMap<>();

    void add(AggregateReport.Row r) {
        records = plus(records, 1);
        long count = r.count();
        total = plus(total, count);
        if (!r.dkimAligned()) {
            dkimUnaligned = plus(dkimUnaligned, count);
        }
        if (!r.spfAligned()) {
            spfUnaligned = plus(spfUnaligned, count);
        }
        if (!r.dkimAligned() && !r.spfAligned()) {
            failing = plus(failing, count);
            String source = String.valueOf(r.sourceIp());
            if (bySource.size() < MAX_SOURCES || bySource.containsKey(source)) {
                bySource.merge(source, count, AggregateTally::plus);
            }
        }
    }

    AggregateReport.Summary summary() {
        List<AggregateReport.SourceCount> top = new ArrayList<>();
        bySource.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(AggregateReport.TOP_FAILING_SOURCES)
                .forEach(e -> top.add(new AggregateReport.SourceCount(e.getKey(), e.getValue())));
        return new AggregateReport.Summary(records, total, dkimUnaligned, spfUnaligned, failing, top);
    }

    /** a + b for counts of at most MAX_COUNT each (no overflow: 2 * 2^53 is far below 2^63), at most MAX_COUNT. */
    static long plus(long a, long b) {
        return Math.min(AggregateReport.MAX_COUNT, a + b);
    }
}
