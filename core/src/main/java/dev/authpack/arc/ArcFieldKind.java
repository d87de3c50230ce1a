package dev.authpack.arc;

import dev.authpack.mail.RawMessage;

/** The three header fields of an ARC Set (RFC 8617 §4.1), in the order an ARC-Seal hashes them (§5.1.1). */
enum ArcFieldKind {
    AUTHENTICATION_RESULTS("ARC-Authentication-Results"),
    MESSAGE_SIGNATURE("ARC-Message-Signature"),
    SEAL("ARC-Seal");

    private final String fieldName;

    ArcFieldKind(String fieldName) {
        this.fieldName = fieldName;
    }

    /** The field name as RFC 8617 writes it. */
    String fieldName() {
        return fieldName;
    }

    private static final ArcFieldKind[] ALL = values();

    /** The kind of a field name (case-insensitive), or null when it is not an ARC field. */
    static ArcFieldKind of(String name) {
        for (ArcFieldKind k : ALL) {
            if (k.fieldName.equalsIgnoreCase(name)) {
                return k;
            }
        }
        return null;
    }

    /** Whether the message has no ARC field at all (three look-ups by name instead of a pass over every field). */
    static boolean noneIn(RawMessage message) {
        for (ArcFieldKind k : ALL) {
            if (!message.fields(k.fieldName).isEmpty()) {
                return false;
            }
        }
        return true;
    }
}
