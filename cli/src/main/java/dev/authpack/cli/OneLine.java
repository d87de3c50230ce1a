package dev.authpack.cli;

/** Makes any text safe to print as one line of standard error. */
final class OneLine {
    private static final int MAX_CHARS = 500;

    private OneLine() {
    }

    static String of(String text) {
        if (text == null) {
            return "";
        }
        String flat = text.replaceAll("[\\r\\n\\t]+", " ").strip();
        return flat.length() > MAX_CHARS ? flat.substring(0, MAX_CHARS) + "..." : flat;
    }
}
