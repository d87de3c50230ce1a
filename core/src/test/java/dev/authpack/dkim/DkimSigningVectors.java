package dev.authpack.dkim;

import dev.authpack.mail.HeaderField;
import dev.authpack.mail.RawMessage;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The signing vectors of cases.yaml: sign the input with the vector's key and tags and compare the whole
 * DKIM-Signature field, byte for byte, with the one in the published message. The published fields are folded at
 * 58 characters (the RFC 8463 examples), so the vectors are signed with {@code lineWidth} 58.
 */
final class DkimSigningVectors {
    static final int RFC8463_LINE_WIDTH = 58;

    private DkimSigningVectors() {
    }

    /** Null when the vector is reproduced, else what differs. */
    static String run(Map<?, ?> vector) {
        try {
            Map<?, ?> params = (Map<?, ?>) vector.get("params");
            DkimSigningKey key = DkimKeys.parse(DkimConformanceTest.text("cases/" + vector.get("private_key")));
            if (!key.algorithm().tag().equals(params.get("a"))) {
                return "key algorithm " + key.algorithm().tag() + " but a=" + params.get("a");
            }
            String[] canon = String.valueOf(params.get("c")).split("/");
            String h = String.valueOf(params.get("h"));
            List<String> names = new ArrayList<>();
            for (String name : h.split(":")) {
                names.add(name.strip());
            }
            DkimSignOptions options = DkimSignOptions.of(String.valueOf(params.get("d")),
                            String.valueOf(params.get("s")))
                    .withIdentity((String) params.get("i"))
                    .withCanonicalization(Canonicalization.valueOf(canon[0].toUpperCase()),
                            Canonicalization.valueOf(canon[1].toUpperCase()))
                    .withQueryTag("dns/txt".equals(params.get("q")))
                    .withSignedHeaders(names)
                    .withSpacedHeaderList(h.contains(" : "))
                    .withLineWidth(RFC8463_LINE_WIDTH)
                    .withClock(Clock.fixed(Instant.ofEpochSecond(((Number) params.get("t")).longValue()),
                            ZoneOffset.UTC));
            byte[] input = DkimConformanceTest.resource("cases/" + vector.get("input"));
            String field = new DkimSigner(key, options).signatureField(RawMessage.parse(input));

            byte[] published = DkimConformanceTest.resource("cases/" + vector.get("expected_signed"));
            HeaderField expected = DkimConformanceTest.signatureFields(published)
                    .get(((Number) vector.get("signature_index")).intValue());
            String want = new String(expected.rawBytes(), StandardCharsets.ISO_8859_1) + "\r\n";
            if (!want.equals(field)) {
                return "field differs:\n--- expected\n" + want + "--- signed\n" + field;
            }
            return null;
        } catch (Exception e) {
            return "exception: " + e;
        }
    }
}
