package dev.authpack.it;

import static dev.authpack.it.SessionBusyIT.awaitDropsAbove;
import static dev.authpack.it.SessionBusyIT.drops;
import static dev.authpack.it.SessionBusyIT.message;
import static org.assertj.core.api.Assertions.assertThat;

import dev.authpack.testkit.dns.FaultMix;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SessionAuthCheck's per-client and per-network bounds (docs/SessionAuthCheck.md "Limits") behind a load balancer
 * ({@code <proxyRequired>}, docs/install.md "Behind a load balancer"): every connection comes from the balancer,
 * 127.0.0.1, and only its PROXY header names the client. The bounds must count the named client and its network
 * (IPv4 /24, IPv6 /48): counted by the balancer's address, one abusive client would hold the share of every client
 * behind it; counted per connection, they would not bound anything.
 *
 * <p>Here {@code maxWaiting=4}, of which one client holds at most 1 and one network at most 2;
 * {@code maxQueriesPerClient=4}, {@code maxQueriesPerNetwork=6}. Six I/O threads and a separate acceptor: the
 * connections of a test, opened one after the other, are each on their own thread. Each test uses networks of its
 * own: a dropped query stays in flight, and counted, until the DNS timeout.
 */
class ProxySessionSharesIT {
    static final int QUERIES_PER_CLIENT = 4;
    static final int QUERIES_PER_NETWORK = 6;
    static final Duration PROMPT = SessionBusyIT.PROMPT;

    static final String ZONE = """
            proxy-pass.example.                0 TXT "v=spf1 ip4:198.51.100.0/24 ip4:203.0.113.0/24 ip4:192.0.2.0/24 -all"
            _dmarc.proxy-pass.example.         0 TXT "v=DMARC1; p=reject"
            proxy-reject.example.              0 TXT "v=spf1 -all"
            _dmarc.proxy-reject.example.       0 TXT "v=DMARC1; p=reject"
            20.113.0.203.in-addr.arpa.         0 PTR mail.proxy-pass.example.
            mail.proxy-pass.example.           0 A   203.0.113.20
            """;

    @RegisterExtension
    static final JamesExtension JAMES = new JamesExtension(b -> b
            .zone(ZONE)
            .placeholder("DNS_TIMEOUT", "15000")
            .edit("smtpserver.xml", xml -> ProxyProtocolIT.withProxyRequired(SessionEnforcementIT.withHook(
                    SessionBusyIT.ioThreads(xml, 6),
                    "<refuseSpfFail>never</refuseSpfFail><dmarcTimeout>4000</dmarcTimeout>"
                            + "<maxWaiting>4</maxWaiting><maxWaitingPerClient>1</maxWaitingPerClient>"
                            + "<maxWaitingPerNetwork>2</maxWaitingPerNetwork>"
                            + "<maxQueriesPerClient>" + QUERIES_PER_CLIENT + "</maxQueriesPerClient>"
                            + "<maxQueriesPerNetwork>" + QUERIES_PER_NETWORK + "</maxQueriesPerNetwork>"
                            // the shares alone: no wait, at most dmarcTimeout, yields here; shorter than
                            // mailFromWait (5000)
                            + "<waitYieldAfter>4999</waitYieldAfter>"))));

    /** A connection from the balancer (127.0.0.1) whose PROXY header names {@code claimed}, before any command. */
    static SmtpClient proxied(String claimed) {
        byte[] header = claimed.indexOf(':') >= 0 ? ProxyHeader.v2(claimed, 40_000) : ProxyHeader.v1(claimed, 40_000);
        SmtpClient c = SmtpClient.connect(InetAddress.getLoopbackAddress(), JAMES.server().smtpPort(), null, header);
        assertThat(c.ehlo("mail.proxy-pass.example").code()).as(c.transcriptText()).isEqualTo(250);
        return c;
    }

