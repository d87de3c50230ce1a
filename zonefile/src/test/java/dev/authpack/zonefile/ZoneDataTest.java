package dev.authpack.zonefile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

class ZoneDataTest {

    private static final String ZONE = """
            $ORIGIN example.com.
            @        3600 IN SOA ns.example.com. admin.example.com. 1 3600 600 86400 300
            host          IN A     192.0.2.1
            *.wild        IN TXT   "v=spf1 -all"
            a.b.deep      IN A     192.0.2.2
            alias         IN CNAME host
            away          IN CNAME elsewhere.example.net.
            """;

    private static ZoneData zone() throws IOException {
        return ZoneData.parse(List.of(ZONE));
    }

    private static Name name(String n) {
        return Name.fromConstantString(n);
    }

    @Test
    void answersRecordsCnameChainsAndWildcards() throws IOException {
        ZoneData z = zone();
        assertThat(z.lookup(name("host.example.com."), Type.A).answer()).hasSize(1);
        ZoneData.Answer alias = z.lookup(name("alias.example.com."), Type.A);
        assertThat(alias.answer()).extracting(r -> r.getType()).containsExactly(Type.CNAME, Type.A);
        ZoneData.Answer wild = z.lookup(name("x.wild.example.com."), Type.TXT);
        assertThat(wild.answer()).singleElement().satisfies(r -> assertThat(r.getName()).isEqualTo(name("x.wild.example.com.")));
    }

    @Test
    void nxdomainForMissingNamesNodataForOtherTypesAndEmptyNonTerminals() throws IOException {
        ZoneData z = zone();
        ZoneData.Answer missing = z.lookup(name("nope.example.com."), Type.A);
        assertThat(missing.rcode()).isEqualTo(Rcode.NXDOMAIN);
        // RFC 2308 §3: the SOA with TTL min(SOA TTL, MINIMUM)
        assertThat(missing.authority()).singleElement().satisfies(r -> assertThat(r.getTTL()).isEqualTo(300));
        assertThat(z.lookup(name("host.example.com."), Type.TXT).rcode()).isEqualTo(Rcode.NOERROR);
        ZoneData.Answer ent = z.lookup(name("b.deep.example.com."), Type.A); // RFC 8020: exists, no records
        assertThat(ent.rcode()).isEqualTo(Rcode.NOERROR);
        assertThat(ent.answer()).isEmpty();
    }

    @Test
    void emptyNonTerminalsAreFoundInCanonicalOrderAmongLookAlikeNeighbours() throws IOException {
        // canonical order (RFC 4034 §6.1): b < x.b < b- < B-.c (case ignored) < c: a sibling that starts like the
        // name ("b-", "b0") must not be taken for a name below it
        ZoneData z = ZoneData.parse(List.of("""
                x.B.example.   IN A 192.0.2.1
                b-.example.    IN A 192.0.2.2
                b0.example.    IN A 192.0.2.3
                y.b-.c.example. IN A 192.0.2.4
                *.w.example.   IN TXT "wild"
                """));
        for (String ent : List.of("b.example.", "B.EXAMPLE.", "example.", ".", "c.example.", "b-.c.example.",
                "w.example.")) {
            ZoneData.Answer a = z.lookup(name(ent), Type.A);
            assertThat(a.rcode()).as(ent).isEqualTo(Rcode.NOERROR);
            assertThat(a.answer()).as(ent).isEmpty();
        }
        for (String missing : List.of("a.example.", "b1.example.", "x.b0.example.", "b.c.example.", "z.example.",
                "x.b.example.com.", "y.b.example.")) {
            assertThat(z.lookup(name(missing), Type.A).rcode()).as(missing).isEqualTo(Rcode.NXDOMAIN);
        }
        // the wildcard's closest encloser found through an empty non-terminal (RFC 4592 §3.3.1)
        assertThat(z.lookup(name("q.w.example."), Type.TXT).answer()).hasSize(1);
        assertThat(z.lookup(name("b0.example."), Type.A).answer()).hasSize(1);
    }

    @Test
    void cnameOutOfTheDataIsSomeoneElsesUnlessTheDataIsTheWholeWorld() throws IOException {
        ZoneData.Answer server = zone().lookup(name("away.example.com."), Type.A);
        assertThat(server.rcode()).isEqualTo(Rcode.NOERROR);
        assertThat(server.answer()).extracting(r -> r.getType()).containsExactly(Type.CNAME);
        ZoneData.Answer world = zone().asWholeWorld().lookup(name("away.example.com."), Type.A);
        assertThat(world.rcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(world.answer()).extracting(r -> r.getType()).containsExactly(Type.CNAME);
    }

    @Test
    void cnameLoopEndsWithTheChainSoFar() throws IOException {
        ZoneData z = ZoneData.parse(List.of("a.test. IN CNAME b.test.\nb.test. IN CNAME a.test.\n")).asWholeWorld();
        ZoneData.Answer loop = z.lookup(name("a.test."), Type.TXT);
        assertThat(loop.rcode()).isEqualTo(Rcode.NOERROR);
        assertThat(loop.answer()).hasSizeLessThanOrEqualTo(ZoneData.MAX_CNAME_HOPS + 1);
    }

    @Test
    void includeIsRefusedAndParseErrorsNameTheirSource() {
        assertThatThrownBy(() -> ZoneData.parseSources(Map.of("zones/evil.zone",
                "$INCLUDE /etc/passwd\n".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(IOException.class).hasMessageContaining("zones/evil.zone");
        assertThatThrownBy(() -> ZoneData.parseSources(Map.of("bad.zone",
                "host IN A not-an-address\n".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(IOException.class).hasMessageContaining("bad.zone");
    }

    @Test
    void copiesKeepTheirScope() throws IOException {
        ZoneData world = zone().asWholeWorld().plusTexts(List.of("more.test. IN A 192.0.2.9\n"));
        assertThat(world.lookup(name("away.example.com."), Type.A).rcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(world.lookup(name("more.test."), Type.A).answer()).hasSize(1);
    }
}
