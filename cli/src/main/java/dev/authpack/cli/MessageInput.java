package dev.authpack.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads the MESSAGE argument: a file path, or {@code -} for standard input. Bytes are kept as they are. */
final class MessageInput {
    /** Larger inputs are refused rather than buffered: far above any mail server's size limit. */
    static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
    static final String STDIN = "-";
    /** What the JVM makes of octets of an argument that are not text in the locale's character set. */
    private static final char UNDECODED = '\ufffd';

    private MessageInput() {
    }

    static byte[] read(String argument, InputStream stdin) {
        if (STDIN.equals(argument)) {
            try {
                return readBounded(stdin, "standard input");
            } catch (IOException e) {
                throw new UsageException("cannot read message from standard input: " + describe(e));
            }
        }
        if (argument.indexOf(UNDECODED) >= 0) {
            // the JVM decodes arguments in the locale's character set (sun.jnu.encoding) and cannot name the file
            throw new UsageException("cannot read message " + argument + ": the file name is not valid "
                    + System.getProperty("sun.jnu.encoding", "in this locale") + " (give the message on standard input:"
                    + " - < FILE)");
        }
        Path path;
        try {
            path = Path.of(argument);
        } catch (InvalidPathException e) {
            throw new UsageException("cannot read message " + argument + ": invalid path");
        }
        if (Files.isDirectory(path)) {
            throw new UsageException("cannot read message " + argument + ": is a directory");
        }
        try (InputStream in = Files.newInputStream(path)) {
            return readBounded(in, argument);
        } catch (IOException e) {
            throw new UsageException("cannot read message " + argument + ": " + describe(e));
        }
    }

    private static byte[] readBounded(InputStream in, String what) throws IOException {
        byte[] bytes = in.readNBytes(MAX_MESSAGE_BYTES + 1);
        if (bytes.length > MAX_MESSAGE_BYTES) {
            throw new UsageException("cannot read message " + what + ": larger than " + MAX_MESSAGE_BYTES + " bytes");
        }
        return bytes;
    }

    private static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        String message = e.getMessage();
        return OneLine.of(message == null ? e.getClass().getSimpleName() : message);
    }
}
