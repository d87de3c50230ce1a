package dev.authpack.testkit.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** {@link LoopbackDnsServer#faults} and {@link LoopbackDnsServer#delay}: per-query faults for soak tests. */
class FaultInjectionTest {
    static final String ZONE = """
            $ORIGIN fault.test.
            $TTL 0
            @       IN SOA ns1 hostmaster 1 3600 600 86400 0
            slow    IN A   192.0.2.1
            mixed   IN A   192.0.2.2
            a.below IN A   192.0.2.3
            calm    IN A   192.0.2.4
            """;

    static LoopbackDnsServer server;

    @BeforeAll
    static void startServer() throws IOException {
        server = LoopbackDnsServer.start(ZONE);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @AfterEach
    void reset() {
        server.clearFailures();
        server.answerDelay(Duration.ZERO);
    }

    static Message ask(String name, boolean tcp, boolean ignoreTruncation, Duration timeout) throws IOException {
        SimpleResolver r = new SimpleResolver(new InetSocketAddress("127.0.0.1", server.port()));
        r.setTCP(tcp);
        r.setIgnoreTruncation(ignoreTruncation);
        r.setTimeout(timeout);
        return r.send(Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN)));
    }

    static Message ask(String name, boolean tcp) throws IOException {
        return ask(name, tcp, false, Duration.ofSeconds(3));
    }

    @Test
    void delayHoldsTheAnswerForThatNameOnlyOverUdpAndTcp() throws IOException {
        server.delay("slow.fault.test", Duration.ofMillis(400));
        Map<FaultMix.Fault, Long> before = server.faultCounts();
        for (boolean tcp : new boolean[] {false, true}) {
            long t0 = System.nanoTime();
            Message m = ask("slow.fault.test.", tcp);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(390));
            assertThat(m.getSection(Section.ANSWER)).hasSize(1);
        }
        assertThat(ask("calm.fault.test.", false).getRcode()).isEqualTo(Rcode.NOERROR);
        Map<FaultMix.Fault, Long> after = server.faultCounts();
        assertThat(after.get(FaultMix.Fault.DELAY) - before.get(FaultMix.Fault.DELAY)).isEqualTo(2);
        assertThat(after.get(FaultMix.Fault.NONE)).as("calm matched no fault rule")
                .isEqualTo(before.get(FaultMix.Fault.NONE));
    }

    @Test
    void answerDelayHoldsEveryAnswerOverUdpAndTcpAndSurvivesClearFailures() throws IOException {
        server.answerDelay(Duration.ofMillis(300));
        server.clearFailures();
        for (String name : new String[] {"calm.fault.test.", "mixed.fault.test.", "nxdomain.fault.test."}) {
            for (boolean tcp : new boolean[] {false, true}) {
                long t0 = System.nanoTime();
                ask(name, tcp);
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).as(name + (tcp ? " over TCP" : " over UDP"))
                        .isGreaterThanOrEqualTo(Duration.ofMillis(290));
            }
        }
        assertThat(server.answerDelay()).isEqualTo(Duration.ofMillis(300));
        server.answerDelay(Duration.ZERO);
        long t0 = System.nanoTime();
        assertThat(ask("calm.fault.test.", false).getSection(Section.ANSWER)).hasSize(1);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(290));
    }

    @Test
    void answerDelayOutOfRangeIsRefused() {
        assertThatThrownBy(() -> server.answerDelay(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> server.answerDelay(FaultMix.MAX_DELAY.plusMillis(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LoopbackDnsServer.builder().answerDelay(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aDelayedAnswerDoesNotHoldBackOtherQueries() throws Exception {
        server.delay("slow.fault.test", Duration.ofSeconds(2));
        Thread slow = new Thread(() -> {
            try {
                ask("slow.fault.test.", false);
            } catch (IOException ignored) {
                // only its effect on the other query matters
            }
        });
        slow.start();
        Thread.sleep(100);
        long t0 = System.nanoTime();
        assertThat(ask("calm.fault.test.", false).getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(1500));
        slow.join(5_000);
    }

    @Test
    void eachSingleFaultDoesWhatItSays() throws IOException {
        server.faults("*.below.fault.test", FaultMix.only(FaultMix.Fault.SERVFAIL));
        assertThat(ask("a.below.fault.test.", false).getRcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat(ask("a.below.fault.test.", true).getRcode()).isEqualTo(Rcode.SERVFAIL);
        server.clearFailures();

        server.faults("mixed.fault.test", FaultMix.only(FaultMix.Fault.DROP));
        for (boolean tcp : new boolean[] {false, true}) {
            assertThatThrownBy(() -> ask("mixed.fault.test.", tcp, false, Duration.ofMillis(300)))
                    .isInstanceOf(IOException.class);
        }
        server.clearFailures();

        server.faults("mixed.fault.test", FaultMix.only(FaultMix.Fault.TRUNCATE));
        Message udp = ask("mixed.fault.test.", false, true, Duration.ofSeconds(3));
        assertThat(udp.getHeader().getFlag(Flags.TC)).isTrue();
        assertThat(udp.getSection(Section.ANSWER)).isEmpty();
        long tcpBefore = server.tcpQueries();
        Message retried = ask("mixed.fault.test.", false); // dnsjava asks again over TCP, which is not truncated
        assertThat(retried.getSection(Section.ANSWER)).hasSize(1);
        assertThat(server.tcpQueries()).isEqualTo(tcpBefore + 1);
    }

    @Test
    void aMixSpreadsItsFaultsAndCountsThem() throws IOException {
        FaultMix mix = new FaultMix(Map.of(FaultMix.Fault.NONE, 1, FaultMix.Fault.SERVFAIL, 1,
                FaultMix.Fault.TRUNCATE, 1, FaultMix.Fault.DELAY, 1), Duration.ofMillis(1), Duration.ofMillis(20));
        server.faults("mixed.fault.test", mix);
        Map<FaultMix.Fault, Long> before = server.faultCounts();
        Map<Integer, Integer> rcodes = new java.util.HashMap<>();
        for (int i = 0; i < 80; i++) {
            rcodes.merge(ask("mixed.fault.test.", false).getRcode(), 1, Integer::sum);
        }
        assertThat(rcodes).containsOnlyKeys(Rcode.NOERROR, Rcode.SERVFAIL);
        Map<FaultMix.Fault, Long> counts = new EnumMap<>(FaultMix.Fault.class);
        server.faultCounts().forEach((f, n) -> counts.put(f, n - before.get(f)));
        // a truncated UDP answer makes dnsjava ask again over TCP, which gets a fault of its own
        assertThat(counts.values().stream().mapToLong(Long::longValue).sum()).isGreaterThanOrEqualTo(80);
        assertThat(counts.get(FaultMix.Fault.SERVFAIL)).isPositive();
        assertThat(counts.get(FaultMix.Fault.TRUNCATE)).isPositive();
        assertThat(counts.get(FaultMix.Fault.DELAY)).isPositive();
        assertThat(counts.get(FaultMix.Fault.NONE)).isPositive();
        assertThat(counts.get(FaultMix.Fault.DROP)).isZero();
    }

    @Test
    void clearFailuresRemovesFaultsAndCountsStay() throws IOException {
        server.faults("calm.fault.test", FaultMix.only(FaultMix.Fault.SERVFAIL));
        assertThat(ask("calm.fault.test.", false).getRcode()).isEqualTo(Rcode.SERVFAIL);
        long before = server.faultCounts().get(FaultMix.Fault.SERVFAIL);
        server.clearFailures();
        assertThat(ask("calm.fault.test.", false).getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(server.faultCounts().get(FaultMix.Fault.SERVFAIL)).isEqualTo(before);
    }

    @Test
    void mixesAreChecked() {
        assertThatThrownBy(() -> new FaultMix(Map.of(), Duration.ZERO, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FaultMix(Map.of(FaultMix.Fault.DROP, -1), Duration.ZERO, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FaultMix.delay(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FaultMix.delay(FaultMix.MAX_DELAY.plusMillis(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> server.faults("bad..name", FaultMix.only(FaultMix.Fault.DROP)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
