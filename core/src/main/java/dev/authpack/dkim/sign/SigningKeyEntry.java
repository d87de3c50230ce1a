package dev.authpack.dkim.sign;

import dev.authpack.dkim.DkimSigningKey;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One key of a key table: a name, the d= and s= it signs with, and the loaded key.
 *
 * @param name     the name the signing table refers to
 * @param domain   d=, or null for "the author domain of each message" ({@code %} in the key table)
 * @param selector s=
 * @param keyFile  where the key was read from
 * @param key      the key
 * @param source   where the entry was written ({@code FILE:LINE}, or the parameter name), for messages
 */
public record SigningKeyEntry(String name, String domain, String selector, Path keyFile, DkimSigningKey key,
                              String source) {
    public SigningKeyEntry {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(selector, "selector");
        Objects.requireNonNull(key, "key");
    }

    /** The d= for a message whose author domain is {@code authorDomain}. */
    public String signingDomain(String authorDomain) {
        return domain == null ? authorDomain : domain;
    }

    /** {@code d=example.com s=sel a=rsa-sha256} (d=% for the author domain). */
    public String describe() {
        return "d=" + (domain == null ? "%" : domain) + " s=" + selector + " a=" + key.algorithm().tag();
    }
}
