package dev.authpack.bench;

import dev.authpack.dns.DnsResolver;
import dev.authpack.spf.SpfChecker;
import dev.authpack.spf.SpfStatus;

/** Our SPF engine over a given resolver, asked the same MAIL FROM question as jSPF. */
public final class AuthpackEngine {

    private final SpfChecker checker;

    public AuthpackEngine(DnsResolver dns) {
        this.checker = new SpfChecker(dns);
    }

    /**
     * The result of the scenario's MAIL FROM check. With every answer already complete the future is complete on
     * return, so {@code join()} never waits.
     */
    public SpfStatus check(SpfScenario scenario) {
        return checker.checkMailFrom(scenario.clientAddress(), scenario.sender(), scenario.helo()).join().status();
    }
}
