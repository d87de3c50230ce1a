package dev.authpack.spf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** The openspf zone data as DNS records follows the same driver rules as the in-memory resolver. */
class OpenSpfZoneTest {

    @Test
    void spfBecomesTxtUnlessTxtIsGivenAndTimeoutDropsWhatNoEarlierRecordAnswers() {
        OpenSpfZone zone = new OpenSpfZone(Map.of(
                "spfonly.example.net", List.of(Map.of("SPF", "v=spf1 -all"), Map.of("TXT", "NONE")),
                "both.example.net", List.of(Map.of("SPF", "v=spf1 -all")),
                "spftimeout.example.net", List.of(Map.of("TXT", "v=spf1 -all"), "TIMEOUT"),
                "e1a.example.com", List.of(Map.of("A", "1.2.3.4")),
                "a b.%-.example.com", List.of(Map.of("TXT", List.of("x".repeat(300), "y")))));

        assertThat(types(zone, "spfonly.example.net.")).containsExactly(Type.SPF);
        assertThat(types(zone, "both.example.net.")).containsExactlyInAnyOrder(Type.SPF, Type.TXT);
        assertThat(types(zone, "spftimeout.example.net.")).containsExactly(Type.TXT);
        assertThat(zone.drops()).extracting(OpenSpfZone.Drop::type).containsExactlyInAnyOrder("A", "AAAA", "MX",
                "PTR");
        assertThat(zone.drops()).extracting(OpenSpfZone.Drop::name).containsOnly("spftimeout.example.net.");
        TXTRecord spaced = (TXTRecord) zone.records().stream()
                .filter(r -> r.getName().toString().startsWith("a\\032b")).findFirst().orElseThrow();
        // one TXT string over 255 octets becomes two character-strings, joined again by the resolver
        assertThat(spaced.getStrings()).containsExactly("x".repeat(255), "x".repeat(45), "y");
    }

    @Test
    void namesTheDnsCannotHoldAreLeftOut() {
        OpenSpfZone zone = new OpenSpfZone(Map.of(("l".repeat(60) + ".").repeat(5) + "com",
                List.of(Map.of("TXT", "v=spf1 -all"))));
        assertThat(zone.records()).isEmpty();
        assertThat(zone.skipped()).hasSize(1);
    }

    private static List<Integer> types(OpenSpfZone zone, String name) {
        return zone.records().stream().filter(r -> r.getName().toString().equals(name)).map(Record::getType)
                .toList();
    }
}
