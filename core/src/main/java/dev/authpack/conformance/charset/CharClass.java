package dev.authpack.conformance.charset;

/**
 * Coarse classes of characters, by Unicode block and kind. A language model gives a character it never saw in
 * training a share of its class's probability, so a plausible but unseen letter (an accented letter of the same
 * script) costs far less than a letter of another script, a C1 control or a half-width katakana in Latin text.
 */
enum CharClass {
    ASCII_LETTER(52, 1e-4),
    /** ASCII digits, punctuation and white space; the models fold them all into one space character. */
    ASCII_OTHER(1, 1e-4),
    LATIN1_LETTER(62, 1e-4),
    LATIN_EXTENDED(300, 1e-4),
    COMBINING_MARK(20, 1e-5),
    GREEK(80, 1e-5),
    CYRILLIC(100, 1e-5),
    HEBREW(60, 1e-5),
    ARABIC(120, 1e-5),
    THAI(87, 1e-5),
    HIRAGANA(85, 1e-5),
    KATAKANA(90, 1e-5),
    HALFWIDTH_KATAKANA(63, 1e-7),
    HAN(8000, 1e-5),
    HANGUL(2500, 1e-5),
    OTHER_LETTER(5000, 1e-6),
    /** Typographic characters common in mail of every Latin-script language: quotes, dashes, euro, NBSP... */
    COMMON_PUNCTUATION(25, 3e-3),
    CJK_PUNCTUATION(100, 1e-5),
    LATIN1_SYMBOL(34, 1e-4),
    OTHER_SYMBOL(2000, 2e-5),
    /** C0 controls other than TAB/LF/FF/CR, C1 controls, private use, U+FFFD. */
    CONTROL(1, 1e-8);

    /** Rough number of distinct characters of the class in use, to spread its probability. */
    final int size;
    /** Share of a language's text the class gets on top of its training count (smoothing). */
    final double prior;

    CharClass(int size, double prior) {
        this.size = size;
        this.prior = prior;
    }

    private static final CharClass[] VALUES = values();

    private static final String COMMON = "\u00A0\u00AB\u00BB\u201E\u201C\u201D\u2018\u2019\u201A\u2013\u2014\u2026"
            + "\u2022\u20AC\u00A3\u00B0\u00A7\u00A9\u00AE\u2122\u2116\u00B7\u200C\u200D\u200E\u200F";


    /** Class ordinals of every BMP character, computed once (the detector looks them up per byte). */
    private static final byte[] ORDINALS = new byte[0x10000];
    /** Scripts of every BMP character ({@link #script}), one more than the value (0 = none). */
    private static final byte[] SCRIPTS = new byte[0x10000];

    static {
        for (int c = 0; c < 0x10000; c++) {
            ORDINALS[c] = (byte) computeOrdinal(c);
        }
        for (int c = 0; c < 0x10000; c++) {
            SCRIPTS[c] = (byte) (computeScript(c) + 1);
        }
    }

    /** Han, kana, Hangul or CJK punctuation. */
    static boolean isCjk(int c) {
        int k = ordinalOf(c);
        return k == HAN.ordinal() || k == HIRAGANA.ordinal() || k == KATAKANA.ordinal() || k == HANGUL.ordinal()
                || k == CJK_PUNCTUATION.ordinal();
    }

    /** Number of distinct ASCII characters after {@link #fold}: 52 letters and the space. */
    static final int ASCII_SYMBOLS = 53;

    static CharClass of(int c) {
        return VALUES[ordinalOf(c)];
    }

    static int ordinalOf(int c) {
        return c < 0x10000 ? ORDINALS[c] : OTHER_SYMBOL.ordinal();
    }

    /**
     * Index 0..52 of a folded ASCII letter or space (letters A-Z 0..25, a-z 26..51, space 52), -1 for a control.
     */
    static int asciiIndex(int folded) {
        if (folded >= 'A' && folded <= 'Z') {
            return folded - 'A';
        }
        if (folded >= 'a' && folded <= 'z') {
            return 26 + folded - 'a';
        }
        return folded == ' ' ? 52 : -1;
    }

    /** The folded ASCII character of an index of {@link #asciiIndex}. */
    static char asciiOf(int index) {
        return index < 26 ? (char) ('A' + index) : index < 52 ? (char) ('a' + index - 26) : ' ';
    }

