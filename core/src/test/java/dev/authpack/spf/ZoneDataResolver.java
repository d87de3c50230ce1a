package dev.authpack.spf;

import dev.authpack.dns.DnsLookup;
import dev.authpack.dns.DnsOutcome;
import dev.authpack.dns.DnsResolver;
import dev.authpack.dns.DnsType;
import dev.authpack.dns.MxHost;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A resolver answering from the {@code zonedata} of one section of the openspf suite, following the driver
 * rules of the suite (README of testsuites/spf and the reference runner's behaviour):
 * <ul>
 *   <li>{@code SPF:} entries become TXT entries, appended after the name's other entries, unless the name has
 *       an explicit {@code TXT:} entry; {@code TXT: NONE} yields nothing;</li>
 *   <li>a bare {@code TIMEOUT} item times the query out unless a record of the queried type came before it;</li>
 *   <li>CNAME entries are followed (a loop is a DNS error); unlisted names starting with {@code error.} time
 *       out; other unlisted names do not exist;</li>
 *   <li>empty labels are dropped, a label over 63 characters makes the query fail; names are case-insensitive.</li>
 * </ul>
 */
final class ZoneDataResolver implements DnsResolver {
    private static final String TIMEOUT = "TIMEOUT";
    private static final int MAX_CNAME_CHAIN = 10;

    private record Entry(String type, Object value) {
    }

    private final Map<String, List<Entry>> zone = new HashMap<>();

    ZoneDataResolver(Map<?, ?> zonedata) {
        if (zonedata == null) {
            return;
        }
        zonedata.forEach((name, items) -> zone.put(String.valueOf(name).toLowerCase(Locale.ROOT),
                entries((List<?>) items)));
    }

    /** The SPF -> TXT duplication of the reference runner. */
    private static List<Entry> entries(List<?> items) {
        List<Entry> out = new ArrayList<>();
        List<Entry> generated = new ArrayList<>();
        boolean generate = true;
        for (Object item : items) {
            if (TIMEOUT.equals(item)) {
                out.add(new Entry(TIMEOUT, null));
                continue;
            }
            for (Map.Entry<?, ?> e : ((Map<?, ?>) item).entrySet()) {
                String type = String.valueOf(e.getKey()).toUpperCase(Locale.ROOT);
                Object value = e.getValue();
                if (type.equals("TXT")) {
                    generate = false;
                } else if (type.equals("SPF") && generate) {
                    generated.add(new Entry("TXT", value));
                }
                if (!"NONE".equals(value)) {
                    out.add(new Entry(type, value));
                }
            }
        }
        if (generate) {
            out.addAll(generated);
        }
        return out;
    }

    @Override
    public CompletableFuture<DnsLookup<String>> txt(String name) {
        return answer(name, DnsType.TXT, ZoneDataResolver::text);
    }

    @Override
    public CompletableFuture<DnsLookup<InetAddress>> a(String name) {
        return answer(name, DnsType.A, ZoneDataResolver::address);
    }

    @Override
    public CompletableFuture<DnsLookup<InetAddress>> aaaa(String name) {
        return answer(name, DnsType.AAAA, ZoneDataResolver::address);
    }

    @Override
    public CompletableFuture<DnsLookup<MxHost>> mx(String name) {
        return answer(name, DnsType.MX, value -> {
            List<?> pair = (List<?>) value;
            return new MxHost(((Number) pair.get(0)).intValue(), hostName(String.valueOf(pair.get(1))));
        });
    }

    @Override
    public CompletableFuture<DnsLookup<String>> ptr(InetAddress address) {
        return answer(reverseName(address), DnsType.PTR, value -> hostName(String.valueOf(value)));
    }

    private <T> CompletableFuture<DnsLookup<T>> answer(String name, DnsType type, Function<Object, T> convert) {
        return CompletableFuture.completedFuture(lookup(name, type, convert, new HashSet<>()));
    }

    private <T> DnsLookup<T> lookup(String rawName, DnsType type, Function<Object, T> convert, Set<String> seen) {
        List<String> labels = new ArrayList<>();
        for (String label : rawName.split("\\.")) {
            if (label.length() > 63) {
                return DnsLookup.failed(rawName, type, DnsOutcome.TEMP_FAILURE, "DNS label too long");
            }
            if (!label.isEmpty()) {
                labels.add(label);
            }
        }
        String name = String.join(".", labels).toLowerCase(Locale.ROOT);
        List<Entry> entries = zone.get(name);
        if (entries == null) {
            return name.startsWith("error.")
                    ? DnsLookup.failed(name, type, DnsOutcome.TIMEOUT, "test: error. name")
                    : DnsLookup.failed(name, type, DnsOutcome.NXDOMAIN, "");
        }
        List<T> records = new ArrayList<>();
        String cname = null;
        for (Entry entry : entries) {
            if (entry.type().equals(TIMEOUT)) {
                if (records.isEmpty()) {
                    return DnsLookup.failed(name, type, DnsOutcome.TIMEOUT, "test: TIMEOUT");
                }
                break;
            }
            if (entry.type().equals(type.name())) {
                records.add(convert.apply(entry.value()));
            } else if (entry.type().equals("CNAME")) {
                cname = String.valueOf(entry.value());
            }
        }
        if (records.isEmpty() && cname != null) {
            if (!seen.add(name) || seen.size() > MAX_CNAME_CHAIN) {
                return DnsLookup.failed(name, type, DnsOutcome.TEMP_FAILURE, "CNAME loop");
            }
            return lookup(cname, type, convert, seen);
        }
        return DnsLookup.of(name, type, records, 300);
    }

    private static String text(Object value) {
        if (value instanceof List<?> strings) {
            StringBuilder joined = new StringBuilder();
            strings.forEach(s -> joined.append(s));
            return joined.toString();
        }
        return String.valueOf(value);
    }

    private static InetAddress address(Object value) {
        try {
            return InetAddress.getByName(String.valueOf(value));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("bad address in zonedata: " + value, e);
        }
    }

    private static String hostName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    static String reverseName(InetAddress address) {
        byte[] b = address.getAddress();
        StringBuilder out = new StringBuilder();
        if (b.length == 4) {
            for (int i = 3; i >= 0; i--) {
                out.append(b[i] & 0xff).append('.');
            }
            return out.append("in-addr.arpa").toString();
        }
        for (int i = 15; i >= 0; i--) {
            out.append(Character.forDigit(b[i] & 0xf, 16)).append('.')
                    .append(Character.forDigit((b[i] >> 4) & 0xf, 16)).append('.');
        }
        return out.append("ip6.arpa").toString();
    }
}
