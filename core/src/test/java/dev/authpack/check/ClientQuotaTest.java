package dev.authpack.check;

import org.junit.jupiter.api.Test;

import java.net.Inet6Address;
import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;

class ClientQuotaTest {
    private static InetAddress ip(String text) throws Exception {
        return InetAddress.getByName(text);
    }

    @Test
    void aClientHoldsAtMostItsQuotaAndOthersKeepTheirs() throws Exception {
        ClientQuota quota = new ClientQuota(2, 10);
        ClientQuota.Client a = quota.client(ip("198.51.100.66"));
        ClientQuota.Permit one = a.tryAcquire();
        ClientQuota.Permit two = a.tryAcquire();
        assertThat(one).isNotNull();
        assertThat(two).isNotNull();
        assertThat(a.tryAcquire()).isNull();
        assertThat(a.atQuota()).isTrue();
        // another handle on the same address is the same client; another address is another client
        assertThat(quota.client(ip("198.51.100.66")).tryAcquire()).isNull();
        assertThat(quota.client(ip("198.51.100.67")).tryAcquire()).isNotNull();
        // a permit given back twice counts once
        one.close();
        one.close();
        assertThat(a.held()).isEqualTo(1);
        assertThat(a.tryAcquire()).isNotNull();
        assertThat(a.tryAcquire()).isNull();
    }

    /**
     * Review s18: quotas over one table (the hook instances of one James' SMTP servers) count what all of them
     * hold, each applying its own bounds; a table counts networks also for a quota without a bound per network.
     */
    @Test
    void quotasOverOneTableCountTogetherEachWithItsOwnBounds() throws Exception {
        ClientQuota.Counts counts = new ClientQuota.Counts(10);
        ClientQuota port25 = new ClientQuota(1, 2, counts);
        ClientQuota port587 = new ClientQuota(2, Integer.MAX_VALUE, counts);
        ClientQuota.Permit first = port25.client(ip("198.51.100.66")).tryAcquire();
        assertThat(first).isNotNull();
        // the client holds one: at port 25's bound, within port 587's
        assertThat(port25.client(ip("198.51.100.66")).tryAcquire()).isNull();
        assertThat(port25.client(ip("198.51.100.66")).atQuota()).isTrue();
        ClientQuota.Permit second = port587.client(ip("198.51.100.66")).tryAcquire();
        assertThat(second).isNotNull();
        assertThat(port587.client(ip("198.51.100.66")).tryAcquire()).isNull();
        assertThat(port25.client(ip("198.51.100.66")).held()).isEqualTo(2);
        // its network holds two: at port 25's bound of 2, although port 587 bounds no network
        assertThat(port25.client(ip("198.51.100.67")).tryAcquire()).isNull();
        ClientQuota.Permit neighbour = port587.client(ip("198.51.100.67")).tryAcquire();
        assertThat(neighbour).isNotNull();
        assertThat(port25.client(ip("198.51.100.67")).networkHeld()).isEqualTo(3);
        assertThat(port25.clients()).isEqualTo(2);
        // a permit of one quota is given back to the table; another quota over it may replace it
        ClientQuota.Permit replaced = port587.client(ip("203.0.113.1")).tryReplace(first);
        assertThat(replaced).isNotNull();
        assertThat(port25.client(ip("198.51.100.66")).held()).isEqualTo(1);
        // a quota over another table does not
        assertThat(new ClientQuota(1, 10).client(ip("203.0.113.2")).tryReplace(second)).isNull();
        second.close();
        neighbour.close();
        replaced.close();
        assertThat(port587.clients()).isZero();
    }

