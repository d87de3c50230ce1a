package dev.authpack.james;

import dev.authpack.mail.WrittenText;

/**
 * Text from outside (the SMTP client's address of MAIL FROM or RCPT TO, a reason quoting one; an exception's message
 * quoting a mail, {@code MailReports}) made safe for a plain log line, the one rule for them:
 * every character of {@link WrittenText}'s rule (C0, DEL, C1, the Unicode line, paragraph and bidi controls)
 * written as {@code \xNN} (past U+00FF a backslash, {@code u} and four hex digits), and at most
 * {@link #MAX_CHARS} characters kept. James 3.8.1 takes any ASCII octet after a backslash in a quoted local part
 * ({@code "a\<CR>b"@example.com}) and splits command lines at LF only, so a bare CR or an escape sequence of the
 * client's reaches the hooks: written as it is, a CR overwrites what a terminal or {@code tail -f} shows of the
 * line with text of the sender's choosing, and an escape sequence drives the reader's terminal (review s21).
 */
public final class LogText {
    /** The most characters of one value written (a path of RFC 5321 is at most 256 octets). */
    public static final int MAX_CHARS = 512;

    private LogText() {
    }

    /** {@code text} escaped and bounded; {@code ""} for null. */
    public static String of(String text) {
        if (text == null) {
            return "";
        }
        int end = Math.min(text.length(), MAX_CHARS);
        StringBuilder out = null;
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            if (unsafe(c)) {
                if (out == null) {
                    out = new StringBuilder(end + 16).append(text, 0, i);
                }
                WrittenText.appendVisible(out, c);
            } else if (out != null) {
                out.append(c);
            }
        }
        String kept = out != null ? out.toString() : end == text.length() ? text : text.substring(0, end);
        return end == text.length() ? kept : kept + "...(" + (text.length() - end) + " more)";
    }

    /** The characters {@link WrittenText#breaksALine} names: the one rule of what a reader must not see as is. */
    private static boolean unsafe(char c) {
        return WrittenText.breaksALine(c);
    }
}
