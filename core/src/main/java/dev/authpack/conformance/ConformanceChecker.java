package dev.authpack.conformance;

import org.apache.james.mime4j.stream.Field;

import java.nio.charset.Charset;
import java.util.EnumSet;
import java.util.Optional;

/**
 * Finds KumoMTA's eight conformance issues in a message. Line endings, line lengths and 8-bit octets are read from
 * the raw bytes; header fields of every entity of the MIME tree, the charsets of text leaves and the three
 * top-level fields from mime4j's parse. Bounded by {@link ConformanceLimits}; never throws. Thread-safe.
 */
public final class ConformanceChecker {
    private final ConformanceLimits limits;

    public ConformanceChecker() {
        this(ConformanceLimits.DEFAULT);
    }

    public ConformanceChecker(ConformanceLimits limits) {
        this.limits = limits;
    }

    public ConformanceLimits limits() {
        return limits;
    }

    public ConformanceReport check(byte[] message) {
        return check(message, MimeTree.parse(message, limits));
    }

    ConformanceReport check(byte[] message, MimeTree tree) {
        return check(message, tree, true);
    }

    /**
     * The check; {@code decodeText} false skips decoding transfer-encoded text to test its charset, for output the
     * fixer wrote itself in a charset it had tested.
     */
    ConformanceReport check(byte[] message, MimeTree tree, boolean decodeText) {
        EnumSet<ConformanceIssue> issues = EnumSet.noneOf(ConformanceIssue.class);
        LineScan lines = LineScan.of(message);
        if (lines.nonCanonicalEndings()) {
            issues.add(ConformanceIssue.NON_CANONICAL_LINE_ENDINGS);
        }
        if (lines.lineTooLong()) {
            issues.add(ConformanceIssue.LINE_TOO_LONG);
        }
        if (lines.eightBit()) {
            issues.add(ConformanceIssue.NEEDS_TRANSFER_ENCODING);
        }
        if (tree.invalidHeaderLines()) {
            issues.add(ConformanceIssue.MISSING_COLON_VALUE);
        }
        MimeNode root = tree.root();
        if (!hasValid(root, "Date")) {
            issues.add(ConformanceIssue.MISSING_DATE_HEADER);
        }
        if (!hasValid(root, "Message-ID")) {
            issues.add(ConformanceIssue.MISSING_MESSAGE_ID_HEADER);
        }
        if (!hasValid(root, "MIME-Version")) {
            issues.add(ConformanceIssue.MISSING_MIME_VERSION);
        }
        walk(root, issues, decodeText);
        return new ConformanceReport(issues, tree.complete());
    }

    private static void walk(MimeNode node, EnumSet<ConformanceIssue> issues, boolean decodeText) {
        for (Field field : node.fields) {
            if (nameEndsWithSpace(field)) {
                issues.add(ConformanceIssue.NAME_ENDS_WITH_SPACE);
            }
        }
        if (node.multipart) {
            for (MimeNode child : node.children) {
                walk(child, issues, decodeText);
            }
        } else if (decodeText && node.isText() && !issues.contains(ConformanceIssue.NEEDS_TRANSFER_ENCODING)
                && !decodesInDeclaredCharset(node)) {
            // KumoMTA's deep check: a transfer-encoded text whose octets are not text in its charset
            issues.add(ConformanceIssue.NEEDS_TRANSFER_ENCODING);
        }
    }

    /** RFC 5322 §3.6.8: the name ends at the colon; white space inside or after it is obsolete (§4.5.3). */
    static boolean nameEndsWithSpace(Field field) {
        org.apache.james.mime4j.util.ByteSequence raw = field.getRaw();
        if (raw == null) {
            return false;
        }
        for (int i = 0; i < raw.length(); i++) {
            byte b = raw.byteAt(i);
            if (b == ':') {
                return false;
            }
            if (b == ' ' || b == '\t') {
                return true;
            }
        }
        return false;
    }

    private static boolean decodesInDeclaredCharset(MimeNode node) {
        Optional<Charset> charset = CharsetLabels.lookup(node.charset);
        if (charset.isEmpty()) {
            return false;
        }
        // the message is 7-bit here: unless quoted-printable or base64 hide 8-bit octets, the content is ASCII
        boolean asciiContent = switch (node.transferEncoding) {
            case "base64" -> false;
            case "quoted-printable" -> !encodesEightBit(node.rawBody);
            default -> true;
        };
        if (asciiContent && CharsetLabels.isAsciiCompatible(charset.get())) {
            return true;
        }
        return TextDecoding.decodeStrictly(TextDecoding.transferDecoded(node), charset.get()).isPresent();
    }

    /** A quoted-printable {@code =XY} for an octet above 127 (X is 8 to F). */
    private static boolean encodesEightBit(byte[] raw) {
        for (int i = 0; i + 1 < raw.length; i++) {
            if (raw[i] == '=') {
                int x = raw[i + 1] | 0x20;
                if (x >= '8' && x <= '9' || x >= 'a' && x <= 'f') {
                    return true;
                }
            }
        }
        return false;
    }

    /** A field of this name whose value parses (KumoMTA: present but unparseable counts as missing). */
    static boolean hasValid(MimeNode root, String name) {
        for (Field field : root.fields) {
            if (field.getName().equalsIgnoreCase(name) && isValid(name, value(field))) {
                return true;
            }
        }
        return false;
    }

    static boolean isValid(String name, String value) {
        if (value == null) {
            return false;
        }
        return switch (name) {
            case "Date" -> FieldSyntax.isDate(value);
            case "Message-ID" -> FieldSyntax.isMessageId(value);
            default -> FieldSyntax.isMimeVersion10(value);
        };
    }

    /** The unfolded value after the colon as UTF-8 text, or null when it has non-UTF-8 octets. */
    static String value(Field field) {
        org.apache.james.mime4j.util.ByteSequence raw = field.getRaw();
        if (raw == null) {
            return field.getBody();
        }
        byte[] bytes = raw.toByteArray();
        int colon = 0;
        while (colon < bytes.length && bytes[colon] != ':') {
            colon++;
        }
        if (colon >= bytes.length) {
            return null;
        }
        String text = FieldSyntax.utf8Value(bytes, colon + 1, bytes.length);
        return text == null ? null : text.replace("\r", "").replace("\n", "").strip();
    }
}
