package dev.authpack.report;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * VERP (variable envelope return path, D. J. Bernstein): the sender puts each recipient into its return path, as
 * {@code PREFIX DELIMITER local=domain @ bounce-domain} (e.g. {@code bounce+user=example.com@bounces.example.org}),
 * so the bounce's envelope recipient names the failed recipient even when the bounce itself does not. Configured
 * by the prefix and the delimiter; the recipient's {@code @} is encoded as the last {@code =}.
 */
public record Verp(String prefix, char delimiter) {
    public Verp {
        Objects.requireNonNull(prefix, "prefix");
        if (prefix.isEmpty() || prefix.indexOf('@') >= 0) {
            throw new IllegalArgumentException("VERP prefix must be a non-empty local-part prefix");
        }
    }

    /** The recipient encoded in {@code returnPath}, lower case, or empty when it is not a VERP address of ours. */
    public Optional<String> decode(String returnPath) {
        if (returnPath == null) {
            return Optional.empty();
        }
        String address = returnPath.strip();
        if (address.startsWith("<") && address.endsWith(">")) {
            address = address.substring(1, address.length() - 1);
        }
        int at = address.lastIndexOf('@');
        String head = prefix + delimiter;
        if (at < 0 || !address.regionMatches(true, 0, head, 0, head.length())) {
            return Optional.empty();
        }
        String encoded = address.substring(head.length(), at);
        int eq = encoded.lastIndexOf('=');
        if (eq <= 0 || eq == encoded.length() - 1 || encoded.substring(eq + 1).indexOf('.') < 0) {
            return Optional.empty();
        }
        return Optional.of((encoded.substring(0, eq) + "@" + encoded.substring(eq + 1)).toLowerCase(Locale.ROOT));
    }
}
