package dev.authpack.spf;

import dev.authpack.dns.DnsNames;
import dev.authpack.dns.DomainNames;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Domain-name rules of RFC 7208 only (the IDN step and the length rules are {@link DomainNames} and
 * {@link DnsNames}, shared by every protocol): the {@code <domain>} check of §4.3, toplabel (§7.1), truncation (§7.3). */
final class SpfNames {
    /** RFC 1035 §2.3.4: octets of a name in text, without the trailing dot (255 on the wire). */
    static final int MAX_NAME = DnsNames.MAX_NAME_LENGTH;

    /**
     * RFC 7208 §7.1:
     * {@code toplabel = ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum / "-" ) alphanum )}.
     * The first form is written as "alphanumerics holding a letter" ({@code (?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]++}):
     * as {@code *alphanum ALPHA *alphanum} each letter was tried as the ALPHA, quadratic in a long label that is
     * not one (a record's domain-spec is the sender's text).
     */
    private static final Pattern TOPLABEL =
            Pattern.compile("(?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]++|[A-Za-z0-9]+-[A-Za-z0-9-]*[A-Za-z0-9]");

    private SpfNames() {
    }

    static boolean isToplabel(String label) {
        return TOPLABEL.matcher(label).matches();
    }

    /**
     * RFC 7208 §4.3: the {@code <domain>} given to {@code check_host()} must be a multi-label domain name with
     * no empty or over-long label (else the result is {@code none}). Also refuses address literals, names with
     * spaces or control characters, and an all-numeric last label (an IP address is not a domain). A
     * non-ASCII name is converted to A-labels. Returns the name without a trailing dot.
     */
    static Optional<String> checkHostDomain(String domain) {
        if (domain == null || domain.isEmpty() || domain.charAt(0) == '[') {
            return Optional.empty();
        }
        String name = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
        Optional<String> ascii = DomainNames.toAscii(name);
        if (ascii.isEmpty()) {
            return Optional.empty();
        }
        name = ascii.get();
        if (!labelsValid(name)) {
            return Optional.empty();
        }
        int lastDot = name.lastIndexOf('.');
        if (lastDot < 0 || allDigits(name, lastDot + 1)) {
            return Optional.empty();
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                return Optional.empty();
            }
        }
        return Optional.of(name);
    }

    /** Whether {@code name} from {@code start} on is one or more ASCII digits (a label, without a matcher). */
    private static boolean allDigits(String name, int start) {
        if (start >= name.length()) {
            return false;
        }
        for (int i = start; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * A macro-expanded target name ready for a DNS query: trailing dot removed, truncated from the left to 253
     * octets (§7.3), every label 1..63 octets. Lengths are octets on the wire (the UTF-8 encoding the resolver
     * sends), and any octet may appear in a label (a macro can carry a local part with spaces or '%'; the
     * resolver escapes them, RFC 1035 §5.1). Empty when no query can be composed from it (a permanent condition).
     */
    static Optional<String> forQuery(String expanded) {
        String name = expanded.endsWith(".") ? expanded.substring(0, expanded.length() - 1) : expanded;
        int start = truncationStart(name);
        if (start < 0) {
            return Optional.empty();
        }
        name = start == 0 ? name : name.substring(start);
        return labelsValid(name) ? Optional.of(name) : Optional.empty();
    }

    /**
     * §7.3 "the left side is truncated": where the longest suffix of whole labels of at most {@link #MAX_NAME}
     * octets starts (0, or just after a dot), or -1 when even the last label is longer. One pass from the right, so
     * linear: the attacker's record can expand {@code %{d}} 12,000 times, a 3 MB name of 1.5 million labels, and
     * cutting one label at a time (each cut copying the rest) was quadratic: minutes of CPU for one term.
     */
    private static int truncationStart(String name) {
        if (isAscii(name)) {
            if (name.length() <= MAX_NAME) {
                return 0;
            }
            int dot = name.indexOf('.', name.length() - MAX_NAME - 1);
            return dot < 0 ? -1 : dot + 1;
        }
        int best = -1;
        long octets = 0;
        for (int i = name.length(); i > 0; i--) {
            char c = name.charAt(i - 1);
            octets += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3; // a pair is 4
            if (octets > MAX_NAME) {
                return best;
            }
            if (i - 1 == 0) {
                return 0;
            }
            if (name.charAt(i - 2) == '.') {
                best = i - 1;
            }
        }
        return 0; // only an empty name gets here
    }

    /** A name from a DNS answer (MX exchange, PTR target): lower case, no trailing dot, usable in a query. */
    static Optional<String> fromAnswer(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String trimmed = DnsNames.normalize(name);
        return labelsValid(trimmed) ? Optional.of(trimmed) : Optional.empty();
    }


    /** RFC 1035 §2.3.4 lengths in octets on the wire, no empty label ({@link DnsNames#malformed}). */
    private static boolean labelsValid(String name) {
        return DnsNames.malformed(name).isEmpty();
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }
}
