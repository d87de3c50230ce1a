package dev.authpack.arc;

/**
 * Lays out a header field we write: tokens go on the current line if they fit in the width, else on a new line
 * indented by one space (RFC 5322 §2.2.3 folding: the line break goes before whitespace, so unfolding gives back
 * the same text, and relaxed canonicalization the same octets). A width of 0 means one line.
 */
final class FieldFolder {
    private final int width;
    private final String eol;
    private final StringBuilder text = new StringBuilder(512);
    private int lineLength;

    FieldFolder(String name, int width, String eol) {
        this.width = width;
        this.eol = eol;
        text.append(name).append(':');
        lineLength = text.length();
    }

    private boolean fits(int more) {
        return width == 0 || lineLength + more <= width;
    }

    /** {@code " " + token}, on a new line if it does not fit. */
    FieldFolder token(String token) {
        if (fits(1 + token.length())) {
            text.append(' ').append(token);
            lineLength += 1 + token.length();
        } else {
            newLine(token);
        }
        return this;
    }

    /**
     * Tokens glued without a space (the parts of an h= list): each on the current line if it fits, else on a new
     * line (folding whitespace inside a tag value, which tag-list values allow, RFC 6376 §3.2).
     */
    FieldFolder glued(String token) {
        if (fits(token.length())) {
            text.append(token);
            lineLength += token.length();
        } else {
            newLine(token);
        }
        return this;
    }

    /** A value that may be broken anywhere (base64), filling lines of the width. */
    FieldFolder breakable(String value) {
        int i = 0;
        while (i < value.length()) {
            int room = width == 0 ? value.length() - i : width - lineLength;
            if (room <= 0) {
                text.append(eol).append(' ');
                lineLength = 1;
                continue;
            }
            int n = Math.min(room, value.length() - i);
            text.append(value, i, i + n);
            lineLength += n;
            i += n;
        }
        return this;
    }

    /**
     * Free text (a resinfo) on a line of its own; if too long for the width, broken at its own single spaces, which
     * stay in the text after the line break. Other characters are written as they are.
     */
    FieldFolder line(String value) {
        text.append(eol).append(' ');
        lineLength = 1;
        int start = 0;
        while (start < value.length()) {
            int end = value.length();
            if (!fits(end - start)) {
                // the last space that keeps the line within the width, else the first space at all
                int limit = start + Math.max(1, width - lineLength);
                int space = value.lastIndexOf(' ', Math.min(limit, value.length() - 1));
                if (space <= start) {
                    space = value.indexOf(' ', start + 1);
                }
                if (space > start) {
                    end = space;
                }
            }
            text.append(value, start, end);
            lineLength += end - start;
            if (end < value.length()) {
                text.append(eol);
                lineLength = 0;
            }
            start = end;
        }
        return this;
    }

    /** {@code token} at the start of a new line. */
    FieldFolder newLine(String token) {
        text.append(eol).append(' ').append(token);
        lineLength = 1 + token.length();
        return this;
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
