package dev.authpack.arc;

import dev.authpack.dns.DnsOutcome;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

import static dev.authpack.arc.ArcFixtures.LIST_KEY;
import static dev.authpack.arc.ArcFixtures.MESSAGE;
import static dev.authpack.arc.ArcFixtures.NOW;
import static dev.authpack.arc.ArcFixtures.replace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a chain built by an attacker can make the verifier do: everything that needs no DNS is checked first, and
 * keys are looked up one at a time in validation order (RFC 8617 §5.2), at most {@link
 * ArcVerifyOptions#maxKeyLookups()} of them, within one time budget.
 */
class ArcVerifierBoundsTest {
    /** 50 sets, set i sealed by {@code hop<i>.example} (a distinct key name each), all valid. */
    private static final byte[] FIFTY = fiftyHops();

    private static String keyName(int hop) {
        return "s1._domainkey.hop" + hop + ".example";
    }

    private static byte[] fiftyHops() {
        byte[] message = MESSAGE.getBytes(StandardCharsets.UTF_8);
        for (int i = 1; i <= ArcVerifyOptions.MAX_SETS; i++) {
            ArcSealer sealer = new ArcSealer(LIST_KEY, ArcSealOptions.of("hop" + i + ".example", "s1")
                    .withClock(NOW));
            ArcStatus status = i == 1 ? ArcStatus.NONE : ArcStatus.PASS;
            ArcResult chain = new ArcResult(status, null, 0, List.of(), i - 1, false);
            message = sealer.seal(ArcFixtures.parse(message), chain, "mx.hop" + i + ".example",
                    "arc=" + status.word()).message();
        }
        return message;
    }

    private static SuiteDns hopsDns() {
        SuiteDns dns = new SuiteDns();
        for (int i = 1; i <= ArcVerifyOptions.MAX_SETS; i++) {
            dns.add(keyName(i), LIST_KEY.publicKeyRecord());
        }
        return dns;
    }

    private static ArcVerifier verifier(SuiteDns dns, int maxKeyLookups) {
        return new ArcVerifier(dns, ArcVerifyOptions.defaults().withClock(NOW).withMaxKeyLookups(maxKeyLookups));
    }

    @Test
    void theFiftyHopChainPassesWhenLookupsAllowIt() {
        SuiteDns dns = hopsDns();
        ArcResult result = verifier(dns, ArcVerifyOptions.MAX_KEY_LOOKUPS_CEILING).verify(FIFTY).join();
        assertThat(result.status()).isEqualTo(ArcStatus.PASS);
        assertThat(result.oldestPass()).isZero();
        assertThat(dns.txtQueries()).isEqualTo(50);
    }

    @Test
    void aBrokenBodyCostsNoLookup() {
        SuiteDns dns = hopsDns();
        byte[] changed = replace(FIFTY, "this message is sealed.", "this message was changed.");
        ArcResult result = verifier(dns, ArcVerifyOptions.MAX_KEY_LOOKUPS_CEILING).verify(changed).join();
        assertThat(result.status()).isEqualTo(ArcStatus.FAIL);
        assertThat(result.reason()).isEqualTo("ARC-Message-Signature i=50 did not validate: body hash did not"
                + " verify");
        assertThat(dns.txtQueries()).isZero();
        assertThat(result.newestSet().seal()).isEqualTo(SignatureVerdict.NOT_CHECKED);
    }

    @Test
    void anUnreadableOlderSealCostsNoLookup() {
        SuiteDns dns = hopsDns();
        byte[] badSeal = replace(FIFTY, "ARC-Seal: i=7; a=rsa-sha256;", "ARC-Seal: i=7; a=rsa-sha1;");
        ArcResult result = verifier(dns, ArcVerifyOptions.MAX_KEY_LOOKUPS_CEILING).verify(badSeal).join();
        assertThat(result.status()).isEqualTo(ArcStatus.FAIL);
        assertThat(result.reason()).isEqualTo("ARC-Seal i=7 did not validate: rsa-sha1 is not accepted"
                + " (RFC 8301 section 3.1)");
        assertThat(dns.txtQueries()).isZero();
    }

    @Test
    void aBrokenNewestSealCostsOneLookup() {
        SuiteDns dns = hopsDns();
        // the seal covers the ARC-Authentication-Results; the message signature does not
        byte[] changed = replace(FIFTY, "mx.hop50.example;", "mx.changed.example;");
        ArcResult result = verifier(dns, ArcVerifyOptions.MAX_KEY_LOOKUPS_CEILING).verify(changed).join();
        assertThat(result.status()).isEqualTo(ArcStatus.FAIL);
        assertThat(result.reason()).isEqualTo("ARC-Seal i=50 did not validate: signature did not verify");
        assertThat(dns.txtQueries()).isEqualTo(1);
    }

    @Test
    void aBrokenOlderSealCostsTheLookupsUpToIt() {
        // each seal covers the sets below it, so only a key can make an older seal fail alone
        SuiteDns dns = hopsDns().fail(keyName(45), DnsOutcome.NXDOMAIN);
        ArcResult result = verifier(dns, ArcVerifyOptions.MAX_KEY_LOOKUPS_CEILING).verify(FIFTY).join();
        assertThat(result.reason()).isEqualTo("ARC-Seal i=45 did not validate: no key (NXDOMAIN at " + keyName(45)
                + ")");
        // the keys of hops 50 down to 45
        assertThat(dns.txtQueries()).isEqualTo(6);
        assertThat(result.sets().get(43).seal()).isEqualTo(SignatureVerdict.NOT_CHECKED);
    }

    @Test
    void theNumberOfKeyLookupsIsCapped() {
        SuiteDns dns = hopsDns();
        ArcResult result = verifier(dns, ArcVerifyOptions.DEFAULT_MAX_KEY_LOOKUPS).verify(FIFTY).join();
        assertThat(result.status()).isEqualTo(ArcStatus.FAIL);
        int last = 50 - ArcVerifyOptions.DEFAULT_MAX_KEY_LOOKUPS;
        assertThat(result.reason()).isEqualTo("ARC-Seal i=" + last + " did not validate: not validated: the chain"
                + " needs more than " + ArcVerifyOptions.DEFAULT_MAX_KEY_LOOKUPS + " key lookups");
        assertThat(dns.txtQueries()).isEqualTo(ArcVerifyOptions.DEFAULT_MAX_KEY_LOOKUPS);
    }

    @Test
    void theCapItselfIsBounded() {
        ArcVerifyOptions defaults = ArcVerifyOptions.defaults();
        assertThat(defaults.maxKeyLookups()).isEqualTo(ArcVerifyOptions.DEFAULT_MAX_KEY_LOOKUPS);
        assertThatThrownBy(() -> defaults.withMaxKeyLookups(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> defaults.withMaxKeyLookups(ArcVerifyOptions.MAX_KEY_LOOKUPS_CEILING + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void allLookupsShareOneTimeBudget() {
        MovingClock clock = new MovingClock();
        // every answer takes 8 seconds of the clock: with a budget of 20 seconds, the third lookup has no time
        SuiteDns dns = hopsDns().beforeAnswer(() -> clock.advance(Duration.ofSeconds(8)));
        ArcVerifier verifier = new ArcVerifier(dns, ArcVerifyOptions.defaults().withClock(clock)
                .withMaxKeyLookups(ArcVerifyOptions.MAX_KEY_LOOKUPS_CEILING)
                .withKeyLookupTimeout(Duration.ofSeconds(20)));
        ArcResult result = verifier.verify(FIFTY).join();
        assertThat(result.status()).isEqualTo(ArcStatus.FAIL);
        assertThat(result.reason()).isEqualTo("ARC-Seal i=48 did not validate: key unavailable (DNS timeout:"
                + " the key lookups of this chain took more than 20000 ms at " + keyName(48) + ")");
        assertThat(dns.txtQueries()).isEqualTo(3);
    }

    /** A clock that moves only when told. */
    private static final class MovingClock extends Clock {
        private volatile Instant now = NOW.instant();

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
