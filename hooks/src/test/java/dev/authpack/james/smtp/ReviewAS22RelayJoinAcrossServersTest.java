package dev.authpack.james.smtp;

import dev.authpack.james.RelayTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review s22, reviewA. The relay hooks of one JVM (James' SMTP servers: 25, 465, 587) count name lookups together
 * ({@link RelayPolicyRcptHook#JVM}), but each keeps its own table of the lookups in flight ({@link NameLookups}):
 * a client whose lookup runs for its connection to one server and that connects to another (an MTA's second
 * delivery queue, a retry to the other MX port of the same host) cannot join that lookup, and its share of one is
 * taken by it, so it gets {@code 451 4.7.25} at once, no wait, even when the answer comes a moment later: what the
 * s22 change promises a reconnection ("joins the lookup in flight") holds on one server only.
 */
class ReviewAS22RelayJoinAcrossServersTest {
    @TempDir
    Path dir;
    private final ReviewS22RelayLookupShareTest.HeldPtr dns = new ReviewS22RelayLookupShareTest.HeldPtr();

    @Test
    void aConnectionToAnotherServerOfTheJvmJoinsTheLookupInFlight() throws Exception {
        RelayTestSupport.writePolicy(dir, ReviewS21RelayNameWaitsTest.NAMED_POLICY);
        SessionCounts counts = SessionCounts.fresh();
        RelayPolicyRcptHook port25 = ReviewS21RelayNameWaitsTest.hook(dir, dns, counts, "nameLookupTimeout", "200");
        RelayPolicyRcptHook port587 = ReviewS21RelayNameWaitsTest.hook(dir, dns, counts, "nameLookupTimeout", "5000");
        String client = "198.18.74.7";
        assertThat(ReviewS22RelayLookupShareTest.rcpt(port25, client)).startsWith("451 4.7.25 ");
        // the lookup goes on; its answer comes while the client's RCPT on the other server waits for it
        CompletableFuture<Void> answer = CompletableFuture.runAsync(() -> {
            try {
                Thread.sleep(300);
                dns.answer(client, "mx.partner.example");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(ReviewS22RelayLookupShareTest.rcpt(port587, client)).as("joined the lookup in flight, relayed")
                .isEqualTo("DECLINED");
        answer.get(10, TimeUnit.SECONDS);
        assertThat(dns.ptrQueries(client)).isEqualTo(1);
    }
}
