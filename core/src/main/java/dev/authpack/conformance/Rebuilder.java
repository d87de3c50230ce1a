package dev.authpack.conformance;

import org.apache.james.mime4j.codec.Base64OutputStream;
import org.apache.james.mime4j.codec.EncoderUtil;
import org.apache.james.mime4j.codec.QuotedPrintableOutputStream;
import org.apache.james.mime4j.dom.field.ContentTypeField;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.util.ByteSequence;
import org.apache.james.mime4j.util.MimeUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Writes a message again from its parsed MIME tree: CRLF line ends, field names without white space, dropped lines
 * that were not fields, 8-bit field text as RFC 2047 encoded-words, and every leaf 7-bit: quoted-printable or base64
 * (whichever is shorter, as KumoMTA) where the content is 8-bit or has long lines. Decoded content stays
 * byte-identical, except 8-bit text without a usable charset, which is converted to UTF-8 and labelled so.
 * Attached messages are kept as they are (line ends made CRLF). Multipart preambles that are not clean 7-bit text,
 * and epilogues, are dropped (RFC 2046 §5.1.1: readers ignore them).
 */
final class Rebuilder {
    private static final Logger LOG = LoggerFactory.getLogger(Rebuilder.class);
    private static final byte[] CRLF = {'\r', '\n'};
    /** RFC 2046 §5.1.1 boundary: 1 to 70 bchars, not ending in a space. */
    private static final Pattern BOUNDARY = Pattern.compile("[0-9A-Za-z'()+_,./:=? -]{0,69}[0-9A-Za-z'()+_,./:=?-]");
    /** RFC 2045 §5.1 token: printable ASCII but SPACE and tspecials. */
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.0-9A-Z^_`a-z{|}~-]+");
    /** C0 controls (CR and LF among them) and DEL. */
    private static final Pattern CONTROL = Pattern.compile("[\\x00-\\x1f\\x7f]");
    /** The most octets of unlabelled 8-bit field text handed to the charset guesser at once. */
    static final int MAX_FIELD_SAMPLE = 64 * 1024;
    /** Fresh random boundaries tried before a rebuild gives up (one is all it ever takes). */
    private static final int MAX_FRESH_BOUNDARIES = 8;

    private final FixSettings settings;
    private final Charset fieldCharset;

    private Rebuilder(FixSettings settings, Charset fieldCharset) {
        this.settings = settings;
        this.fieldCharset = fieldCharset;
    }

    /**
     * The rebuilt message with {@code topFields} (complete field lines) first and the top-level fields named in
     * {@code dropTop} (lower case) left out; empty when the tree cannot be written again without losing content.
     */
    static Optional<byte[]> rebuild(MimeTree tree, List<String> topFields, List<String> dropTop,
                                    FixSettings settings) {
        if (!tree.complete() || !writable(tree.root())) {
            return Optional.empty();
        }
        ByteArrayOutputStream sample = new ByteArrayOutputStream();
        collectUnlabelledFieldText(tree.root(), sample);
        Charset fieldCharset = sample.size() == 0 ? null
                : settings.guesser().guess(sample.toByteArray()).orElse(null);
        Rebuilder rebuilder = new Rebuilder(settings, fieldCharset);
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try {
            rebuilder.writeEntity(tree.root(), out, topFields, dropTop);
        } catch (IOException | RuntimeException e) {
            LOG.debug("rebuild failed: {}", e.toString());
            return Optional.empty();
        }
        return Optional.of(out.toByteArray());
    }

    /** False for a multipart without parts (no boundary found): its whole body would be lost. */
    private static boolean writable(MimeNode node) {
        if (node.multipart) {
            return !node.children.isEmpty() && node.children.stream().allMatch(Rebuilder::writable);
        }
        return true;
    }

    private static void collectUnlabelledFieldText(MimeNode node, ByteArrayOutputStream sample) {
        for (Field field : node.fields) {
            byte[] value = valueBytes(field);
            if (!TextDecoding.isAscii(value) && FieldSyntax.utf8Value(value, 0, value.length) == null
                    && sample.size() + value.length < MAX_FIELD_SAMPLE) {
                sample.writeBytes(value);
                sample.write('\n');
            }
        }
        for (MimeNode child : node.children) {
            collectUnlabelledFieldText(child, sample);
        }
    }

    private void writeEntity(MimeNode node, ByteArrayOutputStream out, List<String> extraFields,
                             List<String> drop) throws IOException {
        List<byte[]> parts = node.multipart ? writtenParts(node) : List.of();
        Body body = node.multipart ? multipartBody(node, parts) : node.isMessage() ? messageBody(node)
                : node.isText() ? textBody(node) : binaryBody(node);
        for (String field : extraFields) {
            writeLine(out, field);
        }
        boolean typeWritten = false;
        for (Field field : node.fields) {
            String name = repairedName(field);
            if (name == null) {
                LOG.debug("dropping a field whose name cannot be repaired: {}", field.getName());
                continue;
            }
            String lower = name.toLowerCase(Locale.ROOT);
            if (drop.contains(lower) || lower.equals("content-transfer-encoding")) {
                continue;
            }
            if (lower.equals("content-type") && body.contentType != null) {
                if (!typeWritten) {
                    writeLine(out, HeaderText.fold("Content-Type", body.contentType));
                    typeWritten = true;
                }
                continue;
            }
            writeField(out, name, field);
        }
        if (body.contentType != null && !typeWritten) {
            writeLine(out, HeaderText.fold("Content-Type", body.contentType));
        }
        if (body.transferEncoding != null) {
            writeLine(out, "Content-Transfer-Encoding: " + body.transferEncoding);
        }
        out.write(CRLF);
        if (node.multipart) {
            writeParts(node, body.boundary, parts, out);
        } else {
            out.write(body.bytes);
        }
    }

    /** The children of a multipart as written, before its boundary is chosen (they must not contain it). */
    private List<byte[]> writtenParts(MimeNode node) throws IOException {
        List<byte[]> parts = new ArrayList<>(node.children.size() + 1);
        parts.add(writtenPreamble(node));
        for (MimeNode child : node.children) {
            ByteArrayOutputStream part = new ByteArrayOutputStream(1024);
            writeEntity(child, part, List.of(), List.of());
            parts.add(part.toByteArray());
        }
        return parts;
    }

    /** A preamble that is clean 7-bit text, line ends made CRLF; else none (dropped). */
    private static byte[] writtenPreamble(MimeNode node) {
        return node.preamble.length > 0 && clean7bit(node.preamble) ? crlf(node.preamble) : new byte[0];
    }

    /** {@code parts}: the preamble (maybe empty), then each child, as {@link #writtenParts} gives them. */
    private static void writeParts(MimeNode node, String boundary, List<byte[]> parts, ByteArrayOutputStream out)
            throws IOException {
        if (parts.get(0).length > 0) {
            out.write(parts.get(0));
            out.write(CRLF);
        }
        for (int i = 1; i < parts.size(); i++) {
            writeLine(out, "--" + boundary);
            out.write(parts.get(i));
            out.write(CRLF);
        }
        writeLine(out, "--" + boundary + "--");
    }

    /** What a leaf or multipart writes: its body octets and the MIME fields that change. */
    private record Body(byte[] bytes, String contentType, String transferEncoding, String boundary) {
    }

    /**
     * The multipart's own boundary when it is valid and no line of the written parts starts with it; else a fresh
     * one. RFC 2046 §5.1.1: the boundary must not appear in the encapsulated parts. Making line ends CRLF can
     * create such a line from text mime4j read as content ("\r--boundary": a bare CR ends no line for it), and
     * some readers take a line that only starts with the boundary for a delimiter: either would show a client
     * other parts than were checked.
     */
    private static Body multipartBody(MimeNode node, List<byte[]> parts) {
        // RFC 2045 §6.4: 8bit when a part holds 8-bit octets (an attached message kept whole), else 7bit (none)
        String encoding = parts.stream().allMatch(TextDecoding::isAscii) ? null : "8bit";
        String boundary = node.boundary;
        if (boundary != null && BOUNDARY.matcher(boundary).matches() && !startsALine(parts, boundary)) {
            return new Body(null, null, encoding, boundary);
        }
        String fresh = MimeUtil.createUniqueBoundary();
        for (int i = 0; i < MAX_FRESH_BOUNDARIES && startsALine(parts, fresh); i++) {
            fresh = MimeUtil.createUniqueBoundary();
        }
        if (startsALine(parts, fresh)) {
            throw new IllegalStateException("no boundary found that the parts do not contain");
        }
        return new Body(null, contentType(node, "boundary", fresh), encoding, fresh);
    }

    /** Whether a line (after CR or LF, or at the start) of one of {@code parts} starts with "--" boundary. */
    static boolean startsALine(List<byte[]> parts, String boundary) {
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
        for (byte[] part : parts) {
            for (int i = 0; i + delimiter.length <= part.length; i++) {
                boolean lineStart = i == 0 || part[i - 1] == '\n' || part[i - 1] == '\r';
                if (lineStart && part[i] == '-' && Arrays.equals(part, i, i + delimiter.length, delimiter, 0,
                        delimiter.length)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** An attached message is kept whole (RFC 2046 §5.2.1: 7bit, 8bit or binary only); line ends made CRLF. */
    private static Body messageBody(MimeNode node) {
        byte[] bytes = crlf(node.rawBody);
        return new Body(bytes, null, TextDecoding.isAscii(bytes) ? null : "8bit", null);
    }

    private Body textBody(MimeNode node) {
        byte[] content = TextDecoding.transferDecoded(node);
        String label = TextDecoding.declaredCharset(node);
        Optional<Charset> declared = CharsetLabels.lookup(label);
        String contentType = null;
        Charset charset = declared.orElse(StandardCharsets.US_ASCII);
        boolean usable = TextDecoding.isAscii(content)
                || declared.isPresent() && TextDecoding.decodeStrictly(content, declared.get()).isPresent();
        if (!usable) {
            String text = decodeUnlabelled(content);
            content = text.getBytes(StandardCharsets.UTF_8);
            charset = StandardCharsets.UTF_8;
            contentType = contentType(node, "charset", "utf-8");
        }
        boolean asciiCompatible = CharsetLabels.isAsciiCompatible(charset);
        if (asciiCompatible) {
            content = crlf(content); // RFC 2046 §4.1.1: text line breaks are CRLF
        }
        if (asciiCompatible && clean7bit(content)) {
            return new Body(content, contentType, null, null);
        }
        return asciiCompatible && quotedPrintableLength(content) <= base64Length(content.length)
                ? new Body(quotedPrintable(content), contentType, "quoted-printable", null)
                : new Body(base64(content), contentType, "base64", null);
    }

    private static Body binaryBody(MimeNode node) {
        byte[] raw = node.rawBody;
        String encoding = node.transferEncoding;
        boolean keep = TextDecoding.isAscii(raw) && !LineScan.of(raw).lineTooLong()
                && (encoding.equals("base64") || !LineScan.of(raw).nonCanonicalEndings()
                && (encoding.equals("7bit") || encoding.equals("quoted-printable")));
        if (keep) {
            return new Body(crlf(raw), null, encoding.equals("7bit") ? null : encoding, null);
        }
        return new Body(base64(TextDecoding.transferDecoded(node)), null, "base64", null);
    }

    /** 8-bit text without a usable charset: UTF-8 if it is, else the guess if it decodes, else lossy UTF-8. */
    private String decodeUnlabelled(byte[] content) {
        Optional<String> utf8 = TextDecoding.decodeStrictly(content, StandardCharsets.UTF_8);
        if (utf8.isPresent()) {
            return utf8.get();
        }
        Optional<String> guessed = settings.guesser().guess(content)
                .flatMap(charset -> TextDecoding.decodeStrictly(content, charset));
        return guessed.orElseGet(() -> TextDecoding.lossyUtf8(content));
    }

    /**
     * The entity's Content-Type with one parameter set (others kept, non-ASCII values encoded). The others are
     * mime4j's parsed values, which can hold what the raw field did not: a bare CR kept from a quoted-pair
     * ({@code name="a\<CR>From: ..."}), and, in later mime4j versions, the decoded text of an encoded-word
     * ({@code "=?utf-8?B?...?="}, CRLF included). Written back, either started a header field no check or DMARC
     * saw (review s23): control characters become spaces, and a parameter whose name is not an RFC 2045 §5.1
     * token is left out.
     */
    private static String contentType(MimeNode node, String parameter, String value) {
        ContentTypeField field = TextDecoding.contentType(node);
        Map<String, String> params = new LinkedHashMap<>();
        if (field != null) {
            field.getParameters().forEach((name, v) -> {
                if (TOKEN.matcher(name).matches() && v != null) {
                    params.put(name, CONTROL.matcher(v).replaceAll(" "));
                }
            });
        }
        params.put(parameter, value);
        StringBuilder out = new StringBuilder(node.mimeType);
        for (Map.Entry<String, String> p : params.entrySet()) {
            out.append("; ");
            out.append(HeaderText.isAscii(p.getValue()) ? EncoderUtil.encodeHeaderParameter(p.getKey(), p.getValue())
                    : p.getKey() + "=\"" + EncoderUtil.encodeEncodedWord(p.getValue(), EncoderUtil.Usage.WORD_ENTITY) + "\"");
        }
        return out.toString();
    }

    private void writeField(ByteArrayOutputStream out, String name, Field field) throws IOException {
        byte[] value = valueBytes(field);
        if (TextDecoding.isAscii(value)) {
            byte[] line = concat((name + ":").getBytes(StandardCharsets.US_ASCII), bareCrAsSpace(value));
            if (!LineScan.of(line).lineTooLong()) {
                out.write(crlf(line));
                out.write(CRLF);
                return;
            }
            writeLine(out, HeaderText.fold(name, unfold(new String(value, StandardCharsets.US_ASCII))));
            return;
        }
        String text = FieldSyntax.utf8Value(value, 0, value.length);
        if (text == null && fieldCharset != null) {
            text = TextDecoding.decodeStrictly(value, fieldCharset).filter(t -> keepsAscii(value, t)).orElse(null);
        }
        if (text == null) {
            text = TextDecoding.lossyUtf8(value);
        }
        writeLine(out, HeaderText.fold(name, HeaderText.encode(name, unfold(text))));
    }

    /**
     * Whether {@code text}, decoded from {@code raw}, has the ASCII characters of {@code raw}, in order, and no
     * others: every 8-bit octet decoded to non-ASCII characters, every ASCII octet to itself. A field's structure
     * (quotes, comments, angle brackets, {@code @}, commas) is in its ASCII octets, which DMARC and every reader of
     * the message as received see; a guessed charset that changes them (UTF-16, in which NUL-interleaved octets
     * are ASCII text and ASCII pairs are CJK; a multi-byte charset whose trail octet is {@code \} or {@code @})
     * would write another address than was read (review s23). Lossy UTF-8 keeps them.
     */
    static boolean keepsAscii(byte[] raw, String text) {
        int j = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                while (j < raw.length && raw[j] < 0) {
                    j++;
                }
                if (j >= raw.length || raw[j] != c) {
                    return false;
                }
                j++;
            }
        }
        for (; j < raw.length; j++) {
            if (raw[j] >= 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * A field's octets with every bare CR (one not before LF) made a space. mime4j ends header lines at LF only, so
     * a bare CR is inside the field it read; written as a line end it would start a field of its own (a second
     * From: from "X-Note: a\rFrom: b"), which a client would show but no check saw.
     */
    static byte[] bareCrAsSpace(byte[] value) {
        byte[] out = value;
        for (int i = 0; i < value.length; i++) {
            if (value[i] == '\r' && (i + 1 >= value.length || value[i + 1] != '\n')) {
                if (out == value) {
                    out = value.clone();
                }
                out[i] = ' ';
            }
        }
        return out;
    }

    /** The field name without white space before the colon; null when it is not RFC 5322 §3.6.8 ftext. */
    static String repairedName(Field field) {
        String name = field.getName();
        if (name == null) {
            return null;
        }
        name = name.strip();
        if (name.isEmpty()) {
            return null;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 33 || c > 126 || c == ':') {
                return null;
            }
        }
        return name;
    }

    /** The octets after the colon, folding included. */
    static byte[] valueBytes(Field field) {
        ByteSequence raw = field.getRaw();
        if (raw == null) {
            return field.getBody().getBytes(StandardCharsets.UTF_8);
        }
        byte[] bytes = raw.toByteArray();
        int colon = 0;
        while (colon < bytes.length && bytes[colon] != ':') {
            colon++;
        }
        return colon >= bytes.length ? new byte[0] : Arrays.copyOfRange(bytes, colon + 1, bytes.length);
    }

    private static String unfold(String value) {
        return value.replace("\r", "").replace("\n", "").strip();
    }

    private static void writeLine(OutputStream out, String line) throws IOException {
        out.write(line.getBytes(StandardCharsets.UTF_8));
        out.write(CRLF);
    }

    private static boolean clean7bit(byte[] bytes) {
        LineScan scan = LineScan.of(bytes);
        return !scan.eightBit() && !scan.lineTooLong() && !scan.nonCanonicalEndings();
    }

    /** Every bare LF or bare CR made CRLF. */
    static byte[] crlf(byte[] in) {
        ByteArrayOutputStream out = null;
        for (int i = 0; i < in.length; i++) {
            byte b = in[i];
            boolean bareLf = b == '\n' && (i == 0 || in[i - 1] != '\r');
            boolean bareCr = b == '\r' && (i + 1 >= in.length || in[i + 1] != '\n');
            if ((bareLf || bareCr) && out == null) {
                out = new ByteArrayOutputStream(in.length + 64);
                out.write(in, 0, i);
            }
            if (out != null) {
                if (bareLf || bareCr) {
                    out.write('\r');
                    out.write('\n');
                } else {
                    out.write(b);
                }
            }
        }
        return out == null ? in : out.toByteArray();
    }

    /** Base64 of {@code n} octets in lines of 76 (RFC 2045 §6.8), line breaks included. */
    static long base64Length(int n) {
        long chars = (n + 2L) / 3 * 4;
        return chars + Math.max(0, (chars - 1) / 76) * 2;
    }

    /**
     * About the length of {@code content} in quoted-printable (RFC 2045 §6.7): 3 for each octet that must be
     * encoded, 1 for the others, and a soft line break per 73 characters; enough to choose between it and base64
     * without writing both.
     */
    static long quotedPrintableLength(byte[] content) {
        long chars = 0;
        for (byte b : content) {
            int c = b & 0xff;
            chars += c >= 0x7f || c == '=' || c < 0x20 && c != '\r' && c != '\n' && c != '\t' ? 3 : 1;
        }
        return chars + chars / 73 * 3;
    }

    private static byte[] quotedPrintable(byte[] content) {
        return encode(content, true);
    }

    private static byte[] base64(byte[] content) {
        return encode(content, false);
    }

    private static byte[] encode(byte[] content, boolean qp) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length * 4 / 3 + 16);
        try (OutputStream enc = qp ? new QuotedPrintableOutputStream(out, false) : new Base64OutputStream(out)) {
            enc.write(content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] bytes = out.toByteArray();
        if (qp) {
            return bytes; // a final hard line break is content
        }
        int n = bytes.length;
        while (n > 0 && (bytes[n - 1] == '\n' || bytes[n - 1] == '\r')) {
            n--;
        }
        return Arrays.copyOf(bytes, n);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