    private static int computeOrdinal(int c) {
        if (c < 0x80) {
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
                return ASCII_LETTER.ordinal();
            }
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7F) {
                return CONTROL.ordinal();
            }
            return ASCII_OTHER.ordinal();
        }
        if (c < 0xA0 || c == 0xFFFD || c == 0xFFFF || (c >= 0xE000 && c <= 0xF8FF)) {
            return CONTROL.ordinal();
        }
        if (COMMON.indexOf(c) >= 0) {
            return COMMON_PUNCTUATION.ordinal();
        }
        if (c <= 0xFF) {
            return (c >= 0xC0 && c != 0xD7 && c != 0xF7) ? LATIN1_LETTER.ordinal() : LATIN1_SYMBOL.ordinal();
        }
        if (c <= 0x24F || (c >= 0x1E00 && c <= 0x1EFF)) {
            return Character.isLetter(c) ? LATIN_EXTENDED.ordinal() : OTHER_SYMBOL.ordinal();
        }
        if (c >= 0x300 && c <= 0x36F) {
            return COMBINING_MARK.ordinal();
        }
        if (c >= 0x370 && c <= 0x3FF) {
            return Character.isLetter(c) ? GREEK.ordinal() : OTHER_SYMBOL.ordinal();
        }
        if (c >= 0x400 && c <= 0x52F) {
            return Character.isLetter(c) ? CYRILLIC.ordinal() : OTHER_SYMBOL.ordinal();
        }
        if (c >= 0x590 && c <= 0x5FF) {
            return HEBREW.ordinal();
        }
        if ((c >= 0x600 && c <= 0x6FF) || (c >= 0x750 && c <= 0x77F) || (c >= 0xFB50 && c <= 0xFDFF)
                || (c >= 0xFE70 && c <= 0xFEFF)) {
            return ARABIC.ordinal();
        }
        if (c >= 0xE00 && c <= 0xE7F) {
            return THAI.ordinal();
        }
        if (c >= 0x3040 && c <= 0x309F) {
            return HIRAGANA.ordinal();
        }
        if (c >= 0x30A0 && c <= 0x30FF) {
            return KATAKANA.ordinal();
        }
        if (c >= 0xFF61 && c <= 0xFF9F) {
            return HALFWIDTH_KATAKANA.ordinal();
        }
        if ((c >= 0x3400 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF)) {
            return HAN.ordinal();
        }
        if ((c >= 0xAC00 && c <= 0xD7AF) || (c >= 0x1100 && c <= 0x11FF) || (c >= 0x3130 && c <= 0x318F)) {
            return HANGUL.ordinal();
        }
        if ((c >= 0x3000 && c <= 0x303F) || (c >= 0xFF00 && c <= 0xFF60) || (c >= 0xFFE0 && c <= 0xFFEF)) {
            return CJK_PUNCTUATION.ordinal();
        }
        if (Character.isSurrogate((char) c)) {
            return OTHER_SYMBOL.ordinal();
        }
        return Character.isLetter(c) ? OTHER_LETTER.ordinal() : OTHER_SYMBOL.ordinal();
    }

    static final int NO_SCRIPT = -1;

    /**
     * The script of a letter (Latin, Greek, Cyrillic, Hebrew, Arabic, Thai: the class ordinal of a representative
     * class), {@link #NO_SCRIPT} for anything else.
     */
    static int script(int c) {
        return c < 0x10000 ? SCRIPTS[c] - 1 : NO_SCRIPT;
    }

    private static int computeScript(int c) {
        CharClass k = VALUES[ordinalOf(c)];
        return switch (k) {
            case ASCII_LETTER, LATIN1_LETTER, LATIN_EXTENDED, COMBINING_MARK -> ASCII_LETTER.ordinal();
            case GREEK, CYRILLIC, HEBREW, ARABIC, THAI -> k.ordinal();
            default -> NO_SCRIPT;
        };
    }

    /** The character a model sees: ASCII digits, punctuation and white space fold into one space. */
    static char fold(char c) {
        return c < 0x80 && ordinalOf(c) == ASCII_OTHER.ordinal() ? ' ' : c;
    }
}
