package dev.authpack.conformance;

import dev.authpack.mail.OctetSearch;

import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.io.MaxHeaderLengthLimitException;
import org.apache.james.mime4j.io.MaxHeaderLimitException;
import org.apache.james.mime4j.stream.BodyDescriptor;
import org.apache.james.mime4j.stream.DefaultFieldBuilder;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.FieldBuilder;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.apache.james.mime4j.stream.RawField;
import org.apache.james.mime4j.stream.RecursionMode;
import org.apache.james.mime4j.util.ByteArrayBuffer;
import org.apache.james.mime4j.util.RecycledByteArrayBuffer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/**
 * A message parsed into its MIME tree with mime4j's token stream, within {@link ConformanceLimits}. Attached
 * messages ({@code message/rfc822}) are leaves, as in KumoMTA: their own header is not walked.
 *
 * @param root               the message
 * @param complete           false when a limit or an unreadable structure stopped the walk, or the walk may not be
 *                           what a client reads ({@link #delimiterInsideALine})
 * @param invalidHeaderLines a header line that is not {@code name: value} was seen (mime4j drops it)
 * @param walked             true when every entity was walked: no limit and no parse error stopped the walk (a tree
 *                           that is only ambiguous was walked whole); when false, an issue the walk finds
 *                           ({@link ConformancePolicy#WALK_ISSUES}) may lie past where it stopped
 * @param stop               what stopped the walk (the bound with its value, or the parse error), for the log and
 *                           the outcome; empty when {@code walked}
 */
record MimeTree(MimeNode root, boolean complete, boolean invalidHeaderLines, boolean walked, String stop) {
    /** A tree walked whole exactly when it is complete. */
    MimeTree(MimeNode root, boolean complete, boolean invalidHeaderLines) {
        this(root, complete, invalidHeaderLines, complete, complete ? "" : "a bound or a parse error");
    }

    /** A walk a bound or a parse error stopped. */
    private static MimeTree stopped(MimeNode root, boolean invalidHeaderLines, String stop) {
        return new MimeTree(root, false, invalidHeaderLines, false, stop);
    }

    /** Distinct multipart boundaries whose occurrences are verified ({@link #delimiterInsideALine}); more: unread. */
    static final int MAX_BOUNDARIES_VERIFIED = 32;
    /** Longest boundary verified: RFC 2046 §5.1.1 allows 70 characters. */
    static final int MAX_BOUNDARY_VERIFIED = 200;

    static MimeTree parse(byte[] message, ConformanceLimits limits) {
        MimeConfig config = MimeConfig.custom()
                .setMaxLineLen(-1)
                .setMaxContentLen(-1)
                .setMaxHeaderCount(limits.maxHeaderFields())
                .setMaxHeaderLen(limits.maxHeaderBytes())
                .setStrictParsing(false)
                .setMalformedHeaderStartsBody(false)
                .build();
        InvalidLineMonitor monitor = new InvalidLineMonitor();
        MimeTokenStream stream = new MimeTokenStream(config, monitor,
                new EmptyHeaderFieldBuilder(limits.maxHeaderBytes()), null);
        stream.setRecursionMode(RecursionMode.M_NO_RECURSE);
        MimeNode root = new MimeNode(0);
        Deque<MimeNode> open = new ArrayDeque<>();
        int parts = 0;
        int headerBytes = 0;
        try {
            stream.parse(new ByteArrayInputStream(message));
            for (EntityState state = stream.getState(); state != EntityState.T_END_OF_STREAM;
                 state = stream.next()) {
                switch (state) {
                    case T_START_MESSAGE, T_START_BODYPART -> {
                        if (++parts > limits.maxParts()) {
                            return stopped(root, monitor.invalidLines, "more than " + limits.maxParts()
                                    + " MIME entities");
                        }
                        MimeNode node = open.isEmpty() ? root : new MimeNode(open.peek().depth + 1);
                        if (!open.isEmpty()) {
                            open.peek().children.add(node);
                        }
                        open.push(node);
                        headerBytes = 0;
                    }
                    case T_FIELD -> {
                        Field field = stream.getField();
                        headerBytes += field.getRaw().length();
                        if (headerBytes > limits.maxHeaderBytes()) {
                            return stopped(root, monitor.invalidLines, headerOver(limits));
                        }
                        open.peek().fields.add(field);
                    }
                    case T_START_MULTIPART -> {
                        MimeNode node = open.peek();
                        if (node.depth >= limits.maxDepth()) {
                            return stopped(root, monitor.invalidLines, "multipart nesting deeper than "
                                    + limits.maxDepth());
                        }
                        describe(node, stream.getBodyDescriptor());
                        node.multipart = true;
                    }
                    case T_PREAMBLE -> open.peek().preamble = readAll(stream.getInputStream());
                    case T_EPILOGUE -> open.peek().epilogue = readAll(stream.getInputStream());
                    case T_BODY -> {
                        MimeNode node = open.peek();
                        describe(node, stream.getBodyDescriptor());
                        node.rawBody = readAll(stream.getInputStream());
                    }
                    case T_END_MESSAGE, T_END_BODYPART -> open.pop();
                    default -> {
                    }
                }
            }
        } catch (MimeException | IOException | RuntimeException e) {
            // mime4j's MaxHeaderLimitException (more than maxHeaderFields) among them
            return stopped(root, monitor.invalidLines, e instanceof MaxHeaderLimitException
                    || e instanceof MaxHeaderLengthLimitException ? headerOver(limits)
                    : "a parse error (" + e.getClass().getSimpleName() + ")");
        }
        // a tree that is only ambiguous was walked whole
        return new MimeTree(root, !delimiterInsideALine(message, root), monitor.invalidLines, true, "");
    }

