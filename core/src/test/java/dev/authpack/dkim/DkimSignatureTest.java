package dev.authpack.dkim;

import dev.authpack.mail.RawMessage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** RFC 6376 §3.5 and §6.1.1: what makes a DKIM-Signature field unusable, and what is accepted. */
class DkimSignatureTest {
    private static final String VALID = "v=1; a=rsa-sha256; d=example.com; s=sel; h=from:to; bh=AAAA; b=QUJD";

    private static DkimSignature parse(String value) throws Exception {
        String message = "DKIM-Signature:" + value + "\r\nFrom: a@example.com\r\n\r\n";
        return DkimSignature.parse(RawMessage.parse(message.getBytes(StandardCharsets.ISO_8859_1)).fields().get(0));
    }

    private static String error(String value) {
        try {
            parse(value);
        } catch (InvalidSignatureException e) {
            return e.getMessage();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("accepted: " + value);
    }

    @Test
    void validFieldAndDefaults() throws Exception {
        DkimSignature s = parse(" " + VALID);
        assertThat(s.algorithm()).isEqualTo(DkimAlgorithm.RSA_SHA256);
        assertThat(s.headerCanonicalization()).isEqualTo(Canonicalization.SIMPLE);
        assertThat(s.bodyCanonicalization()).isEqualTo(Canonicalization.SIMPLE);
        assertThat(s.identity()).isEqualTo("@example.com");
        assertThat(s.bodyLength()).isEqualTo(-1);
        assertThat(s.timestamp()).isEqualTo(-1);
        assertThat(s.expiration()).isEqualTo(-1);
        assertThat(s.signedHeaders()).containsExactly("from", "to");
        assertThat(s.keyName()).isEqualTo("sel._domainkey.example.com");
    }

    @Test
    void tagsOfNote() throws Exception {
        DkimSignature s = parse(" v=1; a=ED25519-SHA256; c=relaxed; d=Example.COM; s=Sel; h=From : To\r\n : Subject;"
                + " i=joe=40mail.example.com; l=12; q=dns/txt:other/x; t=100; x=100; z=From:a|To:b; bh=AAAA; b=QU\r\n JD;");
        assertThat(s.algorithm()).isEqualTo(DkimAlgorithm.ED25519_SHA256);
        assertThat(s.headerCanonicalization()).isEqualTo(Canonicalization.RELAXED);
        assertThat(s.bodyCanonicalization()).as("c=relaxed means relaxed/simple").isEqualTo(Canonicalization.SIMPLE);
        assertThat(s.domain()).isEqualTo("example.com");
        assertThat(s.selector()).isEqualTo("sel");
        assertThat(s.signedHeaders()).containsExactly("From", "To", "Subject");
        assertThat(s.identity()).as("dkim-quoted-printable decoded").isEqualTo("joe@mail.example.com");
        assertThat(s.bodyLength()).isEqualTo(12);
        assertThat(s.signature()).containsExactly('A', 'B', 'C');
        assertThat(parse(" v=1; a=rsa-sha256; q=dns; d=example.com; s=sel; h=from; bh=AAAA; b=QUJD").domain())
                .isEqualTo("example.com");
    }

    @Test
    void requiredTagsAndValues() {
        assertThat(error("a=rsa-sha256; d=example.com; s=sel; h=from; bh=AAAA; b=QUJD"))
                .isEqualTo("missing required tag v=");
        assertThat(error(VALID.replace("v=1", "v=2"))).isEqualTo("unsupported version v=2");
        for (String tag : new String[] {"a", "b", "bh", "d", "h", "s"}) {
            String without = VALID.replaceAll("(^|; )" + tag + "=[^;]*", "");
            assertThat(error(without)).isEqualTo("missing required tag " + tag + "=");
        }
        assertThat(error(VALID.replace("rsa-sha256", "rsa-md5"))).isEqualTo("unsupported algorithm a=rsa-md5");
        assertThat(error(VALID.replace("b=QUJD", "b="))).isEqualTo("b= is empty");
        assertThat(error(VALID.replace("b=QUJD", "b=Q!JD"))).isEqualTo("b= is not valid base64");
        assertThat(error(VALID.replace("bh=AAAA", "bh=A"))).isEqualTo("bh= is not valid base64");
        assertThat(error(VALID + "; c=relaxed/future")).isEqualTo("unsupported canonicalization c=relaxed/future");
        assertThat(error(VALID + "; c=")).isEqualTo("unsupported canonicalization c=");
        assertThat(error(VALID.replace("d=example.com", "d=localhost"))).isEqualTo("d= is not a domain name: localhost");
        assertThat(error(VALID.replace("d=example.com", "d=exa mple.com"))).startsWith("d= is not a domain name");
        assertThat(error(VALID.replace("s=sel", "s=a..b"))).isEqualTo("s= is not a valid selector: a..b");
        assertThat(error(VALID.replace(";", ";;") + "; v=1")).isEqualTo("signature syntax error: duplicate tag v");
    }

    @Test
    void headerList() {
        assertThat(error(VALID.replace("h=from:to", "h=to:subject")))
                .isEqualTo("From field not signed (h= does not include From)");
        assertThat(error(VALID.replace("h=from:to", "h=from::to"))).isEqualTo("h= has an empty field name");
        assertThat(error(VALID.replace("h=from:to", "h=from:"))).isEqualTo("h= has an empty field name");
    }

    @Test
    void identityMustBeInTheDomain() throws Exception {
        assertThat(parse(VALID + "; i=@sub.example.com").identity()).isEqualTo("@sub.example.com");
        assertThat(parse(VALID + "; i=user@EXAMPLE.com").identity()).isEqualTo("user@EXAMPLE.com");
        assertThat(error(VALID + "; i=user@example.org"))
                .isEqualTo("domain mismatch: i= example.org is not d= example.com or a subdomain of it");
        assertThat(error(VALID + "; i=user@notexample.com")).startsWith("domain mismatch");
        assertThat(error(VALID + "; i=user")).isEqualTo("i= has no '@': user");
        assertThat(error(VALID + "; i=user=4")).isEqualTo("i= has invalid quoted-printable encoding");
    }

    @Test
    void numbersAndTimes() {
        assertThat(error(VALID + "; l=12a")).isEqualTo("l= is not a number: 12a");
        assertThat(error(VALID + "; l=" + "1".repeat(77))).startsWith("l= is not a number");
        assertThat(error(VALID + "; t=1234567890123")).startsWith("t= is not a time of at most 12 digits");
        assertThat(error(VALID + "; x=-5")).startsWith("x= is not a time");
        assertThat(error(VALID + "; t=200; x=100")).isEqualTo("x= (100) is earlier than t= (200)");
        assertThat(error(VALID + "; q=http")).isEqualTo("unsupported query method q=http");
        assertThat(error(VALID + "; q=dns/special")).isEqualTo("unsupported query method q=dns/special");
    }

    @Test
    void unparsableTagListKeepsNoTags() {
        assertThatThrownBy(() -> parse(" synerr")).isInstanceOfSatisfying(InvalidSignatureException.class, e -> {
            assertThat(e.getMessage()).isEqualTo("signature syntax error: tag synerr has no '='");
            assertThat(e.tags()).isNull();
        });
    }
}
