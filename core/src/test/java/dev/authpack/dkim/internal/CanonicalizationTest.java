package dev.authpack.dkim.internal;

import dev.authpack.dkim.Canonicalization;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

class CanonicalizationTest {

    private static String body(Canonicalization c, String body) {
        byte[] in = body.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuilder out = new ByteBuilder(16, 1 << 20);
        BodyCanonicalizer.canonicalize(c, in, 0, in.length, out);
        return new String(out.toByteArray(), StandardCharsets.ISO_8859_1);
    }

    private static String header(Canonicalization c, String field) {
        byte[] in = field.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuilder out = new ByteBuilder(16, 1 << 20);
        HeaderCanonicalizer.canonicalize(c, in, 0, in.length, out);
        return new String(out.toByteArray(), StandardCharsets.ISO_8859_1);
    }

    private static String sha256(String s) throws Exception {
        return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                .digest(s.getBytes(StandardCharsets.ISO_8859_1)));
    }

    /** RFC 6376 §3.4.6, both examples. */
    @Test
    void rfc6376Examples() {
        assertThat(header(Canonicalization.RELAXED, "A: X")).isEqualTo("a:X");
        assertThat(header(Canonicalization.RELAXED, "B : Y\t\r\n\tZ  ")).isEqualTo("b:Y Z");
        assertThat(header(Canonicalization.SIMPLE, "B : Y\t\r\n\tZ  ")).isEqualTo("B : Y\t\r\n\tZ  ");
        String body = " C \r\nD \t E\r\n\r\n\r\n";
        assertThat(body(Canonicalization.RELAXED, body)).isEqualTo(" C\r\nD E\r\n");
        assertThat(body(Canonicalization.SIMPLE, body)).isEqualTo(" C \r\nD \t E\r\n");
    }

    /** RFC 6376 errata 1376/1377 give the hashes of the empty body. */
    @Test
    void emptyBody() throws Exception {
        assertThat(body(Canonicalization.SIMPLE, "")).isEqualTo("\r\n");
        assertThat(body(Canonicalization.RELAXED, "")).isEmpty();
        assertThat(sha256(body(Canonicalization.SIMPLE, ""))).isEqualTo("frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY=");
        assertThat(sha256(body(Canonicalization.RELAXED, ""))).isEqualTo("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
        // a body of empty lines only is empty too
        assertThat(body(Canonicalization.SIMPLE, "\r\n\r\n\r\n")).isEqualTo("\r\n");
        assertThat(body(Canonicalization.RELAXED, "\r\n \t\r\n\r\n")).isEmpty();
    }

    @Test
    void trailingEmptyLinesGoInnerOnesStay() {
        assertThat(body(Canonicalization.SIMPLE, "a\r\n\r\nb\r\n\r\n\r\n")).isEqualTo("a\r\n\r\nb\r\n");
        assertThat(body(Canonicalization.RELAXED, "a\r\n\r\n\r\nb\r\n\r\n")).isEqualTo("a\r\n\r\n\r\nb\r\n");
        // simple keeps a whitespace-only last line, relaxed drops it
        assertThat(body(Canonicalization.SIMPLE, "a\r\n \r\n")).isEqualTo("a\r\n \r\n");
        assertThat(body(Canonicalization.RELAXED, "a\r\n \r\n")).isEqualTo("a\r\n");
        // many held-back empty lines are written in full when content follows
        String many = "a\r\n" + "\r\n".repeat(200) + "b\r\n";
        assertThat(body(Canonicalization.SIMPLE, many)).isEqualTo(many);
        assertThat(body(Canonicalization.RELAXED, many)).isEqualTo(many);
    }

    @Test
    void missingFinalLineEndIsAdded() {
        assertThat(body(Canonicalization.SIMPLE, "a\r\nb")).isEqualTo("a\r\nb\r\n");
        assertThat(body(Canonicalization.RELAXED, "a\r\nb  ")).isEqualTo("a\r\nb\r\n");
        assertThat(body(Canonicalization.RELAXED, "a\r\n  ")).isEqualTo("a\r\n");
    }

    @Test
    void whitespaceRuns() {
        assertThat(body(Canonicalization.RELAXED, "a  b\t\tc \t d\r\n")).isEqualTo("a b c d\r\n");
        assertThat(body(Canonicalization.RELAXED, "\t lead\r\n")).isEqualTo(" lead\r\n");
        assertThat(body(Canonicalization.RELAXED, "a b\r\n")).isEqualTo("a b\r\n");
        assertThat(body(Canonicalization.SIMPLE, "a  b\t\r\n")).isEqualTo("a  b\t\r\n");
        assertThat(header(Canonicalization.RELAXED, "Subject:\t  many   spaces \t")).isEqualTo("subject:many spaces");
    }

    @Test
    void bareLfIsALineEnd() {
        for (Canonicalization c : Canonicalization.values()) {
            assertThat(body(c, "a \nb\n\n")).isEqualTo(body(c, "a \r\nb\r\n\r\n"));
            assertThat(body(c, "a\n\nb\n")).isEqualTo(body(c, "a\r\n\r\nb\r\n"));
        }
        assertThat(body(Canonicalization.SIMPLE, "x\ny\n")).isEqualTo("x\r\ny\r\n");
        assertThat(header(Canonicalization.SIMPLE, "A: 1\n 2")).isEqualTo("A: 1\r\n 2");
        assertThat(header(Canonicalization.RELAXED, "A: 1\n 2")).isEqualTo("a:1 2");
    }

    @Test
    void loneCrIsData() {
        assertThat(body(Canonicalization.SIMPLE, "a\rb\r\n")).isEqualTo("a\rb\r\n");
        assertThat(body(Canonicalization.RELAXED, "a \r b\r\n")).isEqualTo("a \r b\r\n");
        assertThat(body(Canonicalization.SIMPLE, "a\r")).isEqualTo("a\r\r\n");
    }

    @Test
    void headerFolding() {
        assertThat(header(Canonicalization.RELAXED, "To: a,\r\n b,\r\n\t c")).isEqualTo("to:a, b, c");
        assertThat(header(Canonicalization.RELAXED, "X-Empty:")).isEqualTo("x-empty:");
        assertThat(header(Canonicalization.RELAXED, "X-Empty: \r\n ")).isEqualTo("x-empty:");
        assertThat(header(Canonicalization.RELAXED, "MiXeD-Case : Value")).isEqualTo("mixed-case:Value");
    }

    @Test
    void unchangedRunsAreHandedOverWithoutCopies() {
        byte[] in = "line one\r\nline two\r\n".getBytes(StandardCharsets.ISO_8859_1);
        int[] calls = new int[1];
        BodyCanonicalizer.relaxed(in, 0, in.length, (b, off, len) -> {
            assertThat(b).isSameAs(in);
            calls[0]++;
        });
        assertThat(calls[0]).isEqualTo(1);
    }
}
