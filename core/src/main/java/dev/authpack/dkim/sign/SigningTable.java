package dev.authpack.dkim.sign;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which keys sign a message, chosen by its author domain ({@link SenderDomain}): the signing table, in the
 * spirit of OpenDKIM's SigningTable,
 * <pre>
 * # PATTERN           KEY NAMES (from the key table)
 * example.com         example-rsa example-ed25519
 * *.example.com       example-rsa
 * *                   shared
 * </pre>
 * A pattern is a domain, {@code *.domain} (its subdomains, any depth) or {@code *} (see {@link DomainPattern}).
 * The most specific pattern that matches wins, whatever the line order: the exact domain, then {@code *.parent}
 * from the nearest parent up, then {@code *}. Its keys all sign, one DKIM-Signature each, the first key's on top.
 * Key names are separated by white space or commas; several lines with the same pattern add their keys
 * together.
 *
 * <p>Immutable and thread-safe.
 */
public final class SigningTable {
    /** The most keys one pattern signs with (each key costs a signature per message). */
    public static final int MAX_KEYS_PER_PATTERN = 10;

    private final Map<String, List<SigningKeyEntry>> exact;
    private final Map<String, List<SigningKeyEntry>> subdomains;
    private final List<SigningKeyEntry> any;
    private final int patterns;

    private SigningTable(Builder builder) {
        this.exact = copy(builder.rules, DomainPattern.Kind.EXACT);
        this.subdomains = copy(builder.rules, DomainPattern.Kind.SUBDOMAINS);
        this.any = List.copyOf(builder.rules.getOrDefault(DomainPattern.ANY, List.of()));
        this.patterns = builder.rules.size();
    }

    private static Map<String, List<SigningKeyEntry>> copy(Map<DomainPattern, List<SigningKeyEntry>> rules,
                                                          DomainPattern.Kind kind) {
        Map<String, List<SigningKeyEntry>> out = new HashMap<>();
        rules.forEach((pattern, keys) -> {
            if (pattern.kind() == kind) {
                out.put(pattern.domain(), List.copyOf(keys));
            }
        });
        return Map.copyOf(out);
    }

    /**
     * Reads a signing table file; every key name must be in {@code keys}.
     *
     * @throws KeyTableException naming the file and line of the first problem
     */
    public static SigningTable load(Path file, KeyTable keys) throws KeyTableException {
        String source = file.toString();
        Builder builder = builder();
        for (TableLines.Line line : TableLines.read(file)) {
            if (line.words().size() < 2) {
                throw KeyTableException.at(source, line.number(), "expected PATTERN KEYNAME [KEYNAME...]");
            }
            List<SigningKeyEntry> entries = new ArrayList<>();
            DomainPattern pattern;
            try {
                pattern = DomainPattern.parse(line.words().get(0));
                for (String word : line.words().subList(1, line.words().size())) {
                    for (String name : word.split(",")) {
                        if (!name.isEmpty()) {
                            entries.add(keys.get(name).orElseThrow(() -> new IllegalArgumentException(
                                    "no key named '" + name + "' in the key table")));
                        }
                    }
                }
                builder.add(pattern, entries);
            } catch (IllegalArgumentException e) {
                throw KeyTableException.at(source, line.number(), e.getMessage());
            }
        }
        if (builder.rules.isEmpty()) {
            throw new KeyTableException(source + ": no patterns");
        }
        return builder.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The keys for a message whose author domain is {@code authorDomain} (normalized as {@link SenderDomain}
     * gives it), the topmost signature's first; empty if no pattern matches.
     */
    public List<SigningKeyEntry> keysFor(String authorDomain) {
        List<SigningKeyEntry> keys = exact.get(authorDomain);
        if (keys != null) {
            return keys;
        }
        // a.b.example.com: *.b.example.com, then *.example.com, then *.com (at most 127 labels)
        for (int dot = authorDomain.indexOf('.'); dot >= 0; dot = authorDomain.indexOf('.', dot + 1)) {
            keys = subdomains.get(authorDomain.substring(dot + 1));
            if (keys != null) {
                return keys;
            }
        }
        return any;
    }

    /** How many distinct patterns the table has. */
    public int patternCount() {
        return patterns;
    }

    /** Collects rules; {@link #add} adds keys to a pattern's list. */
    public static final class Builder {
        private final Map<DomainPattern, List<SigningKeyEntry>> rules = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Adds keys for a pattern (after the ones it already has).
         *
         * @throws IllegalArgumentException if a key is given twice for the pattern or there are too many
         */
        public Builder add(DomainPattern pattern, List<SigningKeyEntry> keys) {
            List<SigningKeyEntry> list = rules.computeIfAbsent(pattern, p -> new ArrayList<>());
            for (SigningKeyEntry key : keys) {
                for (SigningKeyEntry existing : list) {
                    if (existing.name().equals(key.name())) {
                        throw new IllegalArgumentException("key '" + key.name() + "' given twice for " + pattern);
                    }
                }
                if (list.size() >= MAX_KEYS_PER_PATTERN) {
                    throw new IllegalArgumentException("more than " + MAX_KEYS_PER_PATTERN + " keys for " + pattern);
                }
                list.add(key);
            }
            return this;
        }

        public SigningTable build() {
            return new SigningTable(this);
        }
    }
}
