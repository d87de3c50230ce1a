package dev.authpack.report;

import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.stream.BodyDescriptor;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.apache.james.mime4j.stream.RecursionMode;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The MIME structure of a message, read once with mime4j's token stream within {@link ReportLimits}: the top-level
 * header fields and every leaf part's type and decoded text. {@code message/rfc822} parts are not descended into
 * (their text is the raw returned message, of which only the headers are used). Never throws: a parse error ends
 * the scan and is kept in {@link #problem()}.
 */
record MimeScan(Headers headers, String topType, List<Part> parts, String problem) {

    /**
     * A leaf part: its media type (lower case), nesting depth and decoded text (at most maxTextChars); for a part
     * that may hold a DMARC aggregate report (RFC 7489 §7.2.1.1: XML, gzip or zip, by media type or file name),
     * also its file name and its content, transfer-decoded, at most maxOctets ({@code null} for other parts).
     */
    record Part(String mimeType, int depth, String text, String fileName, byte[] content) {
        Part(String mimeType, int depth, String text) {
            this(mimeType, depth, text, null, null);
        }
    }

    /** Media types an aggregate report is sent as (RFC 7489 §7.2.1.1 and what reporters use). */
    private static final java.util.Set<String> ARCHIVE_TYPES = java.util.Set.of("application/gzip",
            "application/x-gzip", "application/zip", "application/x-zip-compressed", "application/x-zip",
            "text/xml", "application/xml");
    /** A Content-Type name= or Content-Disposition filename= parameter (RFC 2045 §5.1, RFC 2183 §2.3). */
    private static final java.util.regex.Pattern FILE_NAME = java.util.regex.Pattern.compile(
            "(?i)(?:^|;)\\s*(?:file)?name\\s*=\\s*(\"[^\"]*\"|[^;\\s]+)");

    static MimeScan of(byte[] message, ReportLimits limits) {
        return of(message, limits, Deadline.NONE);
    }

    /**
     * The scan of {@code message} as a mail client reads it (RFC 2046 §5.1.1: a boundary delimiter starts a line).
     * mime4j 0.8.9 also takes "--" and the boundary inside a line for a delimiter where its buffer is refilled (a
     * text of 4,063 octets: a part no client shows, such as a forged message/delivery-status; the same bug as in
     * {@code conformance.MimeTree}): each such occurrence of a boundary the scan met is made text (its second '-'
     * becomes '~' in the copy read) and the message scanned again, until none is left, at most
     * {@value #MAX_PASSES} scans; more, or more than {@value #MAX_BOUNDARIES} boundaries, is a {@link #problem()}
     * and no part (the parts read may not be what a client shows).
     * Linear: one Knuth-Morris-Pratt pass per boundary and scan.
     */
    static MimeScan of(byte[] message, ReportLimits limits, Deadline deadline) {
        byte[] bytes = normaliseBareCr(message, limits.maxOctets());
        for (int pass = 1; ; pass++) {
            Set<String> boundaries = new LinkedHashSet<>();
            MimeScan scan = scan(bytes, limits, deadline, boundaries);
            if (boundaries.size() > MAX_BOUNDARIES) {
                return scan.failed("more than " + MAX_BOUNDARIES + " multipart boundaries");
            }
            boolean changed = false;
            for (String boundary : boundaries) {
                deadline.check();
                changed |= neutraliseInsideLines(bytes, ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1));
            }
            if (!changed) {
                return scan;
            }
            if (pass == MAX_PASSES) {
                return scan.failed("boundary delimiters inside lines after " + MAX_PASSES + " scans");
            }
        }
    }

    /** Scans of one message: a mid-line delimiter made text may reveal a multipart a mis-split had hidden. */
    static final int MAX_PASSES = 4;
    /** Distinct multipart boundaries looked for inside lines (a report has one or two). */
    static final int MAX_BOUNDARIES = 32;
    /** What the second '-' of a delimiter inside a line becomes: not a boundary character (RFC 2046 §5.1.1). */
    private static final byte NEUTRAL = '~';

    /** This scan without its parts, which may not be what a client shows (fail closed), and why. */
    private MimeScan failed(String reason) {
        return new MimeScan(headers, topType, List.of(), problem == null ? reason : problem + "; " + reason);
    }

    /**
     * Makes each occurrence of {@code pattern} inside a line of {@code text}
     * ({@link dev.authpack.mail.OctetSearch#eachInsideALine}, the definition {@code conformance.MimeTree} uses too)
     * text, by changing its second octet ('-') to '~'. Knuth-Morris-Pratt, linear. Whether anything was changed.
     * The rest of a close delimiter's line ("--b--b") is left as it is: "-~" there would break the close marker, and
     * mime4j would read the line as text and the epilogue as the part's text.
     */
    static boolean neutraliseInsideLines(byte[] text, byte[] pattern) {
        if (pattern.length < 3) {
            return false;
        }
        // an octet is changed only once the search has passed it: the search goes on over the text as it was
        boolean[] changed = {false};
        int[] lastChanged = {Integer.MIN_VALUE};
        dev.authpack.mail.OctetSearch.eachInsideALine(text, pattern, start -> {
            // (an occurrence right after a changed one has lost its first '-' already)
            if (lastChanged[0] != start - 1) {
                text[start + 1] = NEUTRAL;
                lastChanged[0] = start;
                changed[0] = true;
            }
            return true;
        });
        return changed[0];
    }

    private static MimeScan scan(byte[] bytes, ReportLimits limits, Deadline deadline, Set<String> boundaries) {
        MimeConfig config = MimeConfig.custom()
                .setStrictParsing(false)
                .setMaxLineLen(-1)
                .setMaxHeaderLen(64 * 1024)
                .setMaxHeaderCount(limits.maxHeaderFields())
                .setMaxContentLen(-1)
                .build();
        MimeTokenStream stream = new MimeTokenStream(config);
        stream.setRecursionMode(RecursionMode.M_NO_RECURSE);
        List<Headers.Field> top = new ArrayList<>();
        List<Part> parts = new ArrayList<>();
        String topType = "text/plain";
        String problem = null;
        int depth = 0;
        int bodyParts = 0;
        int topSeen = 0;
        String preamble = null;
        String fileName = null;
        boolean inTopHeader = true;
        try {
            stream.parse(new ByteArrayInputStream(bytes));
            for (EntityState state = stream.getState(); state != EntityState.T_END_OF_STREAM; state = stream.next()) {
                deadline.check();
                switch (state) {
                    case T_START_HEADER -> fileName = null;
                    case T_FIELD -> {
                        if (inTopHeader) {
                            top.add(new Headers.Field(stream.getField().getName(), stream.getField().getBody()));
                        }
                        fileName = fileName(stream.getField().getName(), stream.getField().getBody(), fileName);
                    }
                    case T_END_HEADER -> inTopHeader = false;
                    case T_START_MULTIPART -> {
                        if (stream.getBodyDescriptor().getBoundary() != null) {
                            boundaries.add(stream.getBodyDescriptor().getBoundary());
                        }
                        if (topSeen++ == 0) {
                            topType = stream.getBodyDescriptor().getMimeType();
                        }
                        depth++;
                        if (depth > limits.maxDepth()) {
                            problem = "nesting deeper than " + limits.maxDepth();
                            return new MimeScan(new Headers(top), topType, parts, problem);
                        }
                    }
                    case T_END_MULTIPART -> depth--;
                    case T_PREAMBLE -> {
                        if (depth == 1 && preamble == null) {
                            preamble = text(stream, limits.maxTextChars());
                        }
                    }
                    case T_START_BODYPART -> {
                        if (++bodyParts > limits.maxParts()) {
                            problem = "more than " + limits.maxParts() + " parts";
                            return new MimeScan(new Headers(top), topType, parts, problem);
                        }
                    }
                    case T_BODY -> {
                        if (topSeen++ == 0) {
                            topType = stream.getBodyDescriptor().getMimeType();
                        }
                        String type = mediaType(stream.getBodyDescriptor().getMimeType());
                        if (mayBeAggregate(type, fileName)) {
                            byte[] content = stream.getDecodedInputStream().readNBytes(limits.maxOctets());
                            String text = type.startsWith("text/")
                                    ? new String(content, 0, Math.min(content.length, limits.maxTextChars()),
                                    charset(stream.getBodyDescriptor().getCharset(), content)) : "";
                            parts.add(new Part(type, depth, text, fileName, content));
                        } else {
                            parts.add(new Part(type, depth, text(stream, limits.maxTextChars())));
                        }
                    }
                    default -> {
                    }
                }
            }
        } catch (Deadline.Exceeded e) {
            throw e;
        } catch (IOException | MimeException | RuntimeException e) {
            problem = "MIME parse error: " + e;
        }
        if (parts.isEmpty() && preamble != null) {
            // a multipart without a single boundary line: all of it is preamble; read it as text
            parts.add(new Part("text/plain", 1, preamble));
        }
        return new MimeScan(new Headers(top), topType, parts, problem);
    }

    /**
     * The top-level header section alone (RFC 5322 §2.1: up to the first empty line), read without the MIME
     * parser and without touching the body: what {@link ReportParser} decides ordinary mail from.
     */
    static Headers topHeaders(byte[] message, int maxOctets) {
        int length = Math.min(message.length, maxOctets);
        int end = length;
        for (int i = 0; i + 1 < length; i++) {
            byte b = message[i];
            if (b == '\n' && (message[i + 1] == '\n' || message[i + 1] == '\r' && i + 2 < length
                    && message[i + 2] == '\n')) {
                end = i;
                break;
            }
            if (b == '\r' && message[i + 1] == '\r') {
                end = i;
                break;
            }
        }
        String text = new String(message, 0, end, StandardCharsets.ISO_8859_1);
        if (text.indexOf('\r') >= 0) {
            text = text.replace("\r\n", "\n").replace('\r', '\n');
        }
        List<Headers> groups = Headers.groups(text, 1);
        return groups.isEmpty() ? new Headers(List.of()) : groups.get(0);
    }

    /** The part's file name from its Content-Disposition (preferred) or Content-Type field, unquoted. */
    private static String fileName(String field, String body, String known) {
        boolean disposition = field.equalsIgnoreCase("Content-Disposition");
        if (!disposition && !field.equalsIgnoreCase("Content-Type") || known != null && !disposition) {
            return known;
        }
        java.util.regex.Matcher m = FILE_NAME.matcher(body.replaceAll("\\s+", " "));
        if (!m.find()) {
            return known;
        }
        String name = m.group(1).strip();
        return name.startsWith("\"") ? name.substring(1, name.length() - 1) : name;
    }

    /**
     * Whether a part may hold an aggregate report: an XML, gzip or zip media type, or a generic one
     * (application/octet-stream, ...) whose file name ends in .xml, .gz or .zip.
     */
    static boolean mayBeAggregate(String mediaType, String fileName) {
        if (ARCHIVE_TYPES.contains(mediaType)) {
            return true;
        }
        if (fileName == null || !mediaType.startsWith("application/")) {
            return false;
        }
        String name = fileName.toLowerCase(java.util.Locale.ROOT);
        return name.endsWith(".xml") || name.endsWith(".gz") || name.endsWith(".zip");
    }

    /** A media type without what a broken header left in it ("text/plain charset=..." without the ';'). */
    private static String mediaType(String mimeType) {
        String[] words = mimeType.strip().split("[\\s;]+", 2);
        return words[0].toLowerCase(java.util.Locale.ROOT);
    }

    /** Old Mac files end lines with a bare CR only; MIME needs line ends, so those become LF. Also truncates. */
    private static byte[] normaliseBareCr(byte[] message, int maxOctets) {
        int length = Math.min(message.length, maxOctets);
        boolean bareCr = false;
        for (int i = 0; i < length; i++) {
            if (message[i] == '\n') {
                bareCr = false;
                break;
            }
            if (message[i] == '\r') {
                bareCr = i + 1 >= length || message[i + 1] != '\n';
                if (!bareCr) {
                    break;
                }
            }
        }
        byte[] out = java.util.Arrays.copyOf(message, length);
        if (bareCr) {
            for (int i = 0; i < length; i++) {
                if (out[i] == '\r') {
                    out[i] = '\n';
                }
            }
        }
        return out;
    }

    private static String text(MimeTokenStream stream, int maxChars) throws IOException {
        BodyDescriptor descriptor = stream.getBodyDescriptor();
        boolean raw = stream.getState() == EntityState.T_PREAMBLE || descriptor.getMimeType().equals("message/rfc822");
        InputStream in = raw ? stream.getInputStream() : stream.getDecodedInputStream();
        // UTF-8 and ASCII: bytes of up to 4 per char; read a bounded number of bytes
        byte[] bytes = in.readNBytes(maxChars * 2);
        return new String(bytes, charset(descriptor.getCharset(), bytes)).replace("\r\n", "\n");
    }

    /**
     * The charset to decode a part with. Japanese bounces often carry ISO-2022-JP (RFC 1468) text without a charset
     * or labelled us-ascii: its escape sequences (ESC $ B, ESC $ @, ESC ( J, ESC ( B) identify it. Otherwise the
     * declared charset; without one, UTF-8 if the bytes are valid UTF-8, else windows-1252 (never fails).
     */
    static Charset charset(String declared, byte[] bytes) {
        boolean asciiOrNone = declared == null || declared.equalsIgnoreCase("us-ascii")
                || declared.equalsIgnoreCase("ascii");
        if (asciiOrNone && hasIso2022JpEscape(bytes)) {
            return ISO_2022_JP;
        }
        if (declared != null && !asciiOrNone) {
            Optional<Charset> known = lookup(declared);
            if (known.isPresent()) {
                return known.get();
            }
            // unknown or illegal name: decide from the bytes
        }
        return isUtf8(bytes) ? StandardCharsets.UTF_8 : WINDOWS_1252;
    }

    private static final Charset ISO_2022_JP = Charset.forName("ISO-2022-JP");
    private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");
    /** At most this many declared charset names are remembered (the names come from the sender). */
    static final int MAX_CACHED_CHARSET_NAMES = 256;
    private static final Map<String, Optional<Charset>> CHARSETS = new ConcurrentHashMap<>();

    /**
     * {@link Charset#forName} with its answer remembered: a name the JDK does not know makes it instantiate every
     * installed charset provider again on each call, which cost more than the MIME parse of the whole report.
     */
    static Optional<Charset> lookup(String name) {
        Optional<Charset> cached = CHARSETS.get(name);
        if (cached != null) {
            return cached;
        }
        Optional<Charset> found;
        try {
            found = Optional.of(Charset.forName(name));
        } catch (RuntimeException e) {
            found = Optional.empty();
        }
        if (CHARSETS.size() < MAX_CACHED_CHARSET_NAMES) {
            CHARSETS.put(name, found);
        }
        return found;
    }

    /** How many charset names are remembered now (for the test of the bound). */
    static int cachedCharsetNames() {
        return CHARSETS.size();
    }

    private static boolean hasIso2022JpEscape(byte[] bytes) {
        for (int i = 0; i + 2 < bytes.length; i++) {
            if (bytes[i] == 0x1B && (bytes[i + 1] == '$' && (bytes[i + 2] == 'B' || bytes[i + 2] == '@')
                    || bytes[i + 1] == '(' && bytes[i + 2] == 'J')) {
                return true;
            }
        }
        return false;
    }

    /** Well-formed UTF-8 (RFC 3629 §4), allowing a sequence cut short by the read bound at the very end. */
    private static boolean isUtf8(byte[] bytes) {
        int i = 0;
        while (i < bytes.length) {
            int b = bytes[i] & 0xFF;
            int continuation = b < 0x80 ? 0 : b >= 0xC2 && b <= 0xDF ? 1 : b >= 0xE0 && b <= 0xEF ? 2
                    : b >= 0xF0 && b <= 0xF4 ? 3 : -1;
            if (continuation < 0) {
                return false;
            }
            for (int k = 1; k <= continuation; k++) {
                if (i + k >= bytes.length) {
                    return true;
                }
                if ((bytes[i + k] & 0xC0) != 0x80) {
                    return false;
                }
            }
            i += continuation + 1;
        }
        return true;
    }
}
