package dev.authpack.spf;

import dev.authpack.dns.DnsLookup;
import dev.authpack.dns.DnsOutcome;
import dev.authpack.dns.DnsResolver;
import dev.authpack.dns.DnsType;
import dev.authpack.dns.MxHost;

import dev.authpack.dns.DnsNames;
import dev.authpack.zonefile.ZoneData;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;

/**
 * The DNS of the Stalwart mail-auth SPF scenarios: one TXT record per name, address lists, PTR lists, MX lists;
 * a later record for a name replaces the earlier one (the upstream harness fills a cache). Names containing
 * {@code _dns_error.} give a DNS error; other unknown names do not exist.
 */
final class StalwartZone implements DnsResolver {
    private static final Pattern DNS_ERROR = Pattern.compile("_dns_error\\.[A-Za-z0-9.-]*[A-Za-z0-9]");

    private final Map<String, String> txt = new HashMap<>();
    private final Map<String, List<InetAddress>> a = new HashMap<>();
    private final Map<String, List<InetAddress>> aaaa = new HashMap<>();
    private final Map<String, List<MxHost>> mx = new HashMap<>();
    private final Map<InetAddress, List<String>> ptr = new HashMap<>();

    void txt(String name, String record) {
        txt.put(key(name), record);
    }

    void a(String name, List<InetAddress> addresses) {
        a.put(key(name), List.copyOf(addresses));
    }

    void aaaa(String name, List<InetAddress> addresses) {
        aaaa.put(key(name), List.copyOf(addresses));
    }

    /** One MX per address, named {@code mx.<ip>.<pos>} with preference pos+1, and its address record. */
    void mx(String name, List<InetAddress> addresses) {
        List<MxHost> hosts = new ArrayList<>();
        for (int pos = 0; pos < addresses.size(); pos++) {
            InetAddress address = addresses.get(pos);
            String host = "mx." + address.getHostAddress() + "." + pos;
            (address.getAddress().length == 4 ? a : aaaa).put(key(host), List.of(address));
            hosts.add(new MxHost(pos + 1, key(host)));
        }
        mx.put(key(name), hosts);
    }

    void ptr(InetAddress address, List<String> names) {
        ptr.put(address, List.copyOf(names));
    }

    /**
     * The zone as it is now, as DNS records for a server on loopback: the TXT, A, AAAA and MX records and the PTR
     * records under in-addr.arpa / ip6.arpa.
     */
    List<Record> records() {
        List<Record> out = new ArrayList<>();
        txt.forEach((name, text) -> add(out, () -> OpenSpfZone.txt(ZoneData.literalName(name), text)));
        a.forEach((name, list) -> list.forEach(ip -> add(out, () -> new ARecord(ZoneData.literalName(name),
                DClass.IN, OpenSpfZone.TTL, ip))));
        aaaa.forEach((name, list) -> list.forEach(ip -> add(out, () -> new AAAARecord(ZoneData.literalName(name),
                DClass.IN, OpenSpfZone.TTL, ip))));
        mx.forEach((name, hosts) -> hosts.forEach(h -> add(out, () -> new MXRecord(ZoneData.literalName(name),
                DClass.IN, OpenSpfZone.TTL, h.preference(), ZoneData.literalName(h.exchange())))));
        ptr.forEach((ip, names) -> names.forEach(n -> add(out, () -> new PTRRecord(
                ZoneData.literalName(DnsNames.reverseName(ip)), DClass.IN, OpenSpfZone.TTL, ZoneData.literalName(n)))));
        return out;
    }

    /** Adds the record unless one of its names cannot exist in the DNS (no query can ask for it then). */
    private static void add(List<Record> out, Supplier<Record> record) {
        try {
            out.add(record.get());
        } catch (IllegalArgumentException e) {
            // e.g. the scenario's name of over 255 octets: left out, as a real zone could not hold it
        }
    }

    /** The names below which every query is a DNS error ({@code _dns_error.} and what follows), in this text. */
    static Set<String> dnsErrorNames(String text) {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = DNS_ERROR.matcher(text);
        while (m.find()) {
            names.add(key(m.group()));
        }
        return names;
    }

    @Override
    public CompletableFuture<DnsLookup<String>> txt(String name) {
        return answer(name, DnsType.TXT, txt.containsKey(key(name)) ? List.of(txt.get(key(name))) : null);
    }

    @Override
    public CompletableFuture<DnsLookup<InetAddress>> a(String name) {
        return answer(name, DnsType.A, a.get(key(name)));
    }

    @Override
    public CompletableFuture<DnsLookup<InetAddress>> aaaa(String name) {
        return answer(name, DnsType.AAAA, aaaa.get(key(name)));
    }

    @Override
    public CompletableFuture<DnsLookup<MxHost>> mx(String name) {
        return answer(name, DnsType.MX, mx.get(key(name)));
    }

    @Override
    public CompletableFuture<DnsLookup<String>> ptr(InetAddress address) {
        return answer(address.getHostAddress(), DnsType.PTR, ptr.get(address));
    }

    private static <T> CompletableFuture<DnsLookup<T>> answer(String name, DnsType type, List<T> records) {
        if (key(name).contains("_dns_error.")) {
            return CompletableFuture.completedFuture(
                    DnsLookup.failed(key(name), type, DnsOutcome.TEMP_FAILURE, "test: _dns_error"));
        }
        return CompletableFuture.completedFuture(records == null
                ? DnsLookup.failed(key(name), type, DnsOutcome.NXDOMAIN, "")
                : DnsLookup.of(key(name), type, records, 300));
    }

    private static String key(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