    /** {@link #proxied}, through MAIL FROM (SPF passes for every claimed IPv4 client here) and RCPT TO. */
    static SmtpClient ready(String claimed) {
        SmtpClient c = proxied(claimed);
        assertThat(c.mailFrom("bob@proxy-pass.example").code()).as(c.transcriptText()).isEqualTo(250);
        assertThat(c.rcptTo(JamesExtension.ALICE).code()).as(c.transcriptText()).isEqualTo(250);
        return c;
    }

    static void assertBusy(SmtpReply reply, SmtpClient c) {
        assertThat(reply.code()).as(c.transcriptText()).isEqualTo(451);
        assertThat(reply.text()).as(c.transcriptText()).startsWith("4.7.1 Too many messages are being checked now");
    }

    @Test
    void theWaitsAreSharedByTheClientsAndNetworksTheProxyHeadersNameNotByTheBalancer() throws Exception {
        JAMES.dns().faults("*.proxy-hole.example", FaultMix.only(FaultMix.Fault.DROP));
        ExecutorService pool = Executors.newFixedThreadPool(5);
        try (SmtpClient a = ready("198.51.100.7");
             SmtpClient aAgain = ready("198.51.100.7");
             SmtpClient neighbour = ready("198.51.100.8");
             SmtpClient third = ready("198.51.100.9");
             SmtpClient other = ready("203.0.113.9")) {
            long before = drops(JAMES);
            Future<SmtpReply> first = pool.submit(() -> a.data(message("news@a.proxy-hole.example")));
            // its DMARC query reached the DNS server (at the header section); then it waits at its end of DATA
            awaitDropsAbove(JAMES, before);
            Thread.sleep(300);

            // (b) the same claimed client again: its share (1) is taken, 451 at once
            assertBusy(pool.submit(() -> aAgain.data(message("news@b.proxy-hole.example")))
                    .get(PROMPT.toMillis(), TimeUnit.MILLISECONDS), aAgain);

            // (a) another client of 198.51.100.0/24 takes its network's second wait: it waits, not refused. Counted
            // by the balancer's address, it would have found its share taken by the first
            before = drops(JAMES);
            Future<SmtpReply> second = pool.submit(() -> neighbour.data(message("news@c.proxy-hole.example")));
            awaitDropsAbove(JAMES, before);
            Thread.sleep(300);
            assertThat(second.isDone()).as("the neighbour waits for its check: %s", neighbour.transcriptText())
                    .isFalse();

            // (b) a third client of the /24: the network's share (2) is taken, 451 at once
            assertBusy(pool.submit(() -> third.data(message("news@d.proxy-hole.example")))
                    .get(PROMPT.toMillis(), TimeUnit.MILLISECONDS), third);

            // (a) a client of 203.0.113.0/24 gets a wait of its own: its DMARC answer takes 700 ms, so its check needs
            // one (finished, it would need none); its spoof of a p=reject domain is refused, not deferred
            JAMES.dns().faults("_dmarc.proxy-reject.example", FaultMix.delay(Duration.ofMillis(700)));
            SmtpReply refused = pool.submit(() -> other.data(message("news@proxy-reject.example")))
                    .get(PROMPT.toMillis() + 2000, TimeUnit.MILLISECONDS);
            assertThat(refused.code()).as(other.transcriptText()).isEqualTo(550);
            assertThat(refused.text()).as(other.transcriptText()).startsWith("5.7.1").contains("proxy-reject.example");

            assertThat(first.isDone()).as("the first still waits").isFalse();
            // their DMARC temperror is accepted (temperror=accept)
            assertThat(first.get(30, TimeUnit.SECONDS).code()).as(a.transcriptText()).isEqualTo(250);
            assertThat(second.get(30, TimeUnit.SECONDS).code()).as(neighbour.transcriptText()).isEqualTo(250);
            for (SmtpClient c : List.of(a, aAgain, neighbour, third, other)) {
                c.quit();
            }
        } finally {
            pool.shutdownNow();
            JAMES.dns().clearFailures();
        }
    }

