package dev.authpack.dkim.sign;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The lines of a key table or signing table: words separated by white space, {@code #} to the end of the line a
 * comment (at the start of a line or after white space), empty lines skipped. Bounded in size, lines and line
 * length.
 */
final class TableLines {
    static final long MAX_FILE_BYTES = 16L * 1024 * 1024;
    static final int MAX_LINES = 100_000;
    static final int MAX_LINE_CHARS = 8 * 1024;

    /** A line with words. */
    record Line(int number, List<String> words) {
    }

    private TableLines() {
    }

    static List<Line> read(Path file) throws KeyTableException {
        String text;
        try {
            if (!Files.isRegularFile(file)) {
                throw new KeyTableException(file + ": " + (Files.exists(file) ? "not a regular file" : "no such file"));
            }
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new KeyTableException(file + ": larger than " + MAX_FILE_BYTES + " bytes");
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new KeyTableException(file + ": cannot read: " + e, e);
        }
        return parse(text, file.toString());
    }

    static List<Line> parse(String text, String source) throws KeyTableException {
        List<Line> lines = new ArrayList<>();
        String[] raw = text.split("\r?\n", -1);
        for (int i = 0; i < raw.length; i++) {
            String line = raw[i];
            if (line.length() > MAX_LINE_CHARS) {
                throw KeyTableException.at(source, i + 1, "line longer than " + MAX_LINE_CHARS + " characters");
            }
            List<String> words = words(line);
            if (words.isEmpty()) {
                continue;
            }
            if (lines.size() >= MAX_LINES) {
                throw KeyTableException.at(source, i + 1, "more than " + MAX_LINES + " entries");
            }
            lines.add(new Line(i + 1, List.copyOf(words)));
        }
        return lines;
    }

    private static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            if (i >= n || line.charAt(i) == '#') {
                break;
            }
            int start = i;
            while (i < n && !Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            words.add(line.substring(start, i));
        }
        return words;
    }
}
