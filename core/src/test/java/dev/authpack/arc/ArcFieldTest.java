package dev.authpack.arc;

import dev.authpack.dkim.internal.TagList;
import dev.authpack.dkim.internal.TagSyntaxException;
import dev.authpack.mail.HeaderField;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ArcFieldTest {
    private static ArcField read(String field) {
        HeaderField f = ArcFixtures.parse(field + "\r\n\r\n").fields().get(0);
        return ArcField.read(ArcFieldKind.of(f.name()), f);
    }

    @Test
    void theAuthenticationResultsInstanceComesFirst() {
        ArcField spaced = read("ARC-Authentication-Results: (hop) i = 7 ;mx.example; spf=pass");
        assertThat(spaced.instance()).isEqualTo(7);
        assertThat(spaced.payload()).isEqualTo("mx.example; spf=pass");
        assertThat(spaced.usable()).isTrue();
        assertThat(read("ARC-Authentication-Results: mx.example; i=1; spf=pass").problem())
                .isEqualTo("ARC-Authentication-Results does not start with the instance tag i=");
        assertThat(read("ARC-Authentication-Results: i=1 mx.example; spf=pass").problem())
                .isEqualTo("ARC-Authentication-Results i=1 is not followed by ';'");
        assertThat(read("ARC-Authentication-Results: I=1; mx.example").usable()).isFalse();
        assertThat(read("ARC-Authentication-Results: i=0; mx.example").usable()).isFalse();
        assertThat(read("ARC-Authentication-Results: i=1234567; mx.example").usable()).isFalse();
    }

    @Test
    void sealsAndSignaturesNeedAnInstanceTag() {
        assertThat(read("ARC-Seal: a=rsa-sha256; i=12; cv=pass").instance()).isEqualTo(12);
        assertThat(read("arc-seal: a=rsa-sha256; cv=pass").problem()).isEqualTo("ARC-Seal has no i= tag");
        assertThat(read("ARC-Message-Signature: i=x1").problem())
                .isEqualTo("ARC-Message-Signature i=x1 is not an instance number");
        assertThat(read("ARC-Message-Signature: i=1;; a=rsa-sha256").problem()).startsWith(
                "ARC-Message-Signature: empty tag-spec");
    }

    @Test
    void strictTagListsRefuseEmptyTagSpecsButNotATrailingSemicolon() throws TagSyntaxException {
        assertThat(TagList.parseStrict(" a=1; b = 2 ;\r\n ").get("b")).isEqualTo("2");
        assertThat(TagList.parse("a=1;;b=2").get("b")).isEqualTo("2");
        assertThatThrownBy(() -> TagList.parseStrict("a=1;;b=2")).isInstanceOf(TagSyntaxException.class);
        assertThatThrownBy(() -> TagList.parseStrict("; a=1")).isInstanceOf(TagSyntaxException.class);
    }
}
