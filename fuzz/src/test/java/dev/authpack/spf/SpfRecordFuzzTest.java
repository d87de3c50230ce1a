package dev.authpack.spf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.authpack.fuzz.FuzzInput;

import java.util.List;

import static dev.authpack.fuzz.FuzzInput.check;

/**
 * {@link SpfRecordParser} on arbitrary TXT record text.
 *
 * <p>Allowed: {@link SpfSyntaxException}. Invariants: a record is parsed only if {@link SpfRecordParser#isSpfRecord}
 * holds; ip4/ip6 networks have 4/16 octets and prefixes in range; the record rebuilt from its directives (qualifier
 * + text), redirect= and exp= parses to the same mechanisms.
 */
class SpfRecordFuzzTest {

    @FuzzTest
    void parse(byte[] data) {
        fuzzerTestOneInput(data);
    }

    public static void fuzzerTestOneInput(byte[] data) {
        String txt = FuzzInput.text(data);
        SpfRecord record;
        try {
            record = SpfRecordParser.parse(txt);
        } catch (SpfSyntaxException e) {
            return;
        }
        check(SpfRecordParser.isSpfRecord(txt), "parsed a text that is not an SPF record", txt);
        StringBuilder rebuilt = new StringBuilder("v=spf1");
        for (Directive d : record.directives()) {
            Mechanism m = d.mechanism();
            if (m.kind() == Mechanism.Kind.IP4) {
                check(m.network().length == 4 && m.cidr4() >= 0 && m.cidr4() <= 32, "bad ip4", txt);
            } else if (m.kind() == Mechanism.Kind.IP6) {
                check(m.network().length == 16 && m.cidr6() >= 0 && m.cidr6() <= 128, "bad ip6", txt);
            }
            rebuilt.append(' ').append(qualifier(d.result())).append(d.text());
        }
        if (record.redirect() != null) {
            rebuilt.append(" redirect=").append(record.redirect().source());
        }
        if (record.exp() != null) {
            rebuilt.append(" exp=").append(record.exp().source());
        }
        SpfRecord again;
        try {
            again = SpfRecordParser.parse(rebuilt.toString());
        } catch (SpfSyntaxException e) {
            throw new AssertionError("rebuilt record '" + rebuilt + "' does not parse: " + e.getMessage()
                    + " (from '" + txt + "')");
        }
        check(kinds(again).equals(kinds(record)), "rebuilt record differs: " + rebuilt, txt);
    }

    private static char qualifier(SpfStatus result) {
        return switch (result) {
            case PASS -> '+';
            case FAIL -> '-';
            case SOFTFAIL -> '~';
            case NEUTRAL -> '?';
            default -> throw new AssertionError("a directive with result " + result);
        };
    }

    private static List<String> kinds(SpfRecord record) {
        return record.directives().stream().map(d -> d.result() + " " + d.mechanism().kind() + " "
                + d.mechanism().cidr4() + " " + d.mechanism().cidr6() + " " + d.mechanism().domain()).toList();
    }
}
