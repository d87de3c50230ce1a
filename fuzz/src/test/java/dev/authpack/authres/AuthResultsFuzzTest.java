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
 * {@link AuthResultsWriter} stays within what the parser reads and parses again to the same authserv-id (control
 * characters, line separators and bidi controls written as spaces, lone surrogates as U+FFFD), methods, results and property names, within the writer's caps (the leading
 * {@code MAX_RESULTS} resinfos, {@code MAX_PROPERTIES} properties each).
 */
class AuthResultsFuzzTest {
    /** What {@code serverId} is in practice: an ASCII host name (at most 253 characters, RFC 1035). */
    private static final java.util.regex.Pattern HOST_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9.\\-]*");

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
        // an authserv-id we could be configured with (a host name) is recognised by the forged-field rule
        if (header.authservId().length() <= 253 && HOST_NAME.matcher(header.authservId()).matches()) {
            check(AuthServIds.claims(body, header.authservId()),
                    "AuthServIds reads " + id + ", the parser " + header.authservId(), body);
        }

        String written = AuthResultsWriter.headerValue(header.authservId(), header.results());
        ParsedAuthResults again = AuthResultsParser.parse(written);
        check(again.isValid(), "written field does not parse: " + again.error() + " " + written, body);
        AuthResultsHeader second = again.header().orElseThrow();
        check(second.authservId().equals(asWritten(header.authservId())), "authserv-id changed: " + written, body);
        // the writer's caps (AuthResultsWriter): at most MAX_RESULTS resinfos, MAX_PROPERTIES each, the field
        // within what our own parser reads; what it writes is the leading part of what it was given
        check(written.length() <= AuthResultsParser.MAX_FIELD_CHARS, "written field too long: " + written.length(), body);
        int kept = second.results().size();
        boolean someWritten = kept >= 1 || header.results().isEmpty();
        check(someWritten && kept <= Math.min(header.results().size(), AuthResultsWriter.MAX_RESULTS),
                "results written: " + kept + " of " + header.results().size(), body);
        List<String> expected = shape(header.results().subList(0, kept).stream()
                .map(r -> new MethodResult(r.method(), r.result(), r.reason(),
                        r.properties().subList(0, Math.min(r.properties().size(), AuthResultsWriter.MAX_PROPERTIES))))
                .toList());
        check(shape(second.results()).equals(expected), "results changed: " + written, body);
    }

    /**
     * The writer turns control characters (C0 with tab, DEL, C1), U+2028, U+2029 and the bidi embedding, override
     * and isolate controls into spaces and a lone surrogate into U+FFFD: nothing else may change.
     */
    private static String asWritten(String id) {
        StringBuilder out = new StringBuilder(id.length());
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < id.length() && Character.isLowSurrogate(id.charAt(i + 1))) {
                out.append(c).append(id.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                out.append('\ufffd');
            } else {
                boolean space = c < 0x20 || c >= 0x7f && c <= 0x9f || c == '\u2028' || c == '\u2029'
                        || c >= '\u202a' && c <= '\u202e' || c >= '\u2066' && c <= '\u2069';
                out.append(space ? ' ' : c);
            }
        }
        return out.toString();
    }

    private static List<String> shape(List<MethodResult> results) {
        return results.stream().map(r -> r.method() + "=" + r.result() + " "
                + r.properties().stream().map(p -> p.ptype() + "." + p.property()).toList()).toList();
    }
}
