package dev.authpack.dmarc;

import dev.authpack.mail.HeaderLines;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Every From field a mail client could display, read from a header section that {@link
 * dev.authpack.mail.RawMessage#parse strict parsing} may refuse (docs/dmarc.md "Fail-closed rules"). One linear
 * pass, bounded:
 *
 * <ul>
 *   <li>the header section ends where the strict parser ends it (the first empty line after a line feed), or, in
 *       a message holding a CRLF anywhere (whatever its first line ends with: review s17 L2), where a reader that
 *       knows only CRLF ends it (the first CRLF CRLF), whichever comes later; lines end at LF, CRLF and also at a
 *       lone CR, which some clients take as a line end;</li>
 *   <li>a field whose name, without whitespace, controls and 8-bit octets, is {@code from} (any case) is a From
 *       field: {@code From :}, {@code Fr om:}, {@code Fr\0om:} are all read;</li>
 *   <li>a line starting with white space continues the field before it; before any field (a leading continuation
 *       line) it is read as a field of its own;</li>
 *   <li>a line without a colon is skipped; right after a From field it is also kept as a possible continuation of
 *       it, which some readers make of it; followed by continuation lines up to a colon, it is a field name folded
 *       before its colon ({@code From\r\n : v}), which readers that unfold first (JavaMail) read as a name;</li>
 *   <li>in such a message, a field of the CRLF-only reading that runs on over a bare LF or a lone CR is read as
 *       that reader reads it: {@code From\n: v}, {@code Fr\rom: v} are From fields, and {@code From: ceo@vic\ntim}
 *       is read with the line ends dropped, best-effort (a possible continuation);</li>
 *   <li>in every message, a field of the LF-only reading (mime4j, Dovecot: a lone CR is inside the line, white
 *       space in a name to mime4j) whose name holds a lone CR that javax.mail ends a line at is read as that reader
 *       reads it (review s18): {@code From\r: v}, {@code Fr\rom: v} are From fields, their values read with the
 *       line ends dropped (a possible continuation);</li>
 *   <li>bounds: {@value #MAX_SCAN_BYTES} octets of header section, {@value #MAX_FROM_FIELDS} From fields (with the
 *       possible continuations), {@value #MAX_FROM_BYTES} octets of From values in all, and a From field of any
 *       reading ending within {@value #MAX_FROM_BYTES} octets after its colon (review s18: its line ends dropped
 *       from what is kept still count here); past one of them the scan is {@link #complete() incomplete} and DMARC
 *       fails closed.</li>
 * </ul>
 * The line walking (line ends, continuation lines, the empty line of each reading) is {@link HeaderLines}, shared
 * with the Authentication-Results scan; the field rules above are this class's. Two stay apart on purpose: an empty
 * line that does not end the header section is skipped here (a From field goes on past it), where the
 * Authentication-Results scan starts a field at it; and a "lone CR" in a From value is any CR not before LF (the
 * first CR of CR CR LF too), read for clients that drop it, not a line end.
 *
 * @param values                the From field values (after the colon, unfolded, UTF-8, trimmed), top to bottom
 * @param possibleContinuations lines without a colon that directly follow a From field, and From fields other
 *                              readers split differently (over a lone CR, or a bare LF to a CRLF-only reader; a
 *                              name split by a lone CR to an LF-only reader) read with those line ends dropped:
 *                              read best-effort
 * @param complete              whether the whole header section was read within the bounds
 */
record FromFieldScan(List<String> values, List<String> possibleContinuations, boolean complete) {
    /** The most header octets read looking for From fields (32 MiB). */
    static final int MAX_SCAN_BYTES = 32 << 20;
    /** The most From fields (and possible continuation lines) kept. */
    static final int MAX_FROM_FIELDS = 100;
    /** The most octets of From values kept, all fields together (1 MiB). */
    static final int MAX_FROM_BYTES = 1 << 20;

    FromFieldScan {
        values = List.copyOf(values);
        possibleContinuations = List.copyOf(possibleContinuations);
    }

    static FromFieldScan of(byte[] message) {
        return of(message, MAX_SCAN_BYTES);
    }

    static FromFieldScan of(byte[] message, int maxScanBytes) {
        return new Scanner(message, Math.min(message.length, maxScanBytes)).scan();
    }

    /** The octets of one From value being read (one thread: no locking, unlike ByteArrayOutputStream). */
    private static final class FieldValue {
        private byte[] bytes = new byte[128];
        private int length;

        void write(byte[] source, int offset, int count) {
            if (length + count > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + count));
            }
            System.arraycopy(source, offset, bytes, length, count);
            length += count;
        }

        String toString(Charset charset) {
            return new String(bytes, 0, length, charset);
        }
    }

    /** A value with its line ends dropped: as text, stripped, and how many octets were left of it. */
    private record Joined(String text, int octets) {
    }

    /** The state of one scan. */
    private static final class Scanner {
        private final byte[] m;
        private final int limit;
        private final List<String> values = new ArrayList<>();
        private final List<String> continuations = new ArrayList<>();
        private static final String FROM = "from";
        private FieldValue from;                 // the From field being read, or null
        private String pendingName;              // the name letters of the last line without colon, or null
        private boolean sawField;
        private int kept;
        private boolean overflow;
        private int crlfOnlyColon = -1;          // the colon of the last field crlfOnlyField kept, and its value
        private String crlfOnlyValue;

        Scanner(byte[] message, int limit) {
            this.m = message;
            this.limit = limit;
        }

        FromFieldScan scan() {
            int pos = 0;
            // not the first line's end (review s17 L2): a CRLF-only reader reads lines as soon as a CR LF is
            // anywhere, also past the bound (its fields after that CR LF are past it too: the scan ends incomplete).
            // The search stops at the first CR LF: the end of the first line of a CRLF message.
            boolean crlfMessage = HeaderLines.containsCrlf(m);
            boolean complete = false;
            while (!overflow) {
                if (pos >= limit) {
                    complete = limit == m.length;
                    break;
                }
                int end = HeaderLines.contentEnd(m, pos, limit);
                if (end >= limit && limit < m.length) {
                    break;                      // the line goes on past the bound
                }
                if (end == pos && (crlfMessage ? HeaderLines.endsHeaderSectionCrlfOnly(m, pos)
                        : HeaderLines.endsHeaderSection(m, pos))) {
                    complete = true;            // the empty line that ends the header section
                    break;
                }
                // a field of the CRLF-only reading whose line runs on past javax.mail's: not on a CRLF line
                if (crlfMessage && end < limit && !(m[end] == '\r' && end + 1 < m.length && m[end + 1] == '\n')
                        && HeaderLines.startsCrlfLine(m, pos) && (pos == 0 || !HeaderLines.isContinuation(m, pos))) {
                    crlfOnlyField(pos, end);    // before javax.mail's field there, which it may hold
                }
                // a field of the LF-only reading (every message: review s18), after the CRLF-only one it may repeat
                if (HeaderLines.startsLfLine(m, pos) && (pos == 0 || !HeaderLines.isContinuation(m, pos))) {
                    lfOnlyField(pos);
                }
                if (end > pos) {
                    line(pos, end);             // any other empty line is skipped
                }
                pos = HeaderLines.nextLine(m, end);
            }
            finishFrom();
            return new FromFieldScan(values, continuations, complete && !overflow);
        }

        private void line(int start, int end) {
            if (HeaderLines.isContinuation(m, start) && sawField) {
                if (from != null) {
                    append(start, end);
                } else if (pendingName != null) {
                    foldedName(start, end);
                }
                return;
            }
            pendingName = null;
            int s = start;
            while (s < end && HeaderLines.isWhiteSpace(m[s])) {
                s++;                            // a leading continuation line, read as a field
            }
            boolean followsFrom = finishFrom();
            sawField = true;
            int colon = s;
            while (colon < end && m[colon] != ':') {
                colon++;
            }
            if (colon == end) {
                if (followsFrom) {
                    keep(continuations, s, end);
                }
                pendingName = nameLetters(s, end, "");
                return;
            }
            if (isFromName(s, colon)) {
                from = new FieldValue();
                append(colon + 1, end);
                joinedOverLoneCarriageReturns(colon + 1);
            }
        }

        /**
         * Review s17 (L2): the field of the CRLF-only reading that starts at {@code start} (the top, or after a
         * CR LF, not white space), where javax.mail's line ends at {@code contentEnd} (before the bound) with no
         * CR LF: that reader's line runs on there over a bare LF or a lone CR (not after CR CR LF). Its name is
         * what comes before its first colon, over those line ends (and its CRLF folding): {@code From\n: v} and
         * {@code Fr\rom: v} are From fields to it, and to no other reading. Its value runs on to the first CR LF
         * not followed by SP or HTAB, over bare LFs and lone CRs. Such a From field is read the way a client that
         * drops those line ends shows it, best-effort (a possible continuation), when javax.mail's reading does not
         * already hold it: its name is folded, or its value holds a bare LF (a value holding lone CRs only is
         * {@link #joinedOverLoneCarriageReturns}'s). A field that goes on past the bound is left to the incomplete
         * scan; one whose value runs on past {@value #MAX_FROM_BYTES} octets (up to the CR LF that ends it) makes
         * the scan incomplete (review s18: keeping that window, its bare LFs dropped, read only the half of it an
         * attacker left there, and the forged address past it not at all). Fields of that reading do not
         * overlap, and a name that cannot be from is given up at its first letter that differs: linear.
         */
        private void crlfOnlyField(int start, int contentEnd) {
            if (HeaderLines.startsCrlfLine(m, HeaderLines.nextLine(m, contentEnd))) {
                return;                         // that reader's line ends where javax.mail's does (CR CR LF)
            }
            int colon = start;
            int letters = 0;
            for (; ; colon++) {
                if (colon >= limit || crlfOnlyFieldEndsAt(colon)) {
                    return;                     // no colon in the field, or past the bound
                }
                int c = m[colon] & 0xff;
                if (c == ':') {
                    break;
                }
                if (c > 32 && c < 127) {
                    if (letters == FROM.length() || Character.toLowerCase((char) c) != FROM.charAt(letters)) {
                        return;                 // not from: given up at once, whatever the rest of the name
                    }
                    letters++;
                }
            }
            if (letters < FROM.length()) {
                return;
            }
            int window = (int) Math.min(Integer.MAX_VALUE, (long) colon + 1 + MAX_FROM_BYTES);
            boolean bareLf = false;
            int end = colon + 1;
            for (; end < window; end++) {
                if (end >= limit) {
                    if (limit < m.length) {
                        return;                 // goes on past the bound
                    }
                    break;
                }
                if (crlfOnlyFieldEndsAt(end)) {
                    break;
                }
                bareLf |= m[end] == '\n' && m[end - 1] != '\r';
            }
            if (end == window && !crlfOnlyFieldEndsAt(end)) {
                overflow = true;                // runs on past the window (review s18): not read, so incomplete
                return;
            }
            if (colon < contentEnd && !bareLf) {
                return;                         // javax.mail's From field, with its lone CRs read as they are
            }
            crlfOnlyColon = colon;
            crlfOnlyValue = keepJoined(colon + 1, end);
        }

        /**
         * Review s18: the field of the LF-only reading that starts at {@code start} (the top, or after a LF, not
         * white space), read as mime4j reads it (a CR in a name is white space there; a client may drop it): its
         * name is what comes before its first colon, over lone CRs and its LF folding, and it is a From field when
         * that name is from without white space and controls ({@code From\r: v}, {@code Fr\rom: v},
         * {@code From \r: v}). javax.mail's reading ends a line at a CR, so such a field is javax.mail's only when
         * each CR in its name is before LF, SP or HTAB (CR LF, or a folded name): otherwise its value, to the end
         * of the LF-only field, line ends dropped, is kept as a possible continuation (read best-effort), unless
         * {@link #crlfOnlyField} just kept the same value after the same colon. A field that goes on past the bound
         * is left to the incomplete scan; one running on past {@value #MAX_FROM_BYTES} octets after its colon (the LF
         * that ends it included) makes the scan incomplete (review s18).
         * Fields of that reading do not overlap, and a name that cannot be from is given up at its first letter
         * that differs: linear.
         */
        private void lfOnlyField(int start) {
            if (overflow) {
                return;
            }
            int colon = start;
            int letters = 0;
            boolean split = false;              // a CR javax.mail ends the name's line at, not folding it
            for (; ; colon++) {
                if (colon >= limit) {
                    return;                     // no colon in the message, or past the bound
                }
                int c = m[colon] & 0xff;
                if (c == ':') {
                    break;
                }
                if (c == '\n' && (colon + 1 >= limit || !HeaderLines.isWhiteSpace(m[colon + 1]))) {
                    return;                     // the field ends without a colon (or may go on past the bound)
                }
                if (c == '\r') {
                    split |= colon + 1 >= m.length
                            || m[colon + 1] != '\n' && !HeaderLines.isWhiteSpace(m[colon + 1]);
                } else if (c > 32 && c < 127) {
                    if (letters == FROM.length() || Character.toLowerCase((char) c) != FROM.charAt(letters)) {
                        return;                 // not from: given up at once, whatever the rest of the name
                    }
                    letters++;
                }
            }
            if (letters < FROM.length() || !split) {
                return;
            }
            long window = (long) colon + 1 + MAX_FROM_BYTES;
            int end = HeaderLines.lfFieldEnd(m, colon + 1, (int) Math.min(limit, window));
            if (end >= limit && limit < m.length && window > limit) {
                return;                         // may go on past the bound (a continuation line after it)
            }
            if (end == window && !lfFieldEndsAt(end)) {
                overflow = true;                // runs on past the window (review s18): not read, so incomplete
                return;
            }
            Joined value = joined(colon + 1, end);
            if (colon != crlfOnlyColon || !value.text().equals(crlfOnlyValue)) {
                keep(value);
            }
        }

        /** Whether a field of the LF-only reading ends at {@code i}: after a LF not followed by SP or HTAB, or the end. */
        private boolean lfFieldEndsAt(int i) {
            return i >= m.length || m[i - 1] == '\n' && !HeaderLines.isWhiteSpace(m[i]);
        }

        /** Whether a field of the CRLF-only reading ends at {@code i}: CR LF not followed by SP or HTAB, or the end. */
        private boolean crlfOnlyFieldEndsAt(int i) {
            return i >= m.length || m[i] == '\r' && i + 1 < m.length && m[i + 1] == '\n'
                    && !HeaderLines.isContinuation(m, i + 2);
        }

        /**
         * A From field whose value holds a lone CR is also read the way a client that ignores a lone CR shows it
         * ({@code ceo@vic\rtim.example} as {@code ceo@victim.example}): up to the end of the field as line feeds
         * fold it, CRs dropped, kept as a possible continuation (read best-effort). A field running on past
         * {@value #MAX_FROM_BYTES} octets after its colon (the LF that ends it included), lone CR or not, makes the
         * scan incomplete (review s18: its end is not read).
         */
        private void joinedOverLoneCarriageReturns(int valueStart) {
            long window = (long) valueStart + MAX_FROM_BYTES;
            int stop = (int) Math.min(limit, window);
            int fieldEnd = HeaderLines.lfFieldEnd(m, valueStart, stop);
            if (fieldEnd == window && !lfFieldEndsAt(fieldEnd)) {
                overflow = true;                // runs on past the window (review s18): not read, so incomplete
                return;
            }
            boolean loneCr = false;
            for (int i = valueStart; i < fieldEnd && !loneCr; i++) {
                loneCr = m[i] == '\r' && (i + 1 >= m.length || m[i + 1] != '\n');
            }
            if (loneCr) {
                keepJoined(valueStart, fieldEnd);
            }
        }

        /**
         * Keeps {@code m[start, end)} with its CRs and LFs dropped, stripped, as a possible continuation; returns
         * it.
         */
        private String keepJoined(int start, int end) {
            Joined value = joined(start, end);
            keep(value);
            return value.text();
        }

        /** {@code m[start, end)} with its CRs and LFs dropped: the octets left, and as text, stripped. */
        private Joined joined(int start, int end) {
            ByteArrayOutputStream joined = new ByteArrayOutputStream(end - start);
            for (int j = start; j < end; j++) {
                if (m[j] != '\r' && m[j] != '\n') {
                    joined.write(m[j]);
                }
            }
            return new Joined(joined.toString(StandardCharsets.UTF_8).strip(), joined.size());
        }

        /** Keeps a value made by {@link #joined} as a possible continuation, within the bounds. */
        private void keep(Joined value) {
            if (kept + value.octets() > MAX_FROM_BYTES) {
                overflow = true;
                return;
            }
            kept += value.octets();
            add(continuations, value.text());
        }

        /**
         * A continuation of a line without colon: the field name may have been folded before its colon
         * ({@code From\r\n : v}), which readers that unfold first (JavaMail, so James) read as {@code From}.
         */
        private void foldedName(int start, int end) {
            int colon = start;
            while (colon < end && m[colon] != ':') {
                colon++;
            }
            String name = nameLetters(start, colon, pendingName);
            if (colon == end) {
                pendingName = name;
                return;
            }
            pendingName = null;
            if (name.equals(FROM)) {
                from = new FieldValue();
                append(colon + 1, end);
                joinedOverLoneCarriageReturns(colon + 1);
            }
        }

        /** {@code nameLetters(start, end, "").equals(FROM)}, without building the name (run for every field). */
        private boolean isFromName(int start, int end) {
            int n = 0;
            for (int i = start; i < end; i++) {
                int c = m[i] & 0xff;
                if (c > 32 && c < 127) {
                    if (n == FROM.length() || Character.toLowerCase((char) c) != FROM.charAt(n)) {
                        return false;
                    }
                    n++;
                }
            }
            return n == FROM.length();
        }

        /**
         * {@code prefix} followed by the octets of a field name without white space, controls and 8-bit octets,
         * lower case; cut after one letter more than {@code from} has (it then cannot be {@code from}).
         */
        private String nameLetters(int start, int end, String prefix) {
            StringBuilder out = new StringBuilder(prefix);
            for (int i = start; i < end && out.length() <= FROM.length(); i++) {
                int c = m[i] & 0xff;
                if (c > 32 && c < 127) {
                    out.append(Character.toLowerCase((char) c));
                }
            }
            return out.toString();
        }

        private void append(int start, int end) {
            if (kept + (end - start) > MAX_FROM_BYTES) {
                overflow = true;
                return;
            }
            kept += end - start;
            from.write(m, start, end - start);
        }

        /** Ends the From field being read, if any; whether there was one. */
        private boolean finishFrom() {
            if (from == null) {
                return false;
            }
            add(values, from.toString(StandardCharsets.UTF_8).strip());
            from = null;
            return true;
        }

        private void keep(List<String> into, int start, int end) {
            if (kept + (end - start) > MAX_FROM_BYTES) {
                overflow = true;
                return;
            }
            kept += end - start;
            add(into, new String(m, start, end - start, StandardCharsets.UTF_8).strip());
        }

        private void add(List<String> into, String value) {
            if (values.size() + continuations.size() >= MAX_FROM_FIELDS) {
                overflow = true;
                return;
            }
            into.add(value);
        }
    }
}
