package dev.authpack.relay;

/** The rule that decided a {@link RelayDecision}; the policy-file key is given where there is one. */
public enum RelayRule {
    /** Allowed: the client is in the global {@code relay_hosts}. */
    RELAY_HOSTS(true, "relay_hosts"),
    /** Allowed: the client authenticated and {@code relay_authenticated = true}. */
    RELAY_AUTHENTICATED(true, "relay_authenticated"),
    /** Allowed: the authenticated user is in the global {@code relay_users}. */
    RELAY_USERS(true, "relay_users"),
    /** Allowed: the sender's domain has a section whose {@code relay_from} contains the client. */
    RELAY_FROM(true, "relay_from"),
    /** Allowed: the sender's domain has a section whose {@code relay_from_users} contains the authenticated user. */
    RELAY_FROM_USERS(true, "relay_from_users"),
    /** Allowed: the recipient's domain has {@code relay_to = true}. */
    RELAY_TO(true, "relay_to"),
    /** Allowed: the recipient's domain lists the authenticated user in {@code relay_to_users}. */
    RELAY_TO_USERS(true, "relay_to_users"),
    /** Denied: the recipient is not a valid address. */
    INVALID_RECIPIENT(false, "invalid recipient"),
    /** Denied: the recipient carries sender-specified routing and the client is not trusted. */
    ROUTED_RECIPIENT(false, "sender-specified routing"),
    /** Denied: no rule allows it (the default). */
    NO_RULE(false, "default deny");

    private final boolean allows;
    private final String label;

    RelayRule(boolean allows, String label) {
        this.allows = allows;
        this.label = label;
    }

    public boolean allows() {
        return allows;
    }

    /**
     * True for the rules that trust the client itself, whatever the recipient (relay_hosts, an authenticated user,
     * relay_from for its MAIL FROM domain): our own submitters, whose mail DkimSign may sign. relay_to and
     * relay_to_users let anyone's mail through to one destination (a backup MX): not a submitter (review s22).
     */
    public boolean trustsClient() {
        return this == RELAY_HOSTS || this == RELAY_AUTHENTICATED || this == RELAY_USERS || this == RELAY_FROM
                || this == RELAY_FROM_USERS;
    }

    /** The policy key or a short name, for logs. */
    public String label() {
        return label;
    }
}
