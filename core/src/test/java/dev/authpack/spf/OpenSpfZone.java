package dev.authpack.spf;

import dev.authpack.zonefile.ZoneData;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * The {@code zonedata} of one section of the openspf suite as real DNS records and time-out rules, for a DNS
 * server on loopback, following the same driver rules as {@link ZoneDataResolver}:
 * <ul>
 *   <li>{@code SPF:} entries are SPF (type 99) records and also TXT records unless the name has an explicit {@code TXT:} entry;
 *       {@code TXT: NONE} gives nothing;</li>
 *   <li>a bare {@code TIMEOUT} item makes the server drop queries of every type that no record before it
 *       answers (the resolver then times out);</li>
 *   <li>names are taken octet for octet (spaces and '%' included, {@link ZoneData#literalName}); a name the DNS
 *       cannot hold (a label over 63 octets, over 255 octets) is left out: no query can ask for it.</li>
 * </ul>
 * TXT strings are the text's octets (ISO 8859-1 when every character fits, as the suite's {@code "\xEF"} escapes
 * mean octets; UTF-8 otherwise), split into character-strings of at most 255 octets.
 */
final class OpenSpfZone {
    static final long TTL = 300;
    private static final String TIMEOUT = "TIMEOUT";
    private static final int MAX_CHARACTER_STRING = 255;
    private static final List<Integer> QUERY_TYPES = List.of(Type.A, Type.AAAA, Type.MX, Type.TXT, Type.PTR);

    /** A query the server must never answer: name (as zone text would spell it) and type. */
    record Drop(String name, String type) {
    }

    private final List<Record> records = new ArrayList<>();
    private final List<Drop> drops = new ArrayList<>();
    private final List<String> skipped = new ArrayList<>();

    OpenSpfZone(Map<?, ?> zonedata) {
        if (zonedata == null) {
            return;
        }
        zonedata.forEach((key, items) -> add(String.valueOf(key), (List<?>) items));
    }

    List<Record> records() {
        return List.copyOf(records);
    }

    List<Drop> drops() {
        return List.copyOf(drops);
    }

    /** Names left out because the DNS cannot hold them. */
    List<String> skipped() {
        return List.copyOf(skipped);
    }

    private void add(String key, List<?> items) {
        Name name;
        try {
            name = ZoneData.literalName(key);
        } catch (IllegalArgumentException e) {
            skipped.add(key);
            return;
        }
        boolean explicitTxt = items.stream().anyMatch(i -> i instanceof Map<?, ?> m
                && m.keySet().stream().anyMatch(k -> "TXT".equalsIgnoreCase(String.valueOf(k))));
        Set<Integer> answeredBeforeTimeout = new LinkedHashSet<>();
        boolean timeout = false;
        List<Record> generated = new ArrayList<>();
        for (Object item : items) {
            if (TIMEOUT.equals(item)) {
                timeout = true;
                continue;
            }
            for (Map.Entry<?, ?> e : ((Map<?, ?>) item).entrySet()) {
                String type = String.valueOf(e.getKey()).toUpperCase(Locale.ROOT);
                Object value = e.getValue();
                if ("NONE".equals(value)) {
                    continue;
                }
                if (type.equals("SPF")) {
                    Record txt = txt(name, value);
                    // served as type SPF (99) too, as the suite's data says, though RFC 7208 §3.1 queries TXT only
                    records.add(Record.newRecord(name, Type.SPF, DClass.IN, TTL, txt.rdataToWireCanonical()));
                    if (!explicitTxt) {
                        generated.add(txt);
                    }
                    continue;
                }
                Record r = record(name, type, value);
                records.add(r);
                if (!timeout) {
                    answeredBeforeTimeout.add(r.getType());
                }
            }
        }
        records.addAll(generated);
        if (timeout) {
            for (int type : QUERY_TYPES) {
                if (!answeredBeforeTimeout.contains(type)) {
                    drops.add(new Drop(name.toString(), Type.string(type)));
                }
            }
        }
    }

    private static Record record(Name name, String type, Object value) {
        return switch (type) {
            case "TXT" -> txt(name, value);
            case "A" -> new ARecord(name, DClass.IN, TTL, address(value));
            case "AAAA" -> new AAAARecord(name, DClass.IN, TTL, address(value));
            case "MX" -> {
                List<?> pair = (List<?>) value;
                yield new MXRecord(name, DClass.IN, TTL, ((Number) pair.get(0)).intValue(),
                        ZoneData.literalName(String.valueOf(pair.get(1))));
            }
            case "PTR" -> new PTRRecord(name, DClass.IN, TTL, ZoneData.literalName(String.valueOf(value)));
            case "CNAME" -> new CNAMERecord(name, DClass.IN, TTL, ZoneData.literalName(String.valueOf(value)));
            default -> throw new IllegalArgumentException("record type " + type + " in the suite's zonedata");
        };
    }

    /** A TXT record from the raw RDATA, so every octet is kept (no presentation-format escapes). */
    static Record txt(Name name, Object value) {
        List<String> strings = value instanceof List<?> list ? list.stream().map(String::valueOf).toList()
                : List.of(String.valueOf(value));
        ByteArrayOutputStream rdata = new ByteArrayOutputStream();
        for (String s : strings) {
            byte[] octets = s.chars().allMatch(c -> c <= 0xff) ? s.getBytes(StandardCharsets.ISO_8859_1)
                    : s.getBytes(StandardCharsets.UTF_8);
            int offset = 0;
            do {
                int length = Math.min(MAX_CHARACTER_STRING, octets.length - offset);
                rdata.write(length);
                rdata.write(octets, offset, length);
                offset += length;
            } while (offset < octets.length);
        }
        return Record.newRecord(name, Type.TXT, DClass.IN, TTL, rdata.toByteArray());
    }

    private static InetAddress address(Object value) {
        try {
            return InetAddress.getByName(String.valueOf(value));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("bad address in zonedata: " + value, e);
        }
    }
}
