package dev.authpack.mail;

/** Header field names (RFC 5322 §3.6.8: printable US-ASCII except colon). */
public final class FieldNames {
    private FieldNames() {
    }

    /** @throws IllegalArgumentException if {@code name} is empty or not a valid field name */
    public static void check(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("empty header name");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 33 || c > 126 || c == ':') {
                throw new IllegalArgumentException("invalid header name: " + name);
            }
        }
    }
}
