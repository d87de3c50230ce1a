package dev.authpack.dns;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import dev.authpack.zonefile.ZoneData;
import org.xbill.DNS.Name;

/**
 * Answers every question from RFC 1035 master files, with no network: for the CLI's {@code --dns-records} and for
 * tests. {@code $ORIGIN} and {@code $TTL} work; relative names before any {@code $ORIGIN} are relative to the root;
 * records without a TTL and no {@code $TTL} get {@value ZoneData#DEFAULT_TTL} s. A name without records is
 * NXDOMAIN, a name with other types only is no data, CNAMEs are followed, wildcards are expanded, and a negative
 * answer carries the TTL of the enclosing zone's SOA if the data has one.
 *
 * <p>{@link #withFailure} makes chosen names fail (TEMP_FAILURE or TIMEOUT) so tests can provoke temperror, and
 * {@link #withLocalOverload} makes their questions end as a resolver at its bound ends them (not sent).
 */
public final class ZoneFileResolver extends RecordLookupResolver {
    /**
     * Octets of all zone files of one resolver together: they are read whole, and a zone file for the CLI or a test is
     * small (review s22: a file of gigabytes ended the JVM with an OutOfMemoryError).
     */
    public static final long MAX_ZONE_BYTES = 64L * 1024 * 1024;

    private final ZoneData records;
    /** Lower-case absolute names (trailing dot) that fail, with how. */
    private final Map<Name, DnsOutcome> failures;
    /** Lower-case absolute names whose questions are not sent ({@link #withLocalOverload}). */
    private final Set<Name> overloaded;

    private ZoneFileResolver(ZoneData records, Map<Name, DnsOutcome> failures) {
        this(records, failures, Set.of());
    }

    private ZoneFileResolver(ZoneData records, Map<Name, DnsOutcome> failures, Set<Name> overloaded) {
        this.records = records;
        this.failures = Map.copyOf(failures);
        this.overloaded = Set.copyOf(overloaded);
    }

    /**
     * From zone text (master file syntax).
     *
     * @throws IllegalArgumentException if the text does not parse (the message says where)
     */
    public ZoneFileResolver(String zoneText) {
        this(parseText(zoneText), Map.of());
    }

    /** From several zone texts. @throws IllegalArgumentException if one does not parse */
    public static ZoneFileResolver fromText(String... zoneTexts) {
        Map<String, byte[]> sources = new LinkedHashMap<>();
        for (int i = 0; i < zoneTexts.length; i++) {
            sources.put("zone text #" + (i + 1), zoneTexts[i].getBytes(StandardCharsets.UTF_8));
        }
        try {
            return new ZoneFileResolver(parse(sources), Map.of());
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * From zone files, of at most {@link #MAX_ZONE_BYTES} octets together (and {@link ZoneData#MAX_RECORDS} records).
     *
     * @throws IOException if a file cannot be read, is over the bound or does not parse (the message names it)
     */
    public static ZoneFileResolver fromFiles(List<Path> zoneFiles) throws IOException {
        Map<String, byte[]> sources = new LinkedHashMap<>();
        long left = MAX_ZONE_BYTES;
        for (Path p : zoneFiles) {
            // the size first, so that a file of gigabytes is not read at all; then a bounded read (it may grow)
            byte[] octets = Files.size(p) > left ? null : readAtMost(p, left);
            if (octets == null || octets.length > left) {
                throw new IOException(p + ": larger than " + MAX_ZONE_BYTES + " bytes"
                        + (sources.isEmpty() ? "" : " with the files before it"));
            }
            left -= octets.length;
            sources.put(p.toString(), octets);
        }
        return new ZoneFileResolver(parse(sources), Map.of());
    }

    /** Up to {@code limit} + 1 octets of {@code file}: more than {@code limit} means it is over. */
    private static byte[] readAtMost(Path file, long limit) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
        }
    }

    public static ZoneFileResolver fromFiles(Path... zoneFiles) throws IOException {
        return fromFiles(List.of(zoneFiles));
    }

    /**
     * A copy in which every question about {@code name} (any type) ends with {@code outcome}, which must be
     * {@link DnsOutcome#TEMP_FAILURE} or {@link DnsOutcome#TIMEOUT}. Questions reached through a CNAME fail too.
     */
    public ZoneFileResolver withFailure(String name, DnsOutcome outcome) {
        if (!outcome.isError()) {
            throw new IllegalArgumentException("only TEMP_FAILURE or TIMEOUT can be injected: " + outcome);
        }
        Map<Name, DnsOutcome> more = new HashMap<>(failures);
        more.put(absolute(name), outcome);
        return new ZoneFileResolver(records, more, overloaded);
    }

    /**
     * A copy in which every question about {@code name} (any type) ends as one a resolver at its bound did not send:
     * a {@link DnsOutcome#TEMP_FAILURE} marked {@link DnsLookup#localOverload()}.
     */
    public ZoneFileResolver withLocalOverload(String name) {
        Set<Name> more = new HashSet<>(overloaded);
        more.add(absolute(name));
        return new ZoneFileResolver(records, failures, more);
    }

    private static Name absolute(String name) {
        try {
            return DnsNames.toName(DnsNames.normalize(name));
        } catch (org.xbill.DNS.TextParseException e) {
            throw new IllegalArgumentException("bad name: " + name, e);
        }
    }

    /** Owner names holding records. */
    public int nameCount() {
        return records.nameCount();
    }

    @Override
    CompletableFuture<Reply> ask(Name name, int type, Queries queries) {
        if (overloaded.contains(name)) {
            return CompletableFuture.completedFuture(Reply.overloaded("more than 256 DNS queries in flight"
                    + " (simulated)"));
        }
        ZoneData.Answer a = records.lookup(name, type);
        DnsOutcome failure = failures.get(name);
        for (int i = 0; failure == null && i < a.answer().size(); i++) {
            org.xbill.DNS.Record r = a.answer().get(i);
            failure = failures.get(r instanceof org.xbill.DNS.CNAMERecord c ? c.getTarget() : r.getName());
        }
        if (failure != null) {
            return CompletableFuture.completedFuture(Reply.failed(failure,
                    failure == DnsOutcome.TIMEOUT ? "no answer (simulated)" : "SERVFAIL (simulated)"));
        }
        return CompletableFuture.completedFuture(Reply.of(a.rcode(), a.answer(), a.authority()));
    }

    private static ZoneData parseText(String text) {
        try {
            return parse(Map.of("zone text", text.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** These files are all the DNS there is: a CNAME to a name outside them is NXDOMAIN. */
    private static ZoneData parse(Map<String, byte[]> sources) throws IOException {
        return ZoneData.parseSources(sources).asWholeWorld();
    }
}
