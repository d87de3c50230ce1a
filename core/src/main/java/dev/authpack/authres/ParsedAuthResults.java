package dev.authpack.authres;

import java.util.Objects;
import java.util.Optional;

/**
 * What {@link AuthResultsParser} made of one field body: the parsed header, or the reason it is malformed.
 * Exactly one of {@link #header()} and {@link #error()} is present.
 *
 * @param header     the parsed field, when well-formed
 * @param error      why the field is malformed, when it is
 * @param authservId the authserv-id, when the parser could read it (always for a well-formed field; for a
 *                   malformed one, when the error comes after the authserv-id)
 */
public record ParsedAuthResults(Optional<AuthResultsHeader> header, Optional<String> error,
                                Optional<String> authservId) {
    public ParsedAuthResults {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(authservId, "authservId");
        if (header.isPresent() == error.isPresent()) {
            throw new IllegalArgumentException("exactly one of header and error must be present");
        }
        if (header.isPresent() && !authservId.equals(header.map(AuthResultsHeader::authservId))) {
            throw new IllegalArgumentException("authservId must be the header's");
        }
    }

    public static ParsedAuthResults valid(AuthResultsHeader header) {
        return new ParsedAuthResults(Optional.of(header), Optional.empty(), Optional.of(header.authservId()));
    }

    /** A malformed field; {@code authservId} may be null when it could not be read. */
    public static ParsedAuthResults malformed(String reason, String authservId) {
        return new ParsedAuthResults(Optional.empty(), Optional.of(reason), Optional.ofNullable(authservId));
    }

    public boolean isValid() {
        return header.isPresent();
    }
}
