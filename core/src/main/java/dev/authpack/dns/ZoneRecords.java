package dev.authpack.dns;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Records parsed from RFC 1035 master files and the answer a name server would give from them (RFC 1034 §4.3.2
 * without delegations): the asked type, CNAME chains, wildcards (RFC 4592), NXDOMAIN for names that do not exist,
 * NOERROR without records for names with other types only or empty non-terminals (RFC 8020). Immutable.
 */
final class ZoneRecords {

    /** TTL for records when a file has neither {@code $TTL} nor an explicit TTL. */
    static final long DEFAULT_TTL = 3600;
    /** Bound on records loaded from one source. */
    static final int MAX_RECORDS_PER_SOURCE = 200_000;
    /** CNAMEs followed inside one answer; {@link AnswerReader} bounds the whole chain. */
    private static final int MAX_CHAIN = AnswerReader.MAX_CNAME_HOPS + 1;
    private static final Name WILDCARD = Name.fromConstantString("*");

    /** One answer: RCODE and the records of the answer and authority sections. */
    record Answer(int rcode, List<Record> answer, List<Record> authority) {
    }

    private final Map<Name, Map<Integer, List<Record>>> nodes;
    private final Set<Name> emptyNonTerminals;
    private final List<SOARecord> soas;

    private ZoneRecords(Map<Name, Map<Integer, List<Record>>> nodes) {
        this.nodes = nodes;
        Set<Name> ents = new HashSet<>();
        List<SOARecord> soaList = new ArrayList<>();
        nodes.forEach((name, byType) -> {
            for (int drop = 1; drop < name.labels(); drop++) {
                Name ancestor = new Name(name, drop);
                if (!nodes.containsKey(ancestor)) {
                    ents.add(ancestor);
                }
            }
            byType.getOrDefault(Type.SOA, List.of()).forEach(r -> soaList.add((SOARecord) r));
        });
        this.emptyNonTerminals = Set.copyOf(ents);
        // closest enclosing zone first
        soaList.sort((x, y) -> Integer.compare(y.getName().labels(), x.getName().labels()));
        this.soas = List.copyOf(soaList);
    }

    static ZoneRecords empty() {
        return new ZoneRecords(Map.of());
    }

    /**
     * Parses master files. Relative names without {@code $ORIGIN} are relative to the root; {@code $INCLUDE} is
     * refused (a zone must not pull in other files).
     *
     * @param sources pairs of a source label (for messages) and its content
     * @throws IOException naming the source and the parse error
     */
    static ZoneRecords parse(Map<String, byte[]> sources) throws IOException {
        Map<Name, Map<Integer, List<Record>>> nodes = new HashMap<>();
        for (Map.Entry<String, byte[]> source : sources.entrySet()) {
            addAll(nodes, new ByteArrayInputStream(source.getValue()), source.getKey());
        }
        Map<Name, Map<Integer, List<Record>>> frozen = new HashMap<>();
        nodes.forEach((name, byType) -> {
            Map<Integer, List<Record>> types = new LinkedHashMap<>();
            byType.forEach((type, rrs) -> types.put(type, List.copyOf(rrs)));
            frozen.put(name, Collections.unmodifiableMap(types));
        });
        return new ZoneRecords(Collections.unmodifiableMap(frozen));
    }

    static ZoneRecords parseText(String text) throws IOException {
        return parse(Map.of("zone text", text.getBytes(StandardCharsets.UTF_8)));
    }

    private static void addAll(Map<Name, Map<Integer, List<Record>>> into, InputStream in, String source)
            throws IOException {
        try (Master master = new Master(in, Name.root, DEFAULT_TTL)) {
            master.disableIncludes(true);
            int count = 0;
            Record r;
            while ((r = master.nextRecord()) != null) {
                if (++count > MAX_RECORDS_PER_SOURCE) {
                    throw new IOException(source + ": more than " + MAX_RECORDS_PER_SOURCE + " records");
                }
                if (r.getDClass() != DClass.IN) {
                    continue;
                }
                List<Record> rrs = into.computeIfAbsent(r.getName(), k -> new LinkedHashMap<>())
                        .computeIfAbsent(r.getType(), k -> new ArrayList<>());
                if (!rrs.contains(r)) {
                    rrs.add(r);
                }
            }
        } catch (TextParseException e) {
            throw new IOException(source + ": " + e.getMessage(), e);
        }
    }

    int nameCount() {
        return nodes.size();
    }

    /** The answer to {@code qname}/{@code qtype}; a CNAME target outside the data is NXDOMAIN (we are the world). */
    Answer lookup(Name qname, int qtype) {
        List<Record> answer = new ArrayList<>();
        Name current = qname;
        for (int hop = 0; hop < MAX_CHAIN; hop++) {
            Map<Integer, List<Record>> node = nodes.get(current);
            boolean synthesized = false;
            if (node == null && !emptyNonTerminals.contains(current)) {
                node = wildcard(current);
                if (node == null) {
                    return new Answer(Rcode.NXDOMAIN, answer, negativeAuthority(current));
                }
                synthesized = true;
            }
            if (node == null) {
                return new Answer(Rcode.NOERROR, answer, negativeAuthority(current));
            }
            List<Record> matching = node.getOrDefault(qtype, List.of());
            if (!matching.isEmpty()) {
                for (Record r : matching) {
                    answer.add(synthesized ? r.withName(current) : r);
                }
                return new Answer(Rcode.NOERROR, answer, List.of());
            }
            List<Record> cname = node.getOrDefault(Type.CNAME, List.of());
            if (qtype == Type.CNAME || cname.isEmpty()) {
                return new Answer(Rcode.NOERROR, answer, negativeAuthority(current));
            }
            Record c = cname.get(0);
            answer.add(synthesized ? c.withName(current) : c);
            current = ((CNAMERecord) c).getTarget();
        }
        // chain too long or a loop: hand back what we have, the reader reports the overlong chain
        return new Answer(Rcode.NOERROR, answer, List.of());
    }

    /** RFC 4592 §3.3.1: the wildcard child of the closest encloser, for a name that does not exist. */
    private Map<Integer, List<Record>> wildcard(Name name) {
        for (int drop = 1; drop < name.labels(); drop++) {
            Name ancestor = new Name(name, drop);
            if (nodes.containsKey(ancestor) || emptyNonTerminals.contains(ancestor)) {
                try {
                    return nodes.get(Name.concatenate(WILDCARD, ancestor));
                } catch (NameTooLongException e) {
                    return null;
                }
            }
        }
        return null;
    }

    /** RFC 2308 §3: the SOA of the closest enclosing zone, if the data has one. */
    private List<Record> negativeAuthority(Name name) {
        for (SOARecord soa : soas) {
            if (name.subdomain(soa.getName())) {
                return List.of(soa);
            }
        }
        return List.of();
    }
}