    @Test
    void anIpv6ClientIsItsSlash64AndAnIpv4MappedAddressItsIpv4Address() throws Exception {
        ClientQuota quota = new ClientQuota(1, 10);
        assertThat(quota.client(ip("2001:db8:66:1::1")).tryAcquire()).isNotNull();
        assertThat(quota.client(ip("2001:db8:66:1:ffff:ffff:ffff:ffff")).tryAcquire()).as("same /64").isNull();
        assertThat(quota.client(ip("2001:db8:66:2::1")).tryAcquire()).as("next /64").isNotNull();
        assertThat(quota.client(ip("192.0.2.7")).tryAcquire()).isNotNull();
        // Java reads ::ffff:192.0.2.7 as IPv4 already; built as an Inet6Address on purpose it is the same client
        InetAddress mapped = Inet6Address.getByAddress(null, new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff,
                (byte) 0xff, (byte) 192, 0, 2, 7}, -1);
        assertThat(mapped).isInstanceOf(Inet6Address.class);
        assertThat(quota.client(mapped).tryAcquire()).isNull();
        assertThat(quota.client(ip("::ffff:192.0.2.7")).tryAcquire()).isNull();
        // ::/64 is not the IPv4 space; an unknown address is one client of its own
        assertThat(quota.client(ip("::1")).tryAcquire()).isNotNull();
        assertThat(quota.client(ip("0.0.0.0")).tryAcquire()).isNotNull();
        assertThat(quota.client(null).tryAcquire()).isNotNull();
        assertThat(quota.client(null).tryAcquire()).isNull();
    }

    @Test
    void entriesGoAtZeroAndAtMostMaxClientsAreTracked() throws Exception {
        ClientQuota quota = new ClientQuota(5, 2);
        ClientQuota.Permit a = quota.client(ip("192.0.2.1")).tryAcquire();
        ClientQuota.Permit b = quota.client(ip("192.0.2.2")).tryAcquire();
        assertThat(quota.clients()).isEqualTo(2);
        // a third client is refused (a safe fallback is the caller's), and what must go on is not tracked
        ClientQuota.Client third = quota.client(ip("192.0.2.3"));
        assertThat(third.tryAcquire()).isNull();
        ClientQuota.Permit untracked = third.acquire();
        assertThat(third.held()).isZero();
        untracked.close();
        assertThat(quota.clients()).isEqualTo(2);
        a.close();
        assertThat(quota.clients()).isEqualTo(1);
        assertThat(third.tryAcquire()).isNotNull();
        b.close();
        assertThat(quota.clients()).isEqualTo(1);
    }

    @Test
    void acquireCountsBeyondTheQuotaSoThatTryAcquireSeesIt() throws Exception {
        ClientQuota quota = new ClientQuota(1, 10);
        ClientQuota.Client c = quota.client(ip("192.0.2.1"));
        ClientQuota.Permit first = c.acquire();
        ClientQuota.Permit second = c.acquire();
        assertThat(c.held()).isEqualTo(2);
        assertThat(c.tryAcquire()).isNull();
        first.close();
        assertThat(c.tryAcquire()).isNull();
        second.close();
        assertThat(c.tryAcquire()).isNotNull();
    }

    @Test
    void unlimitedTracksNothing() throws Exception {
        ClientQuota.Client c = ClientQuota.UNLIMITED.client(ip("192.0.2.1"));
        for (int i = 0; i < 1000; i++) {
            assertThat(c.tryAcquire()).isNotNull();
        }
        assertThat(c.atQuota()).isFalse();
        assertThat(ClientQuota.UNLIMITED.clients()).isZero();
    }

    @Test
    void aNetworkHoldsAtMostItsQuotaOverItsClients() throws Exception {
        ClientQuota quota = new ClientQuota(2, 3, 100);
        // IPv4: a /24 of two clients holds 3, the neighbouring /24 is another network
        assertThat(quota.client(ip("198.51.100.1")).tryAcquire()).isNotNull();
        assertThat(quota.client(ip("198.51.100.1")).tryAcquire()).isNotNull();
        assertThat(quota.client(ip("198.51.100.1")).tryAcquire()).as("the client's 2").isNull();
        ClientQuota.Permit third = quota.client(ip("198.51.100.254")).tryAcquire();
        assertThat(third).isNotNull();
        assertThat(quota.client(ip("198.51.100.77")).tryAcquire()).as("the /24's 3").isNull();
        assertThat(quota.client(ip("198.51.100.77")).atQuota()).isTrue();
        assertThat(quota.client(ip("198.51.100.77")).networkHeld()).isEqualTo(3);
        assertThat(quota.client(ip("198.51.101.1")).tryAcquire()).as("the next /24").isNotNull();
        third.close();
        assertThat(quota.client(ip("198.51.100.77")).tryAcquire()).isNotNull();
        // IPv6: /64s of one /48 are one network; the next /48 is another
        for (int i = 1; i <= 3; i++) {
            assertThat(quota.client(ip("2001:db8:66:" + i + "::1")).tryAcquire()).isNotNull();
        }
        assertThat(quota.client(ip("2001:db8:66:ffff::1")).tryAcquire()).as("the /48's 3").isNull();
        assertThat(quota.client(ip("2001:db8:67:1::1")).tryAcquire()).isNotNull();
        // an IPv4-mapped address is in its IPv4 /24; acquire counts past the quota, so tryAcquire sees it
        InetAddress mapped = Inet6Address.getByAddress(null, new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff,
                (byte) 0xff, (byte) 198, 51, 100, 9}, -1);
        assertThat(quota.client(mapped).tryAcquire()).isNull();
        ClientQuota.Client other = quota.client(ip("192.0.2.1"));
        other.acquire();
        other.acquire();
        other.acquire();
        assertThat(quota.client(ip("192.0.2.2")).tryAcquire()).isNull();
        // without a network bound nothing is counted per network
        ClientQuota clientsOnly = new ClientQuota(1, 100);
        assertThat(clientsOnly.client(ip("192.0.2.1")).tryAcquire()).isNotNull();
        assertThat(clientsOnly.client(ip("192.0.2.2")).tryAcquire()).isNotNull();
        assertThat(clientsOnly.client(ip("192.0.2.2")).networkHeld()).isZero();
    }

    @Test
    void tryReplaceGivesTheOldPermitBackOnlyWhenTheNewOneFits() throws Exception {
        ClientQuota quota = new ClientQuota(1, 1, 2);
        ClientQuota.Permit a = quota.client(ip("198.51.100.1")).tryAcquire();
        ClientQuota.Permit b = quota.client(ip("203.0.113.1")).tryAcquire();
        // a client of a's network fits once a is given back, and only then
        ClientQuota.Client neighbour = quota.client(ip("198.51.100.2"));
        assertThat(neighbour.tryAcquire()).isNull();
        assertThat(neighbour.tryReplace(b)).as("b's going frees nothing of its network").isNull();
        assertThat(quota.client(ip("203.0.113.1")).held()).as("b still held").isEqualTo(1);
        ClientQuota.Permit c = neighbour.tryReplace(a);
        assertThat(c).isNotNull();
        assertThat(quota.client(ip("198.51.100.1")).held()).isZero();
        assertThat(neighbour.held()).isEqualTo(1);
        // a given back already: it cannot be replaced twice, and closing it again changes nothing
        assertThat(quota.client(ip("198.51.100.3")).tryReplace(a)).isNull();
        a.close();
        assertThat(neighbour.networkHeld()).isEqualTo(1);
        c.close();
        b.close();
        assertThat(quota.clients()).isZero();
    }

    /**
     * Review s18 (NAT64/SIIT): behind a SIIT or NAT64 front end every IPv4 client arrives as an IPv6 address of
     * 64:ff9b::/96 (RFC 6052) or of the local-use 64:ff9b:1::/48 (RFC 8215). Read as IPv6 they were one /48 network:
     * an IPv4 flood through the translator took that network's whole quota, and every other IPv4 client got
     * nothing. Each is its embedded IPv4 address now (/96 embedding), in that address's /24; the flooding client's
     * own quota and its /24's still hold, native and translated together.
     */
    @Test
    void anIpv4ClientBehindSiitIsItsEmbeddedIpv4Address() throws Exception {
        ClientQuota quota = new ClientQuota(2, 3, 100);
        // the flood: one IPv4 client through the translator, then its /24
        ClientQuota.Client flooder = quota.client(ip("64:ff9b::198.51.100.66"));
        assertThat(flooder.tryAcquire()).isNotNull();
        assertThat(flooder.tryAcquire()).isNotNull();
        assertThat(flooder.tryAcquire()).as("the client's own 2").isNull();
        assertThat(quota.client(ip("198.51.100.66")).held()).as("the same client, native").isEqualTo(2);
        assertThat(quota.client(ip("64:ff9b:1::198.51.100.66")).tryAcquire()).as("local-use /96 too").isNull();
        assertThat(quota.client(ip("64:ff9b::198.51.100.67")).tryAcquire()).isNotNull();
        assertThat(quota.client(ip("64:ff9b::198.51.100.68")).tryAcquire()).as("its /24's 3").isNull();
        assertThat(quota.client(ip("198.51.100.69")).tryAcquire()).as("its /24's 3, native").isNull();
        // every other IPv4 client through the translator keeps its own
        for (String other : new String[] {"64:ff9b::192.0.2.1", "64:ff9b::203.0.113.1", "64:ff9b:1::198.51.101.1",
                "64:ff9b::c000:302"}) {
            ClientQuota.Client c = quota.client(ip(other));
            assertThat(c.tryAcquire()).as(other).isNotNull();
            assertThat(c.networkHeld()).as(other).isEqualTo(1);
        }
        assertThat(quota.client(ip("192.0.3.2")).held()).as("64:ff9b::c000:302 is 192.0.3.2").isEqualTo(1);
        // only /96 embedding is read: another address of the local-use /48 is an IPv6 /64 of that /48
        ClientQuota.Client wider = quota.client(ip("64:ff9b:1:c633:64:4200::"));
        assertThat(wider.tryAcquire()).isNotNull();
        assertThat(quota.client(ip("64:ff9b:1:c633:ffff::1")).held()).as("the same /64").isEqualTo(1);
        assertThat(quota.client(ip("64:ff9b:1:1::1")).networkHeld()).as("the /48 64:ff9b:1::/48").isEqualTo(1);
        // nor is the rest of 64:ff9b::/32
        assertThat(quota.client(ip("64:ff9b:0:0:1::198.51.100.70")).tryAcquire()).as("not in the /96").isNotNull();
    }
}
