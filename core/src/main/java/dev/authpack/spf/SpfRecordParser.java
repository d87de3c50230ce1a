package dev.authpack.spf;

import dev.authpack.dns.IpLiterals;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Record selection (RFC 7208 §4.5) and the record grammar (§4.6, §5, §6, §12). */
final class SpfRecordParser {
    private static final String VERSION = "v=spf1";
    /** §4.6.1: {@code name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." )} followed by "=". */
    private static final Pattern MODIFIER = Pattern.compile("([A-Za-z][A-Za-z0-9_.-]*)=(.*)", Pattern.DOTALL);
    /** {@code dual-cidr-length} at the end of an a/mx argument; the reluctant head keeps the longest suffix. */
    private static final Pattern DUAL_CIDR_SUFFIX = Pattern.compile("(.*?)(?:/([0-9]+))?(?://([0-9]+))?",
            Pattern.DOTALL);
    private static final Pattern DUAL_CIDR_ONLY = Pattern.compile("(?:/([0-9]+))?(?://([0-9]+))?");

    private SpfRecordParser() {
    }

    /** §4.5: a record is an SPF record when it starts with "v=spf1" (any case) followed by a space or its end. */
    static boolean isSpfRecord(String txt) {
        return txt.length() >= VERSION.length()
                && txt.regionMatches(true, 0, VERSION, 0, VERSION.length())
                && (txt.length() == VERSION.length() || txt.charAt(VERSION.length()) == ' ');
    }

    /** Parses a whole record; any error anywhere makes the record invalid (§4.6). */
    static SpfRecord parse(String txt) throws SpfSyntaxException {
        if (!isSpfRecord(txt)) {
            throw new SpfSyntaxException("not an SPF record");
        }
        for (int i = 0; i < txt.length(); i++) {
            char c = txt.charAt(i);
            if (c != ' ' && (c < 0x21 || c > 0x7e)) {
                // §3.1 / §4.6.1: terms are separated by spaces only; records are 7-bit visible ASCII
                throw new SpfSyntaxException(String.format("character U+%04X not allowed in an SPF record", (int) c));
            }
        }
        List<Directive> directives = new ArrayList<>();
        MacroString redirect = null;
        MacroString exp = null;
        for (String term : txt.substring(VERSION.length()).split(" ")) {
            if (term.isEmpty()) {
                continue;
            }
            Matcher modifier = MODIFIER.matcher(term);
            if (modifier.matches()) {
                String name = modifier.group(1).toLowerCase(Locale.ROOT);
                String value = modifier.group(2);
                switch (name) {
                    case "redirect" -> {
                        if (redirect != null) {
                            throw new SpfSyntaxException("redirect= appears twice (§6)");
                        }
                        redirect = MacroString.parseDomainSpec(value);
                    }
                    case "exp" -> {
                        if (exp != null) {
                            throw new SpfSyntaxException("exp= appears twice (§6)");
                        }
                        exp = MacroString.parseDomainSpec(value);
                    }
                    // §6: unknown modifiers are ignored, but their value must be a valid macro-string
                    default -> MacroString.parse(value, MacroString.Kind.MODIFIER_VALUE);
                }
            } else {
                directives.add(parseDirective(term));
            }
        }
        return new SpfRecord(directives, redirect, exp);
    }

