package dev.authpack.bench;

import org.apache.james.jspf.core.DNSService;
import org.apache.james.jspf.core.DNSServiceEnabled;
import org.apache.james.jspf.core.MacroExpand;
import org.apache.james.jspf.core.MacroExpandEnabled;
import org.apache.james.jspf.core.SPFCheckEnabled;
import org.apache.james.jspf.executor.SynchronousSPFExecutor;
import org.apache.james.jspf.impl.DefaultTermsFactory;
import org.apache.james.jspf.impl.SPF;
import org.apache.james.jspf.parser.RFC4408SPF1Parser;
import org.apache.james.jspf.wiring.WiringServiceTable;

/**
 * jSPF 1.0.3 wired exactly as James 3.8.1's {@code SPF} mailet wires it (synchronous executor), with DNS
 * answered from memory.
 *
 * <p>Not {@code new SPF(dnsService)}: in 1.0.3 that picks the asynchronous executor, which drops the continuation
 * a DNS listener returns, so the TXT lookup that follows the (empty) type-99 SPF lookup never runs and every
 * check ends in {@code none}. Fixed upstream in 1.0.4+.
 */
public final class JspfEngine {

    private final SPF spf;

    public JspfEngine(MemoryZone zone) {
        DNSService dns = new JspfMemoryDnsService(zone);
        WiringServiceTable wiring = new WiringServiceTable();
        wiring.put(DNSServiceEnabled.class, dns);
        MacroExpand macroExpand = new MacroExpand(dns);
        wiring.put(MacroExpandEnabled.class, macroExpand);
        RFC4408SPF1Parser parser = new RFC4408SPF1Parser(new DefaultTermsFactory(wiring));
        this.spf = new SPF(dns, parser, macroExpand, new SynchronousSPFExecutor(dns));
        wiring.put(SPFCheckEnabled.class, spf);
    }

    /** The result name jSPF gives for the scenario's MAIL FROM check ({@code pass}, {@code fail}, ...). */
    public String check(SpfScenario scenario) {
        return spf.checkSPF(scenario.clientIp(), scenario.sender(), scenario.helo()).getResult();
    }
}
