package dev.authpack.zonefile;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Immutable authoritative data parsed from RFC 1035 master files, with the lookup a name server does over it
 * (RFC 1034 §4.3.2, without delegations): records of the asked type, CNAME chains inside our data, wildcards
 * (RFC 4592), NXDOMAIN for names that do not exist and NOERROR with no answer for names that have other types
 * or are empty non-terminals (RFC 8020).
 *
 * <p>The one master-file parser of the project: core's {@code ZoneFileResolver} (the CLI's {@code --dns-records})
 * and testkit's loopback DNS server both answer from it. {@code $INCLUDE} is refused (a zone must not pull in other
 * files). A CNAME whose target is outside the data is, by default, the end of our data (NOERROR with the chain so
 * far, as an authoritative server answers); {@link #asWholeWorld()} makes it NXDOMAIN, for a resolver for which
 * these files are all the DNS there is.
 */
public final class ZoneData {

    /** Longest CNAME chain followed inside one answer. */
    public static final int MAX_CNAME_HOPS = 8;
    /** TTL for records when a file has neither {@code $TTL} nor an explicit TTL. */
    public static final long DEFAULT_TTL = 3600;
    /**
     * Bound on the records of one {@code ZoneData} read from master files, all sources together, so a runaway file
     * cannot exhaust memory. Over all files, not per file: one {@code $GENERATE} line is up to this many records,
     * and a hundred such files were twenty million (review s22).
     */
    public static final int MAX_RECORDS = 200_000;

    private static final Name WILDCARD_LABEL = Name.fromConstantString("*");

    private final Map<Name, Map<Integer, List<Record>>> nodes;
    /**
     * The owner names' {@link #treeKey}s, sorted: the names below a name come right after it, so an empty
     * non-terminal is found when asked ({@link #isEmptyNonTerminal}). Not every ancestor listed up front: names of
     * 120 labels, each with a label of its own near the top, made 24 million of them from a zone file of 283 octets
     * (review s22). Not a {@code TreeSet<Name>} either: dnsjava compares deep names in time quadratic in their labels.
     */
    private final byte[][] sortedKeys;
    private final List<SOARecord> soas;
    /** True when names outside the data do not exist anywhere (a CNAME target outside it is NXDOMAIN). */
    private final boolean wholeWorld;

    private ZoneData(Map<Name, Map<Integer, List<Record>>> nodes) {
        this(nodes, false);
    }

    private ZoneData(Map<Name, Map<Integer, List<Record>>> nodes, boolean wholeWorld) {
        this.nodes = nodes;
        this.wholeWorld = wholeWorld;
        this.sortedKeys = nodes.keySet().stream().map(ZoneData::treeKey).sorted(Arrays::compareUnsigned)
                .toArray(byte[][]::new);
        List<SOARecord> soaList = new ArrayList<>();
        for (Map<Integer, List<Record>> byType : nodes.values()) {
            for (Record r : byType.getOrDefault(Type.SOA, List.of())) {
                soaList.add((SOARecord) r);
            }
        }
        // Most specific zone first, so a name gets the SOA of its closest enclosing zone.
        soaList.sort((a, b) -> Integer.compare(b.getName().labels(), a.getName().labels()));
        this.soas = List.copyOf(soaList);
    }

    /** No data at all: every query gets NXDOMAIN. */
    public static ZoneData empty() {
        return new ZoneData(Map.of());
    }

    /** Parses zone texts (master file syntax); relative names without {@code $ORIGIN} are relative to the root. */
    public static ZoneData parse(Collection<String> zoneTexts) throws IOException {
        return empty().plusTexts(zoneTexts);
    }

    /** Parses zone files (master file syntax); relative names without {@code $ORIGIN} are relative to the root. */
    public static ZoneData load(Collection<Path> zoneFiles) throws IOException {
        return empty().plusFiles(zoneFiles);
    }

    /**
     * Parses named sources (a label for messages, e.g. the file name, and the master-file octets), in order.
     *
     * @throws IOException naming the source and the parse error
     */
    public static ZoneData parseSources(Map<String, byte[]> sources) throws IOException {
        Map<Name, Map<Integer, Set<Record>>> nodes = new HashMap<>();
        int[] count = {0};
        for (Map.Entry<String, byte[]> source : sources.entrySet()) {
            addAll(nodes, new ByteArrayInputStream(source.getValue()), source.getKey(), count);
        }
        return new ZoneData(freeze(nodes));
    }

    /** This data as all the DNS there is: a CNAME target outside it is NXDOMAIN instead of someone else's name. */
    public ZoneData asWholeWorld() {
        return new ZoneData(nodes, true);
    }

    /** A copy of this data with the records of more zone texts added. */
    public ZoneData plusTexts(Collection<String> zoneTexts) throws IOException {
        Map<Name, Map<Integer, Set<Record>>> copy = deepCopy();
        int[] count = {recordCount()};
        int i = 0;
        for (String text : zoneTexts) {
            i++;
            addAll(copy, new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "zone text #" + i, count);
        }
        return new ZoneData(freeze(copy), wholeWorld);
    }

    /** A copy of this data with the records of more zone files added. */
    public ZoneData plusFiles(Collection<Path> zoneFiles) throws IOException {
        Map<Name, Map<Integer, Set<Record>>> copy = deepCopy();
        int[] count = {recordCount()};
        for (Path file : zoneFiles) {
            try (InputStream in = Files.newInputStream(file)) {
                addAll(copy, in, file.toString(), count);
            }
        }
        return new ZoneData(freeze(copy), wholeWorld);
    }

    /** A copy of this data with these records added (class IN only; duplicates are kept once). */
    public ZoneData plusRecords(Collection<? extends Record> records) {
        Map<Name, Map<Integer, Set<Record>>> copy = deepCopy();
        for (Record r : records) {
            add(copy, r);
        }
        return new ZoneData(freeze(copy), wholeWorld);
    }

    /**
     * The absolute name whose labels are the UTF-8 octets of the text between the dots, with no master-file
     * escapes: {@code "a b.%-.example.com"} is a name whose first label holds a space. For names that zone text
     * cannot spell plainly (spaces, '\\', '(', ';', control characters). One trailing dot is ignored; "" and
     * "." are the root.
     *
     * @throws IllegalArgumentException for an empty label, a label over 63 octets or a name over 255 octets
     */
    public static Name literalName(String text) {
        String t = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
        if (t.isEmpty()) {
            return Name.root;
        }
        StringBuilder escaped = new StringBuilder(t.length() * 2 + 1);
        for (String label : t.split("\\.", -1)) {
            byte[] octets = label.getBytes(StandardCharsets.UTF_8);
            if (octets.length == 0 || octets.length > 63) {
                throw new IllegalArgumentException("label of " + octets.length + " octets in " + text);
            }
            for (byte b : octets) {
                int c = b & 0xff;
                // RFC 1035 §5.1: \DDD is the octet with that decimal value
                escaped.append('\\').append((char) ('0' + c / 100)).append((char) ('0' + c / 10 % 10))
                        .append((char) ('0' + c % 10));
            }
            escaped.append('.');
        }
        try {
            return Name.fromString(escaped.toString());
        } catch (TextParseException e) {
            throw new IllegalArgumentException("not a DNS name: " + text + " (" + e.getMessage() + ")", e);
        }
    }

    /** Adds the records of one source; {@code count[0]} counts the records read so far, this source's included. */
    private static void addAll(Map<Name, Map<Integer, Set<Record>>> into, InputStream in, String source,
            int[] count) throws IOException {
        try (Master master = new Master(in, Name.root, DEFAULT_TTL)) {
            // $INCLUDE would read arbitrary files relative to the working directory: not wanted in a test server.
            master.disableIncludes(true);
            Record r;
            while ((r = master.nextRecord()) != null) {
                if (++count[0] > MAX_RECORDS) {
                    throw new IOException(source + ": more than " + MAX_RECORDS + " records"
                            + " (all zone sources together)");
                }
                add(into, r);
            }
        } catch (TextParseException e) {
            throw new IOException(source + ": " + e.getMessage(), e);
        }
    }

    private static void add(Map<Name, Map<Integer, Set<Record>>> into, Record r) {
        if (r.getDClass() != DClass.IN) {
            return;
        }
        // a set: a duplicate is kept once without a scan of the name's records (review s22: 200,000 records of one
        // name and type made loading quadratic); dnsjava's equals and hashCode are both over the canonical form
        into.computeIfAbsent(r.getName(), k -> new LinkedHashMap<>())
                .computeIfAbsent(r.getType(), k -> new LinkedHashSet<>()).add(r);
    }

    private Map<Name, Map<Integer, Set<Record>>> deepCopy() {
        Map<Name, Map<Integer, Set<Record>>> copy = new HashMap<>();
        nodes.forEach((name, byType) -> {
            Map<Integer, Set<Record>> types = new LinkedHashMap<>();
            byType.forEach((type, rrs) -> types.put(type, new LinkedHashSet<>(rrs)));
            copy.put(name, types);
        });
        return copy;
    }

    private static Map<Name, Map<Integer, List<Record>>> freeze(Map<Name, Map<Integer, Set<Record>>> m) {
        Map<Name, Map<Integer, List<Record>>> frozen = new HashMap<>();
        m.forEach((name, byType) -> {
            Map<Integer, List<Record>> types = new LinkedHashMap<>();
            byType.forEach((type, rrs) -> types.put(type, List.copyOf(rrs)));
            frozen.put(name, java.util.Collections.unmodifiableMap(types));
        });
        return java.util.Collections.unmodifiableMap(frozen);
    }

    private int recordCount() {
        return nodes.values().stream().flatMap(byType -> byType.values().stream()).mapToInt(List::size).sum();
    }

    /** Number of owner names holding records. */
    public int nameCount() {
        return nodes.size();
    }

    /** The result of a lookup: RCODE and the records for the answer and authority sections. */
    public record Answer(int rcode, List<Record> answer, List<Record> authority) {
        public Answer {
            answer = List.copyOf(answer);
            authority = List.copyOf(authority);
        }
    }

    /**
     * Answers {@code qname}/{@code qtype} as an authoritative server would. {@code qtype} may be {@link Type#ANY}.
     */
    public Answer lookup(Name qname, int qtype) {
        List<Record> answer = new ArrayList<>();
        Set<Name> seen = new HashSet<>();
        Name current = qname;
        for (int hop = 0; hop <= MAX_CNAME_HOPS; hop++) {
            if (!seen.add(current)) {
                break; // CNAME loop: stop with what we have
            }
            Map<Integer, List<Record>> node = nodes.get(current);
            boolean wildcard = false;
            if (node == null && !isEmptyNonTerminal(current)) {
                node = wildcardNode(current);
                wildcard = node != null;
                if (node == null) {
                    if (hop > 0 && !wholeWorld && !inOurData(current)) {
                        return new Answer(Rcode.NOERROR, answer, List.of()); // target is someone else's
                    }
                    return new Answer(Rcode.NXDOMAIN, answer, negativeAuthority(current));
                }
            }
            if (node == null) { // empty non-terminal
                return new Answer(Rcode.NOERROR, answer, negativeAuthority(current));
            }
            List<Record> matching = new ArrayList<>();
            if (qtype == Type.ANY) {
                node.values().forEach(matching::addAll);
            } else {
                matching.addAll(node.getOrDefault(qtype, List.of()));
            }
            if (!matching.isEmpty()) {
                for (Record r : matching) {
                    answer.add(wildcard ? r.withName(current) : r);
                }
                return new Answer(Rcode.NOERROR, answer, List.of());
            }
            List<Record> cname = node.getOrDefault(Type.CNAME, List.of());
            if (qtype != Type.CNAME && !cname.isEmpty()) {
                Record c = cname.get(0);
                answer.add(wildcard ? c.withName(current) : c);
                current = ((CNAMERecord) c).getTarget();
                continue;
            }
            return new Answer(Rcode.NOERROR, answer, negativeAuthority(current));
        }
        return new Answer(Rcode.NOERROR, answer, List.of());
    }

    /** Whether {@code name} owns records or is an empty non-terminal (RFC 8020: it exists). */
    private boolean exists(Name name) {
        return nodes.containsKey(name) || isEmptyNonTerminal(name);
    }

    /**
     * Whether {@code name} owns no records but a name below it does (RFC 4592 §2.2.2): then the next owner name
     * after it in canonical order is below it.
     */
    private boolean isEmptyNonTerminal(Name name) {
        if (nodes.containsKey(name)) {
            return false;
        }
        byte[] key = treeKey(name);
        int found = Arrays.binarySearch(sortedKeys, key, Arrays::compareUnsigned);
        int next = found >= 0 ? found + 1 : -found - 1;
        return next < sortedKeys.length && sortedKeys[next].length > key.length
                && Arrays.equals(sortedKeys[next], 0, key.length, key, 0, key.length);
    }

    /**
     * {@code name}'s labels from the top down, each in lower case (RFC 4034 §6.2) and ended by octet 0 (octets 0 and
     * 1 inside a label written as 1 1 and 1 2): the key of a name below {@code name} starts with this key, and no
     * other key does.
     */
    static byte[] treeKey(Name name) {
        byte[] wire = name.toWireCanonical(); // length-prefixed labels, lower case, the root's empty label last
        int[] starts = new int[name.labels()];
        int count = 0;
        for (int p = 0; wire[p] != 0; p += (wire[p] & 0xff) + 1) {
            starts[count++] = p;
        }
        java.io.ByteArrayOutputStream key = new java.io.ByteArrayOutputStream(wire.length + 8);
        for (int i = count - 1; i >= 0; i--) {
            int length = wire[starts[i]] & 0xff;
            for (int k = 1; k <= length; k++) {
                int b = wire[starts[i] + k] & 0xff;
                if (b <= 1) {
                    key.write(1);
                }
                key.write(b <= 1 ? b + 1 : b);
            }
            key.write(0);
        }
        return key.toByteArray();
    }

    /** RFC 4592 §3.3.1: the wildcard at the closest encloser, if the name does not exist. */
    private Map<Integer, List<Record>> wildcardNode(Name name) {
        for (int drop = 1; drop < name.labels(); drop++) {
            Name ancestor = new Name(name, drop);
            if (exists(ancestor)) {
                try {
                    return nodes.get(Name.concatenate(WILDCARD_LABEL, ancestor));
                } catch (org.xbill.DNS.NameTooLongException e) {
                    return null;
                }
            }
        }
        return null;
    }

    private boolean inOurData(Name name) {
        if (exists(name)) {
            return true;
        }
        return soas.stream().anyMatch(soa -> name.subdomain(soa.getName()));
    }

    /** RFC 2308 §3: the zone's SOA in the authority section, with TTL min(SOA TTL, SOA MINIMUM). */
    private List<Record> negativeAuthority(Name name) {
        for (SOARecord soa : soas) {
            if (name.subdomain(soa.getName())) {
                long ttl = Math.min(soa.getTTL(), soa.getMinimum());
                return List.of(new SOARecord(soa.getName(), soa.getDClass(), ttl, soa.getHost(), soa.getAdmin(),
                        soa.getSerial(), soa.getRefresh(), soa.getRetry(), soa.getExpire(), soa.getMinimum()));
            }
        }
        return List.of();
    }
}
