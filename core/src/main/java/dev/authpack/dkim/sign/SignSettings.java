package dev.authpack.dkim.sign;

import dev.authpack.dkim.Canonicalization;
import dev.authpack.dkim.DkimSignOptions;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * What every signature of a signer has in common, whatever its d= and s=; {@link #options} makes the
 * {@link DkimSignOptions} for one key. Also reads these settings from configuration text.
 *
 * @param headerCanonicalization default relaxed
 * @param bodyCanonicalization   default relaxed
 * @param signedHeaders          an explicit h= list, or null for {@link DkimSignOptions#DEFAULT_SIGNED_HEADERS}
 * @param overSignedHeaders      with the default list, names signed once more than present (default
 *                               {@link DkimSignOptions#DEFAULT_OVER_SIGNED_HEADERS}); From is over-signed always, and
 *                               with the default list the {@link DkimSignOptions#OVER_SIGNED_WHEN_PRESENT} fields
 *                               present
 * @param expiration             x= = t= + this, or null for no x=
 * @param identity               i=, or null
 * @param clock                  the time of t=
 */
public record SignSettings(Canonicalization headerCanonicalization, Canonicalization bodyCanonicalization,
                           List<String> signedHeaders, Set<String> overSignedHeaders, Duration expiration,
                           String identity, Clock clock) {
    /** An x= further than this is a mistake (ten years). */
    public static final long MAX_EXPIRATION_SECONDS = 10L * 366 * 24 * 3600;

    public SignSettings {
        Objects.requireNonNull(headerCanonicalization, "headerCanonicalization");
        Objects.requireNonNull(bodyCanonicalization, "bodyCanonicalization");
        signedHeaders = signedHeaders == null ? null : List.copyOf(signedHeaders);
        overSignedHeaders = Set.copyOf(overSignedHeaders);
        Objects.requireNonNull(clock, "clock");
    }

    /** relaxed/relaxed, the default header list and over-signed fields, no x=, no i=, the system clock. */
    public static SignSettings defaults() {
        return new SignSettings(Canonicalization.RELAXED, Canonicalization.RELAXED, null,
                DkimSignOptions.DEFAULT_OVER_SIGNED_HEADERS, null, null, Clock.systemUTC());
    }

    /**
     * The options for one signature.
     *
     * @throws IllegalArgumentException if the domain, selector, identity or header list is not acceptable
     */
    public DkimSignOptions options(String domain, String selector) {
        return DkimSignOptions.of(domain, selector)
                .withCanonicalization(headerCanonicalization, bodyCanonicalization)
                .withSignedHeaders(signedHeaders)
                .withOverSignedHeaders(overSignedHeaders)
                .withExpiration(expiration)
                .withIdentity(identity)
                .withClock(clock);
    }

    public SignSettings withCanonicalization(Canonicalization header, Canonicalization body) {
        return new SignSettings(header, body, signedHeaders, overSignedHeaders, expiration, identity, clock);
    }

    /** From text such as {@code relaxed/simple}. @throws IllegalArgumentException if it is not HEADER/BODY */
    public SignSettings withCanonicalization(String text) {
        String[] parts = text.strip().toLowerCase(Locale.ROOT).split("/", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("canonicalization '" + text + "' must be HEADER/BODY, each simple or"
                    + " relaxed (e.g. relaxed/relaxed)");
        }
        return withCanonicalization(canonicalization(parts[0], text), canonicalization(parts[1], text));
    }

    private static Canonicalization canonicalization(String word, String text) {
        for (Canonicalization c : Canonicalization.values()) {
            if (c.tag().equals(word.strip())) {
                return c;
            }
        }
        throw new IllegalArgumentException("canonicalization '" + text + "': '" + word + "' is neither simple nor"
                + " relaxed");
    }

    public SignSettings withSignedHeaders(List<String> names) {
        return new SignSettings(headerCanonicalization, bodyCanonicalization, names, overSignedHeaders, expiration,
                identity, clock);
    }

    public SignSettings withOverSignedHeaders(Set<String> names) {
        return new SignSettings(headerCanonicalization, bodyCanonicalization, signedHeaders, names, expiration,
                identity, clock);
    }

    public SignSettings withExpiration(Duration validity) {
        return new SignSettings(headerCanonicalization, bodyCanonicalization, signedHeaders, overSignedHeaders,
                validity, identity, clock);
    }

    public SignSettings withIdentity(String auid) {
        return new SignSettings(headerCanonicalization, bodyCanonicalization, signedHeaders, overSignedHeaders,
                expiration, auid, clock);
    }

    public SignSettings withClock(Clock time) {
        return new SignSettings(headerCanonicalization, bodyCanonicalization, signedHeaders, overSignedHeaders,
                expiration, identity, time);
    }

    /**
     * Header names separated by colons or commas ({@code from:to:subject}, {@code From, To}), white space
     * around them ignored, case and repetitions kept (a name listed once more than it occurs is over-signed).
     *
     * @throws IllegalArgumentException if a name is empty or not a field name
     */
    public static List<String> parseHeaderNames(String text) {
        List<String> names = new ArrayList<>();
        for (String part : text.split("[:,]", -1)) {
            String name = part.strip();
            if (name.isEmpty()) {
                throw new IllegalArgumentException("empty header name in '" + text + "'");
            }
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                if (c < 33 || c > 126) {
                    throw new IllegalArgumentException("'" + name + "' is not a header field name");
                }
            }
            names.add(name);
        }
        return names;
    }

    /**
     * A validity in whole seconds, 1 to {@value #MAX_EXPIRATION_SECONDS}.
     *
     * @throws IllegalArgumentException otherwise
     */
    public static Duration parseExpiration(String text) {
        long seconds;
        try {
            seconds = Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expiration '" + text + "' is not a whole number of seconds");
        }
        if (seconds < 1 || seconds > MAX_EXPIRATION_SECONDS) {
            throw new IllegalArgumentException("expiration must be between 1 and " + MAX_EXPIRATION_SECONDS
                    + " seconds, not " + seconds);
        }
        return Duration.ofSeconds(seconds);
    }
}
