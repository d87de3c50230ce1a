package dev.authpack.authres;

import java.util.List;
import java.util.Objects;

/**
 * A parsed {@code Authentication-Results} field (RFC 8601 §2.2).
 *
 * @param authservId the authserv-id as written (unquoted; compare it case-insensitively)
 * @param version    the authres-version; 1 when absent (the only version RFC 8601 defines)
 * @param results    the resinfos in field order; empty for the {@code none} form. Method names, result words,
 *                   ptypes and property names are lower-case; reasons and values are as written (unquoted).
 *                   A method version ({@code dkim/1}) is checked but not kept: every registered method is at 1.
 */
public record AuthResultsHeader(String authservId, int version, List<MethodResult> results) {
    public AuthResultsHeader {
        Objects.requireNonNull(authservId, "authservId");
        results = List.copyOf(results);
    }

    /** Whether the field is the {@code none} form: the server checked nothing (RFC 8601 §2.2). */
    public boolean isNone() {
        return results.isEmpty();
    }
}
