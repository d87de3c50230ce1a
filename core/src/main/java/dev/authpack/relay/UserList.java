package dev.authpack.relay;

import dev.authpack.dns.DomainNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Authenticated users: exact user names ({@code alice}, {@code alice@example.com}) and {@code @domain} entries
 * (every user {@code something@domain}). Comparison ignores ASCII case, as James' user names do; the domain of
 * an entry and of a user name is compared in canonical form ({@link DomainNames}).
 */
public final class UserList {
    /** Longest user name or entry accepted (RFC 5321 §4.5.3.1.3 path length). */
    public static final int MAX_ENTRY_LENGTH = 256;
    private static final UserList EMPTY = new UserList(List.of(), List.of());

    private final List<String> users;
    private final List<String> domains;

    private UserList(List<String> users, List<String> domains) {
        this.users = List.copyOf(users);
        this.domains = List.copyOf(domains);
    }

    public static UserList empty() {
        return EMPTY;
    }

    /**
     * Parses a list separated by commas and/or white space, e.g. {@code alice@example.com, @example.org, bob}.
     *
     * @throws IllegalArgumentException for an empty list or a malformed entry, naming it
     */
    public static UserList parse(String text) {
        List<String> entries = PolicyText.splitList(text);
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("empty user list");
        }
        return of(entries);
    }

    /** @throws IllegalArgumentException naming the first malformed entry */
    public static UserList of(List<String> entries) {
        List<String> users = new ArrayList<>();
        List<String> domains = new ArrayList<>();
        for (String entry : entries) {
            if (entry.isEmpty() || entry.length() > MAX_ENTRY_LENGTH) {
                throw new IllegalArgumentException("bad user entry '" + entry + "'");
            }
            if (entry.startsWith("@")) {
                domains.add(DomainNames.normalize(entry.substring(1)).orElseThrow(
                        () -> new IllegalArgumentException("'" + entry + "': not a domain name after '@'")));
            } else {
                users.add(canonicalUser(entry).orElseThrow(
                        () -> new IllegalArgumentException("'" + entry + "' is not a user name (user or user@domain)")));
            }
        }
        return new UserList(users, domains);
    }

    UserList plus(UserList other) {
        List<String> u = new ArrayList<>(users);
        u.addAll(other.users);
        List<String> d = new ArrayList<>(domains);
        d.addAll(other.domains);
        return new UserList(u, d);
    }

    /** @return the entry that matched {@code user}, if any */
    public Optional<String> match(String user) {
        Optional<String> canonical = canonicalUser(user);
        if (canonical.isEmpty()) {
            return Optional.empty();
        }
        String u = canonical.get();
        for (String entry : users) {
            if (entry.equals(u)) {
                return Optional.of(entry);
            }
        }
        int at = u.lastIndexOf('@');
        if (at >= 0) {
            String domain = u.substring(at + 1);
            for (String entry : domains) {
                if (entry.equals(domain)) {
                    return Optional.of("@" + entry);
                }
            }
        }
        return Optional.empty();
    }

    public boolean isEmpty() {
        return users.isEmpty() && domains.isEmpty();
    }

    public int size() {
        return users.size() + domains.size();
    }

    /** Lower-cased local part, canonical domain; empty when it cannot be a user name. */
    private static Optional<String> canonicalUser(String user) {
        if (user == null || user.isBlank() || user.length() > MAX_ENTRY_LENGTH) {
            return Optional.empty();
        }
        for (int i = 0; i < user.length(); i++) {
            char c = user.charAt(i);
            if (c <= ' ' || c == ',' || c == 0x7f) {
                return Optional.empty();
            }
        }
        int at = user.lastIndexOf('@');
        if (at < 0) {
            return Optional.of(user.toLowerCase(Locale.ROOT));
        }
        if (at == 0) {
            return Optional.empty();
        }
        return DomainNames.normalize(user.substring(at + 1))
                .map(d -> user.substring(0, at).toLowerCase(Locale.ROOT) + "@" + d);
    }

    @Override
    public String toString() {
        List<String> all = new ArrayList<>(users);
        domains.forEach(d -> all.add("@" + d));
        return String.join(", ", all);
    }
}
