package dev.authpack.bench;

import dev.authpack.dns.MxHost;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The DNS data of one benchmark scenario, held in memory and fed identically to both engines' DNS adapters.
 * Names are lower case without a trailing dot. Immutable once built.
 */
public final class MemoryZone {

    private final Map<String, List<String>> txt;
    private final Map<String, List<InetAddress>> a;
    private final Map<String, List<InetAddress>> aaaa;
    private final Map<String, List<MxHost>> mx;

    private MemoryZone(Builder builder) {
        this.txt = copy(builder.txt);
        this.a = copy(builder.a);
        this.aaaa = copy(builder.aaaa);
        this.mx = copy(builder.mx);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Map<String, List<String>> txt() {
        return txt;
    }

    public Map<String, List<InetAddress>> a() {
        return a;
    }

    public Map<String, List<InetAddress>> aaaa() {
        return aaaa;
    }

    public Map<String, List<MxHost>> mx() {
        return mx;
    }

    /** Whether any record of any type exists at {@code name} (NXDOMAIN versus no data). */
    public boolean nameExists(String name) {
        return txt.containsKey(name) || a.containsKey(name) || aaaa.containsKey(name) || mx.containsKey(name);
    }

    /** Lower case, trailing dot removed: the key form of the maps. */
    public static String key(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    private static <T> Map<String, List<T>> copy(Map<String, List<T>> source) {
        Map<String, List<T>> result = new HashMap<>();
        source.forEach((name, records) -> result.put(name, List.copyOf(records)));
        return Map.copyOf(result);
    }

    /** Collects records; each call adds one record. */
    public static final class Builder {
        private final Map<String, List<String>> txt = new HashMap<>();
        private final Map<String, List<InetAddress>> a = new HashMap<>();
        private final Map<String, List<InetAddress>> aaaa = new HashMap<>();
        private final Map<String, List<MxHost>> mx = new HashMap<>();

        private Builder() {
        }

        public Builder txt(String name, String text) {
            txt.computeIfAbsent(key(name), k -> new ArrayList<>()).add(text);
            return this;
        }

        public Builder a(String name, String address) {
            a.computeIfAbsent(key(name), k -> new ArrayList<>()).add(literal(address));
            return this;
        }

        public Builder aaaa(String name, String address) {
            aaaa.computeIfAbsent(key(name), k -> new ArrayList<>()).add(literal(address));
            return this;
        }

        public Builder mx(String name, int preference, String exchange) {
            mx.computeIfAbsent(key(name), k -> new ArrayList<>()).add(new MxHost(preference, key(exchange)));
            return this;
        }

        public MemoryZone build() {
            return new MemoryZone(this);
        }

        private static InetAddress literal(String address) {
            try {
                return InetAddress.getByName(address); // a literal: no DNS query is made
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("not an IP literal: " + address, e);
            }
        }
    }
}
