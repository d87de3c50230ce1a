package dev.authpack.relay;

import java.net.IDN;
import java.util.Locale;
import java.util.Optional;

/**
 * One canonical spelling for a domain name, so that a policy comparison can never be dodged by spelling: ASCII
 * lower case, one trailing root dot removed ({@code US.Example.} is {@code us.example}), U-labels converted to
 * A-labels (RFC 5890). Anything else that is not a well-formed host name is rejected.
 */
public final class DomainNames {
    /** RFC 1035 §2.3.4. */
    public static final int MAX_NAME_LENGTH = 253;
    public static final int MAX_LABEL_LENGTH = 63;

    private DomainNames() {
    }

    /**
     * @return the canonical form, or empty when {@code raw} is not a host name (empty label, bad character,
     *         too long, an address literal, ...)
     */
    public static Optional<String> normalize(String raw) {
        if (raw == null || raw.isEmpty() || raw.length() > MAX_NAME_LENGTH + 1) {
            return Optional.empty();
        }
        String name = raw.endsWith(".") ? raw.substring(0, raw.length() - 1) : raw;
        if (!isAscii(name)) {
            try {
                name = IDN.toASCII(name, 0);
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        name = name.toLowerCase(Locale.ROOT);
        return isHostName(name) ? Optional.of(name) : Optional.empty();
    }

    /** Letters, digits, '-' and '_' (James accepts '_'), labels 1..63 long not starting or ending with '-'. */
    static boolean isHostName(String name) {
        if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            return false;
        }
        int labelStart = 0;
        for (int i = 0; i <= name.length(); i++) {
            if (i == name.length() || name.charAt(i) == '.') {
                int length = i - labelStart;
                if (length == 0 || length > MAX_LABEL_LENGTH
                        || name.charAt(labelStart) == '-' || name.charAt(i - 1) == '-') {
                    return false;
                }
                labelStart = i + 1;
                continue;
            }
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** {@code example.com} for {@code mail.example.com}; empty for a single label. */
    static Optional<String> parent(String normalized) {
        int dot = normalized.indexOf('.');
        return dot < 0 ? Optional.empty() : Optional.of(normalized.substring(dot + 1));
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0x7f) {
                return false;
            }
        }
        return true;
    }
}
