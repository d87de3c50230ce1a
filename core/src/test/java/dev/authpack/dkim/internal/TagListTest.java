package dev.authpack.dkim.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TagListTest {

    @Test
    void parsesTagsWithFoldingAndSpaces() throws Exception {
        String text = " v=1; a = rsa-sha256 ;\r\n\tb=abc\r\n def ; h=from : to;";
        TagList tags = TagList.parse(text);
        assertThat(tags.tags()).extracting(TagList.Tag::name).containsExactly("v", "a", "b", "h");
        assertThat(tags.get("a")).isEqualTo("rsa-sha256");
        assertThat(tags.get("b")).isEqualTo("abc\r\n def");
        assertThat(TagList.withoutSpace(tags.get("b"))).isEqualTo("abcdef");
        assertThat(tags.get("h")).isEqualTo("from : to");
        assertThat(tags.get("x")).isNull();
        TagList.Tag b = tags.tag("b");
        assertThat(text.substring(b.afterEquals(), b.end())).isEqualTo("abc\r\n def ");
    }

    @Test
    void emptyValuesAndEmptySpecs() throws Exception {
        TagList tags = TagList.parse("p=; ;; k=rsa");
        assertThat(tags.get("p")).isEmpty();
        assertThat(tags.get("k")).isEqualTo("rsa");
        assertThat(TagList.parse("").tags()).isEmpty();
        assertThat(TagList.parse("  ").tags()).isEmpty();
    }

    @Test
    void namesAreCaseSensitive() throws Exception {
        TagList tags = TagList.parse("V=1; v=2");
        assertThat(tags.get("v")).isEqualTo("2");
        assertThat(tags.get("V")).isEqualTo("1");
    }

    @Test
    void refusesWhatTheGrammarDoesNotAllow() {
        assertThatThrownBy(() -> TagList.parse("v=1; v=1")).hasMessage("duplicate tag v");
        assertThatThrownBy(() -> TagList.parse("k=rsa; t; p=x")).hasMessage("tag t has no '='");
        assertThatThrownBy(() -> TagList.parse("synerr")).hasMessage("tag synerr has no '='");
        assertThatThrownBy(() -> TagList.parse("1a=b")).hasMessageContaining("unexpected character '1'");
        assertThatThrownBy(() -> TagList.parse("=b")).hasMessageContaining("unexpected character '='");
        assertThatThrownBy(() -> TagList.parse("a-b=c")).hasMessage("tag a has no '='");
        assertThatThrownBy(() -> TagList.parse("n=caf\u00e9")).hasMessageContaining("invalid character 0xe9");
        assertThatThrownBy(() -> TagList.parse("n=a\u0001b")).hasMessageContaining("invalid character 0x01");
        StringBuilder many = new StringBuilder();
        for (int i = 0; i <= TagList.MAX_TAGS; i++) {
            many.append("t").append(i).append("=x;");
        }
        assertThatThrownBy(() -> TagList.parse(many.toString())).hasMessageContaining("more than 64 tags");
    }
}
