package dev.authpack.it;

import dev.authpack.testkit.dns.FaultMix;
import dev.authpack.testkit.dns.FaultMix.Fault;
import dev.authpack.testkit.dns.LoopbackDnsServer;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The kinds of mail in the soak ({@link SoakIT}): which domain sends it, what the loopback DNS server does to that
 * domain's names, and which results our {@code Authentication-Results} field may carry for it.
 *
 * <p>Every sender domain {@code <label>.soak.example} publishes SPF and {@code p=reject} DMARC records with TTL 0
 * (nothing cached, so every message meets its fault). {@code allowed} is what consistency means: a result outside
 * it is a violation (a dropped domain giving {@code pass}, a DNS failure turning into {@code none} or
 * {@code permerror}). {@code exact} is the answer a healthy resolver gives; for categories whose DNS answers (late
 * or over TCP), {@code temperror} is tolerated but counted, and the soak requires most answers to be exact.
 */
enum SoakCategory {
    OK("ok", 14, Kind.PLAIN, true, null, "spf=pass|temperror dmarc=pass|temperror dkim=none", "spf=pass dmarc=pass"),
    FAIL("fail", 8, Kind.PLAIN, false, null, "spf=fail|temperror dmarc=fail|temperror", "spf=fail dmarc=fail"),
    DROP("drop", 5, Kind.PLAIN, true, t -> FaultMix.only(Fault.DROP), "spf=temperror dmarc=temperror|fail", ""),
    SERVFAIL("servfail", 7, Kind.PLAIN, true, t -> FaultMix.only(Fault.SERVFAIL),
            "spf=temperror dmarc=temperror|fail", ""),
    TRUNCATE("trunc", 8, Kind.PLAIN, true, t -> FaultMix.only(Fault.TRUNCATE),
            "spf=pass|temperror dmarc=pass|temperror", "spf=pass dmarc=pass"),
    SLOW("slow", 8, Kind.PLAIN, true, t -> FaultMix.delay(t.dividedBy(SoakCategory.SLOW_DIVISOR)),
            "spf=pass|temperror dmarc=pass|temperror", "spf=pass dmarc=pass"),
    TOO_SLOW("tooslow", 3, Kind.PLAIN, true, t -> FaultMix.delay(t.plus(t.dividedBy(4))),
            "spf=temperror dmarc=temperror|fail", ""),
    CHAOS_PASS("chaos-pass", 8, Kind.PLAIN, true, SoakCategory::chaos,
            "spf=pass|temperror dmarc=pass|temperror|fail", ""),
    CHAOS_FAIL("chaos-fail", 8, Kind.PLAIN, false, SoakCategory::chaos,
            "spf=fail|temperror dmarc=fail|temperror", ""),
    DKIM_OK("dkim-ok", 8, Kind.DKIM, true, null,
            "spf=pass|temperror dkim=pass|temperror dmarc=pass|temperror|fail", "dkim=pass dmarc=pass"),
    DKIM_CHAOS("dkim-chaos", 7, Kind.DKIM, true, SoakCategory::chaos,
            "spf=pass|temperror dkim=pass|temperror dmarc=pass|temperror|fail", ""),
    ARC("arc", 7, Kind.ARC, true, null,
            "spf=pass|temperror dkim=pass|temperror arc=pass|temperror dmarc=pass|temperror|fail",
            "dkim=pass arc=pass dmarc=pass"),
    HOSTILE("hostile", 9, Kind.HOSTILE, true, null, "spf=pass|temperror", "spf=pass");

    /** How the message is made. */
    enum Kind {
        /** A plain message From the sender domain. */
        PLAIN,
        /** A plain message with long, many and odd header fields. */
        HOSTILE,
        /** A message signed by {@code bin/authpack dkim-sign} with d= the category's domain. */
        DKIM,
        /** The DKIM_OK message, ARC-sealed by {@code bin/authpack arc-seal} with the sample sealer key. */
        ARC
    }

    static final String PARENT = "soak.example";
    /** Slow answers come this fraction of the DNS timeout late: well inside one attempt's share. */
    static final int SLOW_DIVISOR = 12;
    /** The mailbox of the MAIL FROM of signed and sealed mail (a healthy SPF domain). */
    static final String SIGNED_MAIL_FROM_LABEL = "ok";

