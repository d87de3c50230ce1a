package dev.authpack.check;

import java.util.Objects;
import java.util.Optional;

/**
 * The RFC 8601 {@code auth} method: {@code pass} with the user when the client authenticated, else {@code none}.
 *
 * @param status the result
 * @param user   the authenticated user, when there is one
 */
public record SmtpAuthResult(SmtpAuthStatus status, Optional<String> user) {
    public SmtpAuthResult {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(user, "user");
    }

    public static SmtpAuthResult of(Optional<String> authUser) {
        Optional<String> user = authUser.filter(u -> !u.isBlank());
        return new SmtpAuthResult(user.isPresent() ? SmtpAuthStatus.PASS : SmtpAuthStatus.NONE, user);
    }

    public boolean passed() {
        return status == SmtpAuthStatus.PASS;
    }
}
