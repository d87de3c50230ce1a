package dev.authpack.relay;

import java.util.Objects;

/**
 * The answer to a {@link RelayRequest}.
 *
 * @param allowed whether the recipient may be relayed
 * @param rule    the rule that decided
 * @param reason  a sentence for logs (never for the SMTP client: it names policy details)
 */
public record RelayDecision(boolean allowed, RelayRule rule, String reason) {
    public RelayDecision {
        Objects.requireNonNull(rule, "rule");
        if (allowed != rule.allows()) {
            throw new IllegalArgumentException(rule + " cannot " + (allowed ? "allow" : "deny"));
        }
        reason = reason == null ? "" : reason;
    }

    static RelayDecision allow(RelayRule rule, String reason) {
        return new RelayDecision(true, rule, reason);
    }

    static RelayDecision deny(RelayRule rule, String reason) {
        return new RelayDecision(false, rule, reason);
    }
}
