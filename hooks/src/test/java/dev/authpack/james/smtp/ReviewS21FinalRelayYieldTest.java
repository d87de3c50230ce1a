package dev.authpack.james.smtp;

import dev.authpack.dns.DnsLookup;
import dev.authpack.dns.DnsResolver;
import dev.authpack.dns.DnsType;
import dev.authpack.dns.MxHost;
import dev.authpack.james.FakeFileSystem;
import dev.authpack.james.RelayTestSupport;
import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.core.AbstractHookableCmdHandler;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Final review of session 21 (helper 85), attacker's test: the SMTP client whose own DNS never answers.
 *
 * <p>docs/relay-policy.md ("Few waits at once") and the hook's javadoc promise that "a wait held 2 s yields to an
 * RCPT that finds none free". The hook's yield time is min(nameLookupTimeout, 2 s) (RelayPolicyRcptHook.waits), and a
 * wait is never held longer than what is left of nameLookupTimeout: with the default nameLookupTimeout of 2000 ms
 * (or any shorter one) no wait is ever old enough to yield. Two clients in two networks (maxWaiting / 2 each)
 * opening a connection every 2 s hold every wait for good, and a partner whose PTR and A answer in 30 ms is
 * answered 451 4.7.25 at once, whenever it comes, until its answers are cached.
 */
class ReviewS21FinalRelayYieldTest {
    private static final String NAMED_POLICY = "relay_hosts = mx.partner.example\n[domain inbound.example]\n"
            + "relay_to = true\n";

    @TempDir
    Path dir;

    @Test
    void aSilentClientsWaitYieldsToAPartnerBeforeItsOwnDeadline() throws Exception {
        RelayTestSupport.writePolicy(dir, NAMED_POLICY);
        InetAddress partner = InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, 25});
        DnsResolver dns = new PartnerAnswersIn30Ms(partner);
        RelayPolicyRcptHook hook = new RelayPolicyRcptHook(Optional.of(FakeFileSystem.under(dir)),
                (Domain d) -> Set.of("local.example").contains(d.asString()), settingsUsed -> dns);
        BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
        config.addProperty("policyFile", "file://conf/relay-policy.conf");
        config.addProperty("maxWaiting", "2");   // nameLookupTimeout: the default, 2000 ms
        hook.init(config);

        ExecutorService attackers = Executors.newFixedThreadPool(2);
        try {
            List<Future<String>> held = List.of(
                    attackers.submit(() -> rcpt(hook, InetAddress.getByAddress(new byte[] {(byte) 198, 18, 60, 7}))),
                    attackers.submit(() -> rcpt(hook, InetAddress.getByAddress(new byte[] {(byte) 198, 18, 61, 7}))));
            Thread.sleep(1_900);   // both waits held 1.9 s: nearly the whole lookup timeout, for nothing
            String reply = rcpt(hook, partner);
            for (Future<String> f : held) {
                f.get(10, TimeUnit.SECONDS);
            }
            assertThat(reply).as("a partner whose DNS answers in 30 ms, while two silent clients hold every wait")
                    .isEqualTo("DECLINED");
        } finally {
            attackers.shutdownNow();
        }
    }

    private static String rcpt(RelayPolicyRcptHook hook, InetAddress client) throws Exception {
        HookResult result = hook.doRcpt(RelayPolicyRcptHookTest.session(client, null), MaybeSender.nullSender(),
                new MailAddress("x@remote.example"));
        var response = AbstractHookableCmdHandler.calcDefaultSMTPResponse(result);
        return response == null ? "DECLINED" : String.join(" ", response.getLines());
    }

    /** The partner's PTR and A answered after 30 ms; nothing else ever. */
    private static final class PartnerAnswersIn30Ms implements DnsResolver {
        private final InetAddress partner;

        PartnerAnswersIn30Ms(InetAddress partner) {
            this.partner = partner;
        }

        private static <T> CompletableFuture<T> in30Ms(T value) {
            return CompletableFuture.supplyAsync(() -> value,
                    CompletableFuture.delayedExecutor(30, TimeUnit.MILLISECONDS));
        }

        private static <T> CompletableFuture<T> never() {
            return new CompletableFuture<>();
        }

        private boolean partnerName(String name) {
            return name.equals("mx.partner.example");
        }

        @Override
        public CompletableFuture<DnsLookup<MxHost>> mx(String name) {
            return never();
        }

        @Override
        public CompletableFuture<DnsLookup<String>> ptr(InetAddress address) {
            return !address.equals(partner) ? never() : in30Ms(DnsLookup.of(address.getHostAddress(), DnsType.PTR,
                    List.of("mx.partner.example"), 60));
        }

        @Override
        public CompletableFuture<DnsLookup<InetAddress>> aaaa(String name) {
            return !partnerName(name) ? never() : in30Ms(DnsLookup.of(name, DnsType.AAAA, List.<InetAddress>of(), 60));
        }

        @Override
        public CompletableFuture<DnsLookup<InetAddress>> a(String name) {
            return !partnerName(name) ? never() : in30Ms(DnsLookup.of(name, DnsType.A, List.of(partner), 60));
        }

        @Override
        public CompletableFuture<DnsLookup<String>> txt(String name) {
            return never();
        }
    }
}
