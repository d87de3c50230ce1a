package dev.authpack.cli;

import dev.authpack.mail.WrittenText;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Standard error as a terminal may show it (review s22). Error lines quote file names, arguments and the engine's
 * reasons, and the SLF4J log lines and a bug's stack trace quote whatever an exception's message holds, which can be
 * text of the message's sender or of a DNS answer. Every character of {@link WrittenText#breaksALine} (ESC and
 * the other C0 controls, DEL, C1 such as CSI U+009B, U+2028/U+2029, the bidi controls) is written visibly instead,
 * {@link WrittenText#appendVisible} ({@code \x1b}), the rule of the hooks' log lines; LF (the end of a line) and
 * HTAB (a stack trace's indent, harmless on a terminal) are kept.
 *
 * <p>The bytes written are UTF-8 (the CLI's streams encode so); they are decoded a line at a time, and at a flush
 * or past {@value #MAX_PENDING} octets up to the last whole character.
 */
final class VisibleText extends OutputStream {
    private static final int MAX_PENDING = 8192;

    private final OutputStream target;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    private VisibleText(OutputStream target) {
        this.target = target;
    }

    /** {@code err} made safe to show on a terminal; {@code err} itself if it already is. */
    static PrintStream of(PrintStream err) {
        if (err instanceof Visible) {
            return err;
        }
        return new Visible(new VisibleText(err));
    }

    /** The one kind of stream {@link #of} makes, so that wrapping twice is wrapping once. */
    private static final class Visible extends PrintStream {
        Visible(VisibleText out) {
            super(out, true, StandardCharsets.UTF_8);
        }
    }

    @Override
    public synchronized void write(int b) throws IOException {
        pending.write(b);
        if (b == '\n' || pending.size() >= MAX_PENDING) {
            emit(wholeCharacters());
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        for (int i = off; i < off + len; i++) {
            write(b[i]);
        }
    }

    @Override
    public synchronized void flush() throws IOException {
        emit(wholeCharacters());
        target.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        emit(pending.size());
        target.close();
    }

    /** How many pending octets end with a whole UTF-8 character (a lead octet's sequence cut short is kept). */
    private int wholeCharacters() {
        byte[] bytes = pending.toByteArray();
        int n = bytes.length;
        for (int back = 1; back <= Math.min(3, n); back++) {
            int b = bytes[n - back] & 0xff;
            if ((b & 0xc0) == 0x80) {
                continue; // a continuation octet: look further back for its lead
            }
            int length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
            return length > back ? n - back : n;
        }
        return n;
    }

    private void emit(int octets) throws IOException {
        if (octets == 0) {
            return;
        }
        byte[] bytes = pending.toByteArray();
        String text = new String(bytes, 0, octets, StandardCharsets.UTF_8);
        pending.reset();
        pending.write(bytes, octets, bytes.length - octets);
        StringBuilder shown = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\n' && c != '\t' && WrittenText.breaksALine(c)) {
                WrittenText.appendVisible(shown, c);
            } else {
                shown.append(c);
            }
        }
        target.write(shown.toString().getBytes(StandardCharsets.UTF_8));
    }
}