    private static Directive parseDirective(String term) throws SpfSyntaxException {
        SpfStatus result = switch (term.charAt(0)) {
            case '-' -> SpfStatus.FAIL;
            case '~' -> SpfStatus.SOFTFAIL;
            case '?' -> SpfStatus.NEUTRAL;
            default -> SpfStatus.PASS;
        };
        String rest = "+-~?".indexOf(term.charAt(0)) >= 0 ? term.substring(1) : term;
        int end = 0;
        while (end < rest.length() && rest.charAt(end) != ':' && rest.charAt(end) != '/') {
            end++;
        }
        String name = rest.substring(0, end).toLowerCase(Locale.ROOT);
        String args = rest.substring(end);
        Mechanism mechanism = switch (name) {
            case "all" -> {
                if (!args.isEmpty()) {
                    throw new SpfSyntaxException("'all' takes no argument: '" + term + "'");
                }
                yield new Mechanism(Mechanism.Kind.ALL, null, -1, -1, null);
            }
            case "include" -> new Mechanism(Mechanism.Kind.INCLUDE, requiredDomain(args, term), -1, -1, null);
            case "exists" -> new Mechanism(Mechanism.Kind.EXISTS, requiredDomain(args, term), -1, -1, null);
            case "ptr" -> {
                if (args.isEmpty()) {
                    yield new Mechanism(Mechanism.Kind.PTR, null, -1, -1, null);
                }
                yield new Mechanism(Mechanism.Kind.PTR, requiredDomain(args, term), -1, -1, null);
            }
            case "a" -> addressMechanism(Mechanism.Kind.A, args, term);
            case "mx" -> addressMechanism(Mechanism.Kind.MX, args, term);
            case "ip4" -> ipMechanism(Mechanism.Kind.IP4, args, term);
            case "ip6" -> ipMechanism(Mechanism.Kind.IP6, args, term);
            default -> throw new SpfSyntaxException("unknown mechanism '" + term + "'");
        };
        return new Directive(result, mechanism, rest);
    }

    private static MacroString requiredDomain(String args, String term) throws SpfSyntaxException {
        if (!args.startsWith(":")) {
            throw new SpfSyntaxException("'" + term + "' needs ':' and a domain-spec");
        }
        return MacroString.parseDomainSpec(args.substring(1));
    }

    /** {@code a} / {@code mx}: {@code [ ":" domain-spec ] [ dual-cidr-length ]} (§5.3, §5.4). */
    private static Mechanism addressMechanism(Mechanism.Kind kind, String args, String term)
            throws SpfSyntaxException {
        MacroString domain = null;
        String cidr4;
        String cidr6;
        if (args.startsWith(":")) {
            Matcher m = DUAL_CIDR_SUFFIX.matcher(args.substring(1));
            if (!m.matches()) {
                throw new SpfSyntaxException("bad argument in '" + term + "'");
            }
            domain = MacroString.parseDomainSpec(m.group(1));
            cidr4 = m.group(2);
            cidr6 = m.group(3);
        } else {
            Matcher m = DUAL_CIDR_ONLY.matcher(args);
            if (!m.matches()) {
                throw new SpfSyntaxException("bad argument in '" + term + "'");
            }
            cidr4 = m.group(1);
            cidr6 = m.group(2);
        }
        return new Mechanism(kind, domain, prefix(cidr4, 32, term), prefix(cidr6, 128, term), null);
    }

    /** {@code ip4:} / {@code ip6:} network with an optional single CIDR length (§5.6). */
    private static Mechanism ipMechanism(Mechanism.Kind kind, String args, String term) throws SpfSyntaxException {
        if (!args.startsWith(":")) {
            throw new SpfSyntaxException("'" + term + "' needs ':' and an address");
        }
        String body = args.substring(1);
        int slash = body.indexOf('/');
        String address = slash < 0 ? body : body.substring(0, slash);
        String cidr = slash < 0 ? null : body.substring(slash + 1);
        boolean v4 = kind == Mechanism.Kind.IP4;
        byte[] network = v4 ? IpLiterals.ipv4Bytes(address) : IpLiterals.ipv6Bytes(address);
        if (network == null) {
            throw new SpfSyntaxException("invalid address in '" + term + "'");
        }
        int max = v4 ? 32 : 128;
        if (cidr != null && !cidr.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new SpfSyntaxException("invalid CIDR length in '" + term + "'");
        }
        int length = prefix(cidr, max, term);
        return new Mechanism(kind, null, v4 ? length : -1, v4 ? -1 : length, network);
    }

    /** A CIDR length: decimal without leading zeros, at most {@code max}; absent means {@code max}. */
    private static int prefix(String digits, int max, String term) throws SpfSyntaxException {
        if (digits == null) {
            return max;
        }
        if (digits.isEmpty() || digits.length() > 3 || (digits.length() > 1 && digits.charAt(0) == '0')) {
            throw new SpfSyntaxException("invalid CIDR length in '" + term + "'");
        }
        int value = Integer.parseInt(digits);
        if (value > max) {
            throw new SpfSyntaxException("CIDR length " + value + " exceeds " + max + " in '" + term + "'");
        }
        return value;
    }
}
