package dev.authpack.dkim;

import dev.authpack.dkim.internal.TagSyntaxException;
import dev.authpack.dkim.internal.TagList;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.authpack.fuzz.FuzzInput;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static dev.authpack.fuzz.FuzzInput.check;

/**
 * {@link TagList} (lenient and strict) on arbitrary text.
 *
 * <p>Allowed: {@link TagSyntaxException}. Invariants: at most {@link TagList#MAX_TAGS} tags, names unique, offsets
 * inside the text and ordered; whatever the strict parser accepts the lenient one accepts the same way; the
 * tags written back as {@code name=value;...} parse to the same names and values.
 */
class TagListFuzzTest {

    @FuzzTest
    void parse(byte[] data) {
        fuzzerTestOneInput(data);
    }

    public static void fuzzerTestOneInput(byte[] data) {
        String text = FuzzInput.text(data);
        TagList lenient;
        try {
            lenient = TagList.parse(text);
        } catch (TagSyntaxException e) {
            try {
                TagList.parseStrict(text);
            } catch (TagSyntaxException expected) {
                return;
            }
            throw new AssertionError("strict parser accepts what the lenient one refuses: " + text);
        }
        List<TagList.Tag> tags = lenient.tags();
        check(tags.size() <= TagList.MAX_TAGS, "too many tags", text);
        Set<String> names = new HashSet<>();
        int previousEnd = -1;
        StringBuilder written = new StringBuilder();
        for (TagList.Tag tag : tags) {
            check(names.add(tag.name()), "duplicate tag " + tag.name(), text);
            check(tag.afterEquals() > previousEnd && tag.afterEquals() <= tag.end() && tag.end() <= text.length(),
                    "offsets out of order for " + tag.name(), text);
            check(lenient.get(tag.name()).equals(tag.value()), "get() differs for " + tag.name(), text);
            previousEnd = tag.end();
            written.append(tag.name()).append('=').append(tag.value()).append(';');
        }
        try {
            check(TagList.parseStrict(text).tags().equals(tags), "strict and lenient tags differ", text);
        } catch (TagSyntaxException strictRefuses) {
            // the lenient parser skips empty tag-specs; nothing more to compare
        }
        TagList again;
        try {
            again = TagList.parseStrict(written.toString());
        } catch (TagSyntaxException e) {
            throw new AssertionError("written tag-list does not parse: " + written + " (" + e.getMessage() + ")");
        }
        check(again.tags().stream().map(t -> t.name() + "=" + t.value()).toList()
                        .equals(tags.stream().map(t -> t.name() + "=" + t.value()).toList()),
                "round trip changed the tags: " + written, text);
    }
}
