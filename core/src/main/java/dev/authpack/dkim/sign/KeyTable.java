package dev.authpack.dkim.sign;

import dev.authpack.dkim.DkimKeyException;
import dev.authpack.dkim.DkimKeys;
import dev.authpack.dkim.DkimSignOptions;
import dev.authpack.dkim.DkimSigningKey;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The keys one signer can use, by name, in OpenDKIM's KeyTable format: one key a line,
 * <pre>
 * # NAME              DOMAIN:SELECTOR:KEYFILE
 * example-rsa         example.com:rsa2026:keys/example.com.rsa.pem
 * example-ed25519     example.com:ed2026:keys/example.com.ed25519.pem
 * shared              %:mail:/etc/james/dkim/shared.pem
 * </pre>
 * DOMAIN is the d= to sign with, or {@code %} for the author domain of each message. KEYFILE is an absolute path,
 * a path relative to the key table's folder, or a URL the caller's {@link KeyFileLocator} understands. Every key
 * is read and checked when the table is loaded (a file used by several entries is read once).
 */
public final class KeyTable {
    /** The most keys a table holds. */
    public static final int MAX_KEYS = 10_000;

    private final Map<String, SigningKeyEntry> entries;

    private KeyTable(Map<String, SigningKeyEntry> entries) {
        this.entries = Collections.unmodifiableMap(entries);
    }

    /**
     * Reads a key table file and every key it names.
     *
     * @throws KeyTableException naming the file and line of the first problem
     */
    public static KeyTable load(Path file, KeyFileLocator locator) throws KeyTableException {
        Path folder = file.toAbsolutePath().getParent();
        String source = file.toString();
        Map<String, SigningKeyEntry> entries = new LinkedHashMap<>();
        Map<Path, DkimSigningKey> keys = new HashMap<>();
        for (TableLines.Line line : TableLines.read(file)) {
            int number = line.number();
            if (line.words().size() != 2) {
                throw KeyTableException.at(source, number, "expected NAME DOMAIN:SELECTOR:KEYFILE, found "
                        + line.words().size() + " words");
            }
            String name = line.words().get(0);
            if (name.indexOf(',') >= 0) {
                throw KeyTableException.at(source, number, "key name '" + name + "' has a comma (the signing table"
                        + " separates names with commas)");
            }
            if (entries.containsKey(name)) {
                throw KeyTableException.at(source, number, "key name '" + name + "' given again (first at "
                        + entries.get(name).source() + ")");
            }
            if (entries.size() >= MAX_KEYS) {
                throw KeyTableException.at(source, number, "more than " + MAX_KEYS + " keys");
            }
            String[] parts = line.words().get(1).split(":", 3);
            if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()) {
                throw KeyTableException.at(source, number, "expected DOMAIN:SELECTOR:KEYFILE after the name, not '"
                        + line.words().get(1) + "'");
            }
            String where = source + ":" + number;
            String domain;
            String selector;
            try {
                domain = parts[0].equals("%") ? null : SenderDomain.domainName(parts[0]);
                selector = checkedSelector(domain, parts[1]);
            } catch (IllegalArgumentException e) {
                throw KeyTableException.at(source, number, e.getMessage());
            }
            Path keyFile;
            try {
                keyFile = keyFile(parts[2], folder, locator);
            } catch (IllegalArgumentException e) {
                throw KeyTableException.at(source, number, "key " + parts[2] + ": " + e.getMessage());
            }
            DkimSigningKey key = keys.get(keyFile);
            if (key == null) {
                try {
                    key = DkimKeys.load(keyFile);
                } catch (DkimKeyException e) {
                    throw KeyTableException.at(source, number, "key " + e.getMessage());
                }
                keys.put(keyFile, key);
            }
            entries.put(name, new SigningKeyEntry(name, domain, selector, keyFile, key, where));
        }
        if (entries.isEmpty()) {
            throw new KeyTableException(source + ": no keys");
        }
        return new KeyTable(entries);
    }

    /** The selector, lower case, if it and the domain make a valid d=/s= pair (RFC 6376 §3.1). */
    static String checkedSelector(String domain, String selector) {
        // % stands for author domains, which are checked when a message comes; any valid name stands in for them
        return DkimSignOptions.of(domain == null ? "example.com" : domain, selector).selector();
    }

    /** Absolute paths as they are, relative ones from {@code folder}, URLs through the locator. */
    static Path keyFile(String location, Path folder, KeyFileLocator locator) {
        if (location.contains("://") || location.startsWith("file:") || location.startsWith("classpath:")) {
            return locator.locate(location).toAbsolutePath().normalize();
        }
        try {
            Path path = Path.of(location);
            return (path.isAbsolute() ? path : folder.resolve(path)).normalize();
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("invalid path: " + e.getMessage());
        }
    }

    /** The entry of this name. */
    public Optional<SigningKeyEntry> get(String name) {
        return Optional.ofNullable(entries.get(name));
    }

    /** All entries in table order, by name. */
    public Map<String, SigningKeyEntry> entries() {
        return entries;
    }

    public List<SigningKeyEntry> list() {
        return List.copyOf(entries.values());
    }
}