    private static String headerOver(ConformanceLimits limits) {
        return "more than " + limits.maxHeaderFields() + " header fields, or " + limits.maxHeaderBytes()
                + " octets of header, in one entity";
    }

    /**
     * Whether "--" and the boundary of one of the tree's multiparts occurs inside a line of the message
     * ({@link OctetSearch#insideALine}, the definition {@code report.MimeScan} uses too; before, an occurrence in
     * the close delimiter of boundary "-" counted, and one after a close delimiter on its line, "--b--b"), or there are more than {@link #MAX_BOUNDARIES_VERIFIED}
     * boundaries to look for (or one longer than {@link #MAX_BOUNDARY_VERIFIED}). mime4j 0.8.9 takes such an occurrence for a delimiter when it
     * falls where its 8 KiB buffer is refilled (a text of 4,083 octets and "--b" in the line: two parts), and can
     * then drop the rest of the part unread; an RFC 2046 §5.1.1 reader sees text, as every reader does when the
     * line start is in the same buffer. The tree read is not what a client shows, so it must not be rebuilt.
     * Linear: one Knuth-Morris-Pratt pass over the message per distinct boundary.
     */
    static boolean delimiterInsideALine(byte[] message, MimeNode root) {
        Set<String> boundaries = new HashSet<>();
        Deque<MimeNode> todo = new ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            MimeNode node = todo.pop();
            if (node.multipart && node.boundary != null) {
                boundaries.add(node.boundary);
            }
            node.children.forEach(todo::push);
        }
        if (boundaries.size() > MAX_BOUNDARIES_VERIFIED) {
            return true;
        }
        for (String boundary : boundaries) {
            if (boundary.length() > MAX_BOUNDARY_VERIFIED
                    || OctetSearch.insideALine(message, ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1))) {
                return true;
            }
        }
        return false;
    }

    private static void describe(MimeNode node, BodyDescriptor descriptor) {
        if (descriptor.getMimeType() != null) {
            node.mimeType = MimeNode.lower(descriptor.getMimeType());
        }
        if (descriptor.getTransferEncoding() != null) {
            node.transferEncoding = MimeNode.lower(descriptor.getTransferEncoding());
        }
        node.boundary = descriptor.getBoundary();
        if (descriptor.getCharset() != null) {
            node.charset = descriptor.getCharset();
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        return in.readAllBytes();
    }

    /**
     * RFC 2046 §5.1: a body part may have no header fields (it is then text/plain; charset=us-ascii), and a message
     * may have an empty header: the entity then starts with the blank line that ends its header. mime4j still builds
     * a field from that empty header and warns "Invalid header encountered" when it does not parse, which
     * {@link InvalidLineMonitor} would take for a line without a colon (review s20: a false MISSING_COLON_VALUE that
     * rejects legitimate mail). An empty field is no field: null, which mime4j reads as "nothing, go on" (and the
     * header has ended). Any other text, a line without a colon or a continuation line with nothing before it,
     * still goes to mime4j's parse and is reported.
     */
    private static final class EmptyHeaderFieldBuilder implements FieldBuilder {
        private final DefaultFieldBuilder delegate;

        EmptyHeaderFieldBuilder(int maxHeaderBytes) {
            this.delegate = new DefaultFieldBuilder(maxHeaderBytes);
        }

        @Override
        public void reset() {
            delegate.reset();
        }

        @Override
        public void append(ByteArrayBuffer line) throws MimeException {
            delegate.append(line);
        }

        @Override
        public RawField build() throws MimeException {
            return empty(delegate.getRaw()) ? null : delegate.build();
        }

        @Override
        public RecycledByteArrayBuffer getRaw() {
            return delegate.getRaw();
        }

        @Override
        public void release() {
            delegate.release();
        }

        /**
         * Nothing but one line end (mime4j keeps the blank line's CRLF out of the field; tolerated if kept). A line
         * of CR CR LF is no empty line (review s23: any run of CRs and LFs counted, and that line was dropped
         * unreported): readers ending lines at a lone CR end the header section there, mime4j reads on, so it is a
         * line without a colon, MISSING_COLON_VALUE.
         */
        private static boolean empty(RecycledByteArrayBuffer raw) {
            if (raw == null || raw.length() == 0) {
                return true;
            }
            int n = raw.length();
            return raw.byteAt(n - 1) == '\n' && (n == 1 || n == 2 && raw.byteAt(0) == '\r');
        }
    }

    /** Records mime4j's "Invalid header encountered" (a header line without a colon), which it then skips. */
    private static final class InvalidLineMonitor extends DecodeMonitor {
        boolean invalidLines;

        @Override
        public boolean warn(String error, String dropDesc) {
            if (error != null && error.startsWith("Invalid header")) {
                invalidLines = true;
            }
            return false;
        }

        @Override
        public boolean isListening() {
            return true;
        }
    }
}
