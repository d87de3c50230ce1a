package dev.authpack.cli;

/** The MAIL FROM argument as an administrator types it: {@code ""} or {@code <>} is the null sender. */
final class MailFromArgument {
    private MailFromArgument() {
    }

    /** Strips white space and one pair of angle brackets: {@code <a@b>} is {@code a@b}, {@code <>} is empty. */
    static String normalize(String text) {
        if (text == null) {
            return "";
        }
        String s = text.strip();
        if (s.length() >= 2 && s.startsWith("<") && s.endsWith(">")) {
            s = s.substring(1, s.length() - 1).strip();
        }
        if (s.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new UsageException("--mail-from contains control characters");
        }
        return s;
    }
}