    private final String label;
    private final int weight;
    private final Kind kind;
    private final boolean spfPasses;
    private final Function<Duration, FaultMix> fault;
    private final Map<String, Set<String>> allowed;
    private final Map<String, String> exact;

    SoakCategory(String label, int weight, Kind kind, boolean spfPasses, Function<Duration, FaultMix> fault,
                 String allowed, String exact) {
        this.label = label;
        this.weight = weight;
        this.kind = kind;
        this.spfPasses = spfPasses;
        this.fault = fault;
        this.allowed = spec(allowed, v -> Set.of(v.split("\\|")));
        this.exact = spec(exact, v -> v);
    }

    /** Per query: 40 % untouched, 10 % dropped, 15 % SERVFAIL, 15 % truncated, 20 % late (some beyond the timeout). */
    private static FaultMix chaos(Duration dnsTimeout) {
        return new FaultMix(Map.of(Fault.NONE, 40, Fault.DROP, 10, Fault.SERVFAIL, 15, Fault.TRUNCATE, 15,
                Fault.DELAY, 20), dnsTimeout.dividedBy(20), dnsTimeout.plus(dnsTimeout.dividedBy(4)));
    }

    private static <V> Map<String, V> spec(String text, Function<String, V> value) {
        Map<String, V> map = new LinkedHashMap<>();
        for (String item : text.trim().split("\\s+")) {
            if (!item.isEmpty()) {
                String[] kv = item.split("=", 2);
                map.put(kv[0], value.apply(kv[1]));
            }
        }
        return Map.copyOf(map);
    }

    /** {@code <label>.soak.example}: the From domain (and MAIL FROM domain of plain mail). */
    String domain() {
        return label + "." + PARENT;
    }

    /** The MAIL FROM domain: the category's own, or a healthy one for signed mail (whose From is fixed). */
    String mailFromDomain() {
        return kind == Kind.PLAIN || kind == Kind.HOSTILE ? domain() : SIGNED_MAIL_FROM_LABEL + "." + PARENT;
    }

    String label() {
        return label;
    }

    Kind kind() {
        return kind;
    }

    int weight() {
        return weight;
    }

    /** Result words our field may carry per method ({@code spf} is the MAIL FROM identity; {@code dkim}: each). */
    Map<String, Set<String>> allowed() {
        return allowed;
    }

    /** The healthy answer per method, for categories whose DNS answers; empty for the faulted ones. */
    Map<String, String> exact() {
        return exact;
    }

    /** The fault for this category's names (its domain and every name below it), if any. */
    Optional<FaultMix> fault(Duration dnsTimeout) {
        return Optional.ofNullable(fault).map(f -> f.apply(dnsTimeout));
    }

    /** Installs the faults of every category on the DNS server. */
    static void injectFaults(LoopbackDnsServer dns, Duration dnsTimeout) {
        for (SoakCategory c : values()) {
            c.fault(dnsTimeout).ifPresent(mix -> dns.faults(c.domain(), mix).faults("*." + c.domain(), mix));
        }
    }

    /**
     * The soak zone: the parent with a zero negative TTL, and SPF and DMARC records (TTL 0) for each category's
     * domain (ARC mail comes From the DKIM_OK domain, which has them already).
     */
    static String zone() {
        StringBuilder z = new StringBuilder(PARENT + ". 0 SOA ns.example. hostmaster.example. 1 3600 600 86400 0\n");
        for (SoakCategory c : values()) {
            if (c.kind == Kind.ARC) {
                continue;
            }
            String spf = c.spfPasses ? "v=spf1 ip4:127.0.0.0/8 -all" : "v=spf1 ip4:192.0.2.0/24 -all";
            z.append(c.domain()).append(". 0 TXT \"").append(spf).append("\"\n");
            z.append("_dmarc.").append(c.domain()).append(". 0 TXT \"v=DMARC1; p=reject\"\n");
        }
        return z.toString();
    }

    /** Categories drawn by weight for a uniform {@code r} in [0, 1). */
    static SoakCategory draw(double r) {
        int total = Arrays.stream(values()).mapToInt(SoakCategory::weight).sum();
        double point = r * total;
        for (SoakCategory c : values()) {
            point -= c.weight;
            if (point < 0) {
                return c;
            }
        }
        return OK;
    }
}
