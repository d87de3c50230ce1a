package dev.authpack.check;

import java.util.Optional;

/**
 * The RFC 8601 {@code auth} method: {@code pass} with the user when the client authenticated, else {@code none}.
 */
public record SmtpAuthResult(String result, Optional<String> user) {
    public static SmtpAuthResult of(Optional<String> authUser) {
        Optional<String> user = authUser.filter(u -> !u.isBlank());
        return new SmtpAuthResult(user.isPresent() ? "pass" : "none", user);
    }

    public boolean passed() {
        return "pass".equals(result);
    }
}
