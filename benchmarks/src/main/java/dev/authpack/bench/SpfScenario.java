package dev.authpack.bench;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The three SPF scenarios measured for every engine: the same DNS data, client, sender and expected result.
 * Each stays well inside the RFC 7208 §4.6.4 limits (at most 10 DNS-querying terms, no void lookup), so both
 * engines must agree on the expected result.
 */
public enum SpfScenario {

    /** One {@code ip4} mechanism that matches the client. No lookup besides the record itself. */
    DIRECT_IP4_PASS("direct.example", "user@direct.example", "mail.direct.example", "192.0.2.10", "pass",
            MemoryZone.builder()
                    .txt("direct.example", "v=spf1 ip4:192.0.2.0/24 -all")
                    .build()),

    /**
     * Three levels of {@code include} below the sender's record; every level has {@code a}, {@code mx} or
     * {@code ip4} terms that do not match, and only the last level's {@code ip4} matches the client.
     * DNS-querying terms: 3 + 3 + 2 + 1 = 9 (each {@code mx} also resolves two exchanges).
     */
    INCLUDE_CHAIN_PASS("chain.example", "user@chain.example", "mail.chain.example", "203.0.113.77", "pass",
            MemoryZone.builder()
                    .txt("chain.example", "v=spf1 a mx ip4:198.51.100.0/28 include:l1.chain.example -all")
                    .txt("l1.chain.example", "v=spf1 a mx ip4:198.51.100.16/28 include:l2.chain.example -all")
                    .txt("l2.chain.example", "v=spf1 a ip4:198.51.100.32/28 include:l3.chain.example ~all")
                    .txt("l3.chain.example", "v=spf1 mx ip4:198.51.100.48/28 ip4:203.0.113.0/24 -all")
                    .txt("chain.example", "google-site-verification=benchmark-noise")
                    .a("chain.example", "198.51.100.200")
                    .a("l1.chain.example", "198.51.100.201")
                    .a("l2.chain.example", "198.51.100.202")
                    .aaaa("chain.example", "2001:db8::200")
                    .mx("chain.example", 10, "mx1.chain.example")
                    .mx("chain.example", 20, "mx2.chain.example")
                    .mx("l1.chain.example", 10, "mx1.l1.chain.example")
                    .mx("l1.chain.example", 20, "mx2.l1.chain.example")
                    .mx("l3.chain.example", 10, "mx1.l3.chain.example")
                    .mx("l3.chain.example", 20, "mx2.l3.chain.example")
                    .a("mx1.chain.example", "198.51.100.210")
                    .a("mx2.chain.example", "198.51.100.211")
                    .a("mx1.l1.chain.example", "198.51.100.212")
                    .a("mx2.l1.chain.example", "198.51.100.213")
                    .a("mx1.l3.chain.example", "198.51.100.214")
                    .a("mx2.l3.chain.example", "198.51.100.215")
                    .build()),

    /** Several mechanisms (a, mx, ip4, ip6), none matching the client, then {@code -all}. */
    ALL_FAIL("fail.example", "user@fail.example", "mail.fail.example", "203.0.113.200", "fail",
            MemoryZone.builder()
                    .txt("fail.example",
                            "v=spf1 a mx ip4:198.51.100.0/24 ip4:192.0.2.128/25 ip6:2001:db8::/32 -all")
                    .a("fail.example", "198.51.100.220")
                    .mx("fail.example", 10, "mx1.fail.example")
                    .mx("fail.example", 20, "mx2.fail.example")
                    .a("mx1.fail.example", "198.51.100.221")
                    .a("mx2.fail.example", "198.51.100.222")
                    .build());

    private final String domain;
    private final String sender;
    private final String helo;
    private final String clientIp;
    private final InetAddress clientAddress;
    private final String expected;
    private final MemoryZone zone;

    SpfScenario(String domain, String sender, String helo, String clientIp, String expected, MemoryZone zone) {
        this.domain = domain;
        this.sender = sender;
        this.helo = helo;
        this.clientIp = clientIp;
        this.clientAddress = literal(clientIp);
        this.expected = expected;
        this.zone = zone;
    }

    /** The domain whose SPF record is evaluated (the MAIL FROM domain). */
    public String domain() {
        return domain;
    }

    public String sender() {
        return sender;
    }

    public String helo() {
        return helo;
    }

    /** The SMTP client's address, as an IP literal. */
    public String clientIp() {
        return clientIp;
    }

    /** The SMTP client's address, parsed once (the caller of an SPF check has it parsed already). */
    public InetAddress clientAddress() {
        return clientAddress;
    }

    /** The expected RFC 7208 result name in lower case ({@code pass}, {@code fail}). */
    public String expected() {
        return expected;
    }

    public MemoryZone zone() {
        return zone;
    }

    private static InetAddress literal(String address) {
        try {
            return InetAddress.getByName(address); // a literal: no DNS query is made
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP literal: " + address, e);
        }
    }
}
