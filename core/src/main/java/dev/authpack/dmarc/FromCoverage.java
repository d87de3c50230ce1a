package dev.authpack.dmarc;

import dev.authpack.dkim.DkimResult;
import dev.authpack.dkim.internal.TagList;
import dev.authpack.dkim.internal.TagSyntaxException;
import dev.authpack.mail.HeaderField;
import dev.authpack.mail.RawMessage;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Which DKIM signatures of a message sign every From field it has. A signature that names {@code from} in its
 * {@code h=} k times signs the bottom-most k From fields only (RFC 6376 §5.4.2), so in a message with more From
 * fields than that, one added above the signed message in transit (the one a client shows) is not signed: such a
 * signature says nothing of that author, and DMARC does not take its {@code d=} as authenticated (RFC 6376 §8.15;
 * review s22: a replayed message of victim.example with {@code From: CEO <ceo@victim.example>} added on top passed).
 * A From field that only some readers see (one the strict parser reads as part of another field) is signed by no
 * signature. With one From field every signature signs it ({@code h=} must name From). Immutable.
 */
final class FromCoverage {
    /** Nothing known of the message (only its From values given): every signature counts. */
    static final FromCoverage UNKNOWN = new FromCoverage(1, Map.of(), false);

    private final int fromFields;
    /** A From field only some readers see (the strict parser reads it as part of another field). */
    private final boolean hidden;
    /**
     * The number of {@code from} names in h= of the DKIM-Signature fields, by signing domain and start of b= (what a
     * {@link DkimResult} says of its signature; not the field's index, which a field prepended since the header was
     * read would shift): the fewest when several fields share the key, so an added field cannot raise it.
     */
    private final Map<String, Integer> fromNamed;

    private FromCoverage(int fromFields, Map<String, Integer> fromNamed, boolean hidden) {
        this.fromFields = fromFields;
        this.hidden = hidden;
        this.fromNamed = fromNamed;
    }

    /**
     * @param fromFields the From fields of the message as DMARC read them (a reader that shows more than the strict
     *                   parser counts too: such a field is one no signature can sign)
     */
    static FromCoverage of(RawMessage message, int fromFields) {
        int strict = message.count("From");
        if (fromFields <= 1 && strict == fromFields) {
            return UNKNOWN;
        }
        if (fromFields > strict) {
            // a From field only other readers see (after a lone CR, say) is in no signature's h=
            return new FromCoverage(Math.max(fromFields, 2), Map.of(), true);
        }
        Map<String, Integer> named = new HashMap<>();
        for (HeaderField field : message.fields("DKIM-Signature")) {
            TagList tags;
            try {
                tags = TagList.parse(field.rawValue());
            } catch (TagSyntaxException e) {
                continue;       // a signature that does not parse did not pass either
            }
            String d = tags.get("d");
            named.merge(key(d, tags.compact("b", DkimResult.SIGNATURE_START_LENGTH)), fromNames(tags.get("h")),
                    Math::min);
        }
        return new FromCoverage(fromFields, named, false);
    }

    private static String key(String domain, String signatureStart) {
        return (domain == null ? "" : domain.strip().toLowerCase(Locale.ROOT)) + " " + signatureStart;
    }

    private static int fromNames(String h) {
        if (h == null) {
            return 0;
        }
        int n = 0;
        for (String name : h.split(":", -1)) {
            n += name.strip().equalsIgnoreCase("from") ? 1 : 0;
        }
        return n;
    }

    /** Whether the signature of {@code result} signs every From field of the message (none found: it does not). */
    boolean signsEveryFrom(DkimResult result) {
        return fromFields <= 1 || fromNamed.getOrDefault(key(result.domain(), result.signatureStart()), 0)
                >= fromFields;
    }

    /** Whether the message has a From field only some readers see, which no signature signs. */
    boolean hidden() {
        return hidden;
    }

    /** The From fields of the message when more than one (2 at least when some are seen by some readers only). */
    int fromFields() {
        return fromFields;
    }
}
