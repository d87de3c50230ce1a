package dev.authpack.check;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;

/** Review s18: {@link ClientQuota}, per client and per network (session 17). */
class Review18ClientQuotaTest {

    /**
     * Severity: Low (no caller reaches it today: Waits sizes its table to maxWaiting, so a replacing client always
     * finds room; a future caller with a smaller table than its units would under-count).
     * Attack: {@link ClientQuota.Client#tryReplace} gives {@code old} back first and only then takes the new unit;
     * when the table of clients is full and the replacing client is new, the take fails and null is returned, but
     * {@code old} has been given back all the same: its holder still holds the unit, uncounted, and its client can
     * take one more than its quota. The contract says "otherwise null and old stays held. Atomic."
     * Expected: null and the old permit still counted (check the table's room before giving old back).
     */
    @Test
    void aReplaceThatFailsForAFullTableStillGivesTheOldPermitBack() throws Exception {
        ClientQuota quota = new ClientQuota(2, 1);
        ClientQuota.Client a = quota.client(InetAddress.getByName("198.51.100.1"));
        ClientQuota.Client b = quota.client(InetAddress.getByName("203.0.113.1"));
        ClientQuota.Permit first = a.tryAcquire();
        ClientQuota.Permit second = a.tryAcquire();
        assertThat(first).isNotNull();
        assertThat(second).isNotNull();
        assertThat(a.held()).isEqualTo(2);

        ClientQuota.Permit replaced = b.tryReplace(first);

        assertThat(replaced).as("b is a new client and the table holds one client: no room").isNull();
        assertThat(a.held()).as("old stays held when the replace fails").isEqualTo(2);
        assertThat(a.tryAcquire()).as("a is still at its quota of 2").isNull();
    }
}
