package dev.authpack.authres;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.authpack.fuzz.FuzzInput;

import java.util.List;
import java.util.Optional;

import static dev.authpack.fuzz.FuzzInput.check;

/**
 * {@link AuthResultsParser} and {@link AuthServIds} on arbitrary field bodies.
 *
 * <p>Allowed: nothing is thrown (both are documented never to throw; a malformed body is a value). Invariants:
 * the bounds of the parser hold; a well-formed field claims, for {@link AuthServIds#claims}, the authserv-id
 * the parser reads (the forged-field removal and the trust classifier must agree on whose a field is); a well-formed field written back by
 * {@link AuthResultsWriter} parses again to the same authserv-id (control characters written as spaces), methods,
 * results and property names.
 */
class AuthResultsFuzzTest {

    @FuzzTest
    void parse(byte[] data) {
        fuzzerTestOneInput(data);
    }

    /** Entry point of the standalone driver (docs/fuzzing.md). */
    public static void fuzzerTestOneInput(byte[] data) {
        String body = FuzzInput.text(data);
        Optional<String> id = AuthServIds.of(body);
        check(id.map(s -> !s.isEmpty()).orElse(true), "empty authserv-id", body);
        ParsedAuthResults parsed = AuthResultsParser.parse(body);
        if (!parsed.isValid()) {
            check(!parsed.error().orElseThrow().isEmpty(), "malformed without a reason", body);
            return;
        }
        AuthResultsHeader header = parsed.header().orElseThrow();
        check(header.results().size() <= AuthResultsParser.MAX_RESULTS, "too many results", body);
        for (MethodResult r : header.results()) {
            check(r.properties().size() <= AuthResultsParser.MAX_PROPERTIES, "too many properties", body);
        }
        check(AuthServIds.claims(body, header.authservId()),
                "AuthServIds reads " + id + ", the parser " + header.authservId(), body);

        String written = AuthResultsWriter.headerValue(header.authservId(), header.results());
        ParsedAuthResults again = AuthResultsParser.parse(written);
        check(again.isValid(), "written field does not parse: " + again.error() + " " + written, body);
        AuthResultsHeader second = again.header().orElseThrow();
        check(second.authservId().equals(asWritten(header.authservId())), "authserv-id changed: " + written, body);
        check(shape(second.results()).equals(shape(header.results())), "results changed: " + written, body);
    }

    /** The writer turns control characters (tab included) into spaces: nothing else may change. */
    private static String asWritten(String id) {
        StringBuilder out = new StringBuilder(id.length());
        id.chars().forEach(c -> out.append(c < 0x20 || c == 0x7f ? ' ' : (char) c));
        return out.toString();
    }

    private static List<String> shape(List<MethodResult> results) {
        return results.stream().map(r -> r.method() + "=" + r.result() + " "
                + r.properties().stream().map(p -> p.ptype() + "." + p.property()).toList()).toList();
    }
}
