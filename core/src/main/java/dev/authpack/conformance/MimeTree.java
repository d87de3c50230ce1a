package dev.authpack.conformance;

import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.stream.BodyDescriptor;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.apache.james.mime4j.stream.RecursionMode;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A message parsed into its MIME tree with mime4j's token stream, within {@link ConformanceLimits}. Attached
 * messages ({@code message/rfc822}) are leaves, as in KumoMTA: their own header is not walked.
 *
 * @param root               the message
 * @param complete           false when a limit or an unreadable structure stopped the walk
 * @param invalidHeaderLines a header line that is not {@code name: value} was seen (mime4j drops it)
 */
record MimeTree(MimeNode root, boolean complete, boolean invalidHeaderLines) {

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
        MimeTokenStream stream = new MimeTokenStream(config, monitor, null);
        stream.setRecursionMode(RecursionMode.M_NO_RECURSE);
        MimeNode root = new MimeNode(0);
        Deque<MimeNode> open = new ArrayDeque<>();
        int parts = 0;
        int headerBytes = 0;
        boolean complete = true;
        try {
            stream.parse(new ByteArrayInputStream(message));
            for (EntityState state = stream.getState(); state != EntityState.T_END_OF_STREAM;
                 state = stream.next()) {
                switch (state) {
                    case T_START_MESSAGE, T_START_BODYPART -> {
                        if (++parts > limits.maxParts()) {
                            return new MimeTree(root, false, monitor.invalidLines);
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
                            return new MimeTree(root, false, monitor.invalidLines);
                        }
                        open.peek().fields.add(field);
                    }
                    case T_START_MULTIPART -> {
                        MimeNode node = open.peek();
                        if (node.depth >= limits.maxDepth()) {
                            return new MimeTree(root, false, monitor.invalidLines);
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
            complete = false;
        }
        return new MimeTree(root, complete, monitor.invalidLines);
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
