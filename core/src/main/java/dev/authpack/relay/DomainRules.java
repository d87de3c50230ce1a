package dev.authpack.relay;

import java.util.Objects;

/**
 * The settings of one {@code [domain NAME]} section.
 *
 * @param domain            canonical domain name
 * @param includeSubdomains whether the section also governs names below {@code domain} (default false)
 * @param relayTo           anyone may relay to this domain
 * @param relayFrom         clients that may relay anywhere when MAIL FROM is in this domain
 * @param relayFromUsers    authenticated users who may relay anywhere when MAIL FROM is in this domain
 * @param relayToUsers      authenticated users who may relay to this domain
 * @param line              the line of the section header, for messages
 */
public record DomainRules(String domain, boolean includeSubdomains, boolean relayTo, HostList relayFrom,
                          UserList relayFromUsers, UserList relayToUsers, int line) {
    public DomainRules {
        Objects.requireNonNull(domain, "domain");
        relayFrom = relayFrom == null ? HostList.empty() : relayFrom;
        relayFromUsers = relayFromUsers == null ? UserList.empty() : relayFromUsers;
        relayToUsers = relayToUsers == null ? UserList.empty() : relayToUsers;
    }
}
