package dev.authpack.dmarc;

import dev.authpack.mail.AuthorDomains;
import dev.authpack.mail.DisplayedDomains;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The author domains DMARC evaluates for one message (docs/dmarc.md "Fail-closed rules"): the domains RFC 5322
 * reads from the From fields and, wherever a From field is not strictly an RFC 5322 mailbox-list of one-{@code @}
 * addresses, every domain a mail client could show for it ({@link DisplayedDomains}).
 *
 * <p>A From value is read strictly when it parses as a mailbox-list ({@link AuthorDomains#addrSpecs}), has no
 * control or invisible character, no {@code @} in an unquoted display name, and each addr-spec has exactly one
 * {@code @} outside quoted strings and none inside (no obsolete route, no {@code "a@b"@c}). A mailbox whose domain
 * is an address literal gives no author domain (and does not stop the others). Anything else is read best-effort
 * as well: the union of both readings counts.
 *
 * @param domains  the distinct author domains in order of appearance; at most {@code max + 1} (one past the bound)
 * @param fields   the From fields seen
 * @param tooMany  more than {@code max} distinct author domains
 * @param complete every From field could be read (the header scan ended within its bounds)
 * @param notes    what was read best-effort and why, for the result's reason (empty for a well-formed From)
 */
record DmarcAuthors(List<String> domains, int fields, boolean tooMany, boolean complete, List<String> notes) {
    /** The most best-effort notes kept for the reason. */
    private static final int MAX_NOTES = 3;

    DmarcAuthors {
        domains = List.copyOf(domains);
        notes = List.copyOf(notes);
    }

    /**
     * These authors, read from octets that may not hold every From field a reader sees (a header section read alone,
     * not clean or not ended within its bound: review s18 H1/H2): incomplete, so DMARC fails closed, {@code why}
     * first in the notes.
     */
    DmarcAuthors unread(String why) {
        List<String> n = new ArrayList<>();
        n.add(why);
        n.addAll(notes.subList(0, Math.min(notes.size(), MAX_NOTES - 1)));
        return new DmarcAuthors(domains, fields, tooMany, false, n);
    }

    /** One From field with one author domain, read strictly from a readable header: the usual message. */
    boolean single() {
        return fields == 1 && domains.size() == 1 && complete && notes.isEmpty();
    }

    /**
     * Reads the author domains.
     *
     * @param strictValues  the values of the From fields the strict header parser found, or null when it refused
     *                      the header section
     * @param scan          the best-effort scan of the header section, or null when only values are known
     * @param headerProblem why the strict parser refused the header section, or null
     * @param max           the most author domains evaluated
     */
    static DmarcAuthors read(List<String> strictValues, FromFieldScan scan, String headerProblem, int max) {
        Reader r = new Reader(max);
        if (headerProblem != null) {
            r.note("unreadable header section (" + headerProblem + "), From fields read best-effort");
        }
        int fields = 0;
        if (strictValues != null) {
            fields = strictValues.size();
            for (String v : strictValues) {
                r.value(v);
            }
        }
        boolean complete = true;
        if (scan != null) {
            fields = Math.max(fields, scan.values().size());
            for (String v : scan.values()) {
                // reading a value again adds nothing (its domains and notes are sets, bounded by their size): a
                // value the strict parser gave too, the usual case, is read once
                if (strictValues == null || !strictValues.contains(v)) {
                    r.value(v);
                }
            }
            for (String line : scan.possibleContinuations()) {
                r.note("a line after a From field, or a From field other readers split differently, read best-effort");
                r.bestEffort(line);
            }
            if (!scan.complete()) {
                complete = false;
                r.note("header section beyond the bounds of the From scan (" + FromFieldScan.MAX_SCAN_BYTES
                        + " octets, " + FromFieldScan.MAX_FROM_FIELDS + " From fields, " + FromFieldScan.MAX_FROM_BYTES
                        + " octets of From values)");
            }
        }
        if (r.domains.isEmpty()) {
            // no mailbox at all: a client shows the names (quoted, group, comment, encoded), and no list or
            // forwarder writes such a From field, so the domains in them count
            List<String> all = new ArrayList<>();
            if (strictValues != null) {
                all.addAll(strictValues);
            }
            if (scan != null) {
                all.addAll(scan.values());
            }
            for (String v : all) {
                r.bestEffort(v);
            }
            if (!r.domains.isEmpty()) {
                r.note("no mailbox in From: the names it shows read best-effort");
            }
        }
        return new DmarcAuthors(new ArrayList<>(r.domains), fields, r.domains.size() > max, complete, r.notes);
    }

    /**
     * RFC 5321 §4.1.3: an IPv4 address literal or a tagged one ({@code [IPv6:...]}); a domain literal holding
     * anything else ({@code [victim.example]}) shows a name and is read best-effort.
     * <p>
     * Linear time: the tag's content {@code [^\\]]*+} is possessive (the {@code \\s*} after it can only take what it
     * could), and the search starts after the last ']' before the final one, as the literal holds no ']': each
     * {@code @[} was otherwise read to the next ']', quadratic in a field repeating {@code @[a:}.
     */
    private static final Pattern ADDRESS_LITERAL = Pattern.compile(
            "@\\[\\s*(?:\\d{1,3}(?:\\.\\d{1,3}){3}|[A-Za-z0-9-]*[A-Za-z0-9]:[^\\]]*+)\\s*]$");

    static boolean isAddressLiteral(String spec) {
        if (!spec.endsWith("]")) {
            return false;
        }
        int from = spec.lastIndexOf(']', spec.length() - 2) + 1;
        return ADDRESS_LITERAL.matcher(spec).region(from, spec.length()).find();
    }

    /** The state of one reading. */
    private static final class Reader {
        private final int max;
        private final Set<String> domains = new LinkedHashSet<>();
        private final List<String> notes = new ArrayList<>();

        Reader(int max) {
            this.max = max;
        }

        void note(String text) {
            if (notes.size() < MAX_NOTES && !notes.contains(text)) {
                notes.add(text);
            }
        }

        void add(String domain) {
            if (domains.size() <= max) {
                domains.add(domain);
            }
        }

        void bestEffort(String value) {
            List<String> found = new ArrayList<>();
            DisplayedDomains.collect(value, found, max + 1);
            found.forEach(this::add);
        }

        void value(String value) {
            String why = strictProblem(value);
            if (why != null) {
                note("From field read best-effort as mail clients show it (" + why + ")");
                bestEffort(value);
            }
        }

        /** Adds the domains of the RFC 5322 reading that tolerates what the pedantic one refuses, if it reads. */
        private void lenientReading(String value) {
            try {
                for (String spec : AuthorDomains.addrSpecs(value, false)) {
                    try {
                        add(AuthorDomains.domainOf(spec));
                    } catch (IllegalArgumentException e) {
                        // no domain in this mailbox
                    }
                }
            } catch (IllegalArgumentException e) {
                // not a mailbox-list at all: the best-effort reading alone
            }
        }

        /** Reads {@code value} strictly, adding its domains; why it is not strictly readable, or null. */
        private String strictProblem(String value) {
            if (DisplayedDomains.hasInvisible(value)) {
                lenientReading(value);
                return "control or invisible character";
            }
            if (DisplayedDomains.hasLookAlikeDot(value)) {
                lenientReading(value);
                return "look-alike full stop";
            }
            List<String> specs;
            try {
                specs = AuthorDomains.addrSpecs(value, true);
            } catch (IllegalArgumentException e) {
                lenientReading(value);
                return e.getMessage();
            }
            String why = null;
            for (String spec : specs) {
                String shape = AuthorDomains.atSignProblem(spec, true);
                if (shape != null) {
                    why = shape;
                } else if (spec.contains("=?") && spec.contains("?=")) {
                    why = "encoded-word in an address";     // RFC 2047 §5 forbids it; clients decode it
                }
                try {
                    add(AuthorDomains.domainOf(spec));
                } catch (IllegalArgumentException e) {
                    if (isAddressLiteral(spec)) {
                        note("address literal: no author domain");
                    } else {
                        why = DmarcRecordParser.abbreviate(spec) + ": " + e.getMessage();
                    }
                }
            }
            return why;
        }
    }
}