    /** {@code count} connections of {@code claimed}, each sending MAIL FROM at a name whose DNS never answers. */
    private static void mailFromIntoTheHole(String claimed, String label, int count, List<SmtpClient> open) {
        for (int i = 0; i < count; i++) {
            SmtpClient c = proxied(claimed);
            open.add(c);
            assertThat(c.mailFrom("x@" + label + i + ".proxy-hole.example").code()).as(c.transcriptText())
                    .isEqualTo(250);
        }
    }

    /**
     * Eight connections of one claimed client each send MAIL FROM at a name whose DNS never answers: at most
     * {@code maxQueriesPerClient} of their SPF queries are sent. Eight of a neighbour in the same /24: some of
     * theirs are sent (the first client's quota is its own), the /24's at most {@code maxQueriesPerNetwork}
     * together. An IPv6 client's query is sent as usual.
     */
    @Test
    void theDnsQuotasCountTheClientsAndNetworksTheProxyHeadersName() throws Exception {
        JAMES.dns().faults("*.proxy-hole.example", FaultMix.only(FaultMix.Fault.DROP));
        List<SmtpClient> open = new ArrayList<>();
        try {
            long before = drops(JAMES);
            mailFromIntoTheHole("192.0.2.7", "a", 8, open);
            Thread.sleep(1000);
            long client = drops(JAMES) - before;
            assertThat(client).as("the first client's SPF queries sent").isBetween(1L, (long) QUERIES_PER_CLIENT);

            mailFromIntoTheHole("192.0.2.8", "b", 8, open);
            Thread.sleep(1000);
            long network = drops(JAMES) - before;
            assertThat(network - client).as("the neighbour's SPF queries sent (the first client's quota is not its"
                    + " own)").isPositive();
            assertThat(network).as("the /24's SPF queries sent").isLessThanOrEqualTo(QUERIES_PER_NETWORK);

            mailFromIntoTheHole("2001:db8:1::7", "c", 1, open);
            awaitDropsAbove(JAMES, before + network);
        } finally {
            open.forEach(SmtpClient::close);
            JAMES.dns().clearFailures();
        }
    }

    /**
     * James' Received field and our Authentication-Results name the client of the PROXY header: iprev's
     * {@code policy.iprev}, SPF evaluated for it ({@code smtp.mailfrom}).
     */
    @Test
    void theReceivedFieldAndOurResultsNameTheClaimedClient() {
        DeliveredMail mail = JAMES.deliver(Submission.create().proxyHeader(ProxyHeader.v1("203.0.113.20", 40_000))
                .helo("mail.proxy-pass.example").mailFrom("bob@proxy-pass.example")
                .message(TestMessage.create().from("news@proxy-pass.example")));
        assertThat(mail.remoteAddr()).isEqualTo("203.0.113.20");
        String received = mail.headers("Received").get(0);
        assertThat(received).as(mail.headerSection()).contains("[203.0.113.20]").doesNotContain("127.0.0.1");
        AuthResultsField ours = mail.authenticationResults("mx.james.test").orElseThrow();
        AuthResultsField.Resinfo iprev = ours.method("iprev").orElseThrow();
        assertThat(iprev.result()).as(ours.toString()).isEqualTo("pass");
        assertThat(iprev.property("policy.iprev")).as(ours.toString()).hasValue("203.0.113.20");
        AuthResultsField.Resinfo spf = ours.method("spf").orElseThrow();
        assertThat(spf.result()).as(ours.toString()).isEqualTo("pass");
        assertThat(spf.property("smtp.mailfrom")).as(ours.toString()).hasValue("proxy-pass.example");
        assertThat(spf.reason()).as(ours.toString()).hasValueSatisfying(r -> assertThat(r).startsWith("203.0.113.20 "));
        assertThat(ours.result("dmarc")).as(ours.toString()).hasValue("pass");
    }
}
