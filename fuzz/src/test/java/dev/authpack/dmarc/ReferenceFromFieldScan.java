package dev.authpack.dmarc;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The reference for {@link FromFieldScan}: a verbatim copy of it as it was before its line walking moved to
 * {@code dev.authpack.mail.HeaderLines} (main at 50eafbc), kept so that {@code FromFieldScanDifferentialTest} can
 * show the two agree on every input. Do not change it, but to follow a change of what the scan reads, written in
 * this copy's own naive way: review s17 (L2) made the CRLF-only reading depend on a CR LF anywhere in the message
 * ({@link Scanner#containsCrlf}, was the first line's end) and added that reading's From fields that run on over a
 * bare LF or a lone CR ({@link Scanner#crlfOnlyField}); review s18 added the LF-only reading's From fields whose
 * name holds a lone CR ({@link Scanner#lfOnlyField}).
 *
 * <p>Every From field a mail client could display, read from a header section that {@link
 * dev.authpack.mail.RawMessage#parse strict parsing} may refuse (docs/dmarc.md "Fail-closed rules"). One linear
 * pass, bounded:
 *
 * <ul>
 *   <li>the header section ends where the strict parser ends it (the first empty line after a line feed), or, in
 *       a message holding a CRLF anywhere, where a reader that knows only CRLF ends it (the first CRLF CRLF),
 *       whichever comes later; lines end at LF, CRLF and also at a lone CR, which some clients take as a line
 *       end;</li>
 *   <li>in such a message, a From field of the CRLF-only reading whose line runs on over a bare LF or lone CR
 *       (its name folded there, or its value holding a bare LF) is read with CRs and LFs dropped, as a possible
 *       continuation;</li>
 *   <li>a field whose name, without whitespace, controls and 8-bit octets, is {@code from} (any case) is a From
 *       field: {@code From :}, {@code Fr om:}, {@code Fr\0om:} are all read;</li>
 *   <li>a line starting with white space continues the field before it; before any field (a leading continuation
 *       line) it is read as a field of its own;</li>
 *   <li>a line without a colon is skipped; right after a From field it is also kept as a possible continuation of
 *       it, which some readers make of it; followed by continuation lines up to a colon, it is a field name folded
 *       before its colon ({@code From\r\n : v}), which readers that unfold first (JavaMail) read as a name;</li>
 *   <li>bounds: {@value #MAX_SCAN_BYTES} octets of header section, {@value #MAX_FROM_FIELDS} From fields (with the
 *       possible continuations), {@value #MAX_FROM_BYTES} octets of From values in all, a From field of any
 *       reading ending within {@value #MAX_FROM_BYTES} octets after its colon (review s18: the CRLF-only reading's
 *       value up to its CR LF, the LF-only readings' with the LF that ends them); past one of them the scan is
 *       {@link #complete() incomplete} and DMARC fails closed.</li>
 * </ul>
 *
 * @param values                the From field values (after the colon, unfolded, UTF-8, trimmed), top to bottom
 * @param possibleContinuations lines without a colon that directly follow a From field
 * @param complete              whether the whole header section was read within the bounds
 */
record ReferenceFromFieldScan(List<String> values, List<String> possibleContinuations, boolean complete) {
    /** The most header octets read looking for From fields (32 MiB). */
    static final int MAX_SCAN_BYTES = 32 << 20;
    /** The most From fields (and possible continuation lines) kept. */
    static final int MAX_FROM_FIELDS = 100;
    /** The most octets of From values kept, all fields together (1 MiB). */
    static final int MAX_FROM_BYTES = 1 << 20;

    ReferenceFromFieldScan {
        values = List.copyOf(values);
        possibleContinuations = List.copyOf(possibleContinuations);
    }

    static ReferenceFromFieldScan of(byte[] message) {
        return of(message, MAX_SCAN_BYTES);
    }

    static ReferenceFromFieldScan of(byte[] message, int maxScanBytes) {
        return new Scanner(message, Math.min(message.length, maxScanBytes)).scan();
    }

    /** The state of one scan. */
    private static final class Scanner {
        private final byte[] m;
        private final int limit;
        private final List<String> values = new ArrayList<>();
        private final List<String> continuations = new ArrayList<>();
        private static final String FROM = "from";
        private ByteArrayOutputStream from;      // the From field being read, or null
        private String pendingName;              // the name letters of the last line without colon, or null
        private boolean sawField;
        private int kept;
        private boolean overflow;
        private String lastCrlfOnly;             // "colon:value" of the last field crlfOnlyField kept

        Scanner(byte[] message, int limit) {
            this.m = message;
            this.limit = limit;
        }

        ReferenceFromFieldScan scan() {
            int pos = 0;
            boolean atLineFeedStart = true;     // the strict parser's line starts: 0 and after LF
            boolean afterCrlf = true;           // a CRLF-only reader's line starts: 0 and after CRLF
            boolean crlfMessage = containsCrlf();
            boolean complete = false;
            while (!overflow) {
                if (pos >= limit) {
                    complete = limit == m.length;
                    break;
                }
                int end = pos;
                while (end < limit && m[end] != '\n' && m[end] != '\r') {
                    end++;
                }
                if (end >= limit && limit < m.length) {
                    break;                      // the line goes on past the bound
                }
                boolean crlf = end + 1 < m.length && m[end] == '\r' && m[end + 1] == '\n';
                boolean lineFeed = end < m.length && m[end] == '\n';
                int next = end >= m.length ? end : crlf ? end + 2 : end + 1;
                boolean ends = crlfMessage ? crlf && afterCrlf : atLineFeedStart && (crlf || lineFeed);
                if (end == pos && ends) {
                    complete = true;            // the empty line that ends the header section
                    break;
                }
                if (crlfMessage && afterCrlf && (pos == 0 || m[pos] != ' ' && m[pos] != '\t')) {
                    crlfOnlyField(pos);
                }
                if ((pos == 0 || m[pos - 1] == '\n') && (pos == 0 || m[pos] != ' ' && m[pos] != '\t')) {
                    lfOnlyField(pos);
                }
                if (end > pos) {
                    line(pos, end);
                }
                atLineFeedStart = crlf || lineFeed;
                afterCrlf = crlf;
                pos = next;
            }
            finishFrom();
            return new ReferenceFromFieldScan(values, continuations, complete && !overflow);
        }

        /** Whether the message holds a CR LF anywhere (also past the bound). */
        private boolean containsCrlf() {
            for (int i = 0; i + 1 < m.length; i++) {
                if (m[i] == '\r' && m[i + 1] == '\n') {
                    return true;
                }
            }
            return false;
        }

        /**
         * The field of the CRLF-only reading starting at {@code start} (the top or after a CR LF, no white space):
         * when that reader's line does not end where javax.mail's does, its name (before the first colon of the
         * field) is from, and javax.mail's reading does not hold it already (the colon is past javax.mail's line, or
         * the value holds a bare LF), its value without CRs and LFs is a possible continuation. Not when the field
         * (or the look at {@link #MAX_FROM_BYTES} octets of its value) goes on past the bound; past those octets,
         * the scan is incomplete.
         */
        private void crlfOnlyField(int start) {
            int javaxEnd = start;
            while (javaxEnd < m.length && m[javaxEnd] != '\n' && m[javaxEnd] != '\r') {
                javaxEnd++;
            }
            if (javaxEnd >= limit) {
                return;
            }
            int firstCrlf = -1;
            for (int i = start; i + 1 < m.length && firstCrlf < 0; i++) {
                firstCrlf = m[i] == '\r' && m[i + 1] == '\n' ? i : -1;
            }
            if (firstCrlf == javaxEnd || firstCrlf == javaxEnd + 1 && m[javaxEnd] == '\r') {
                return;                         // CRLF or CR CR LF: the same line
            }
            int fieldEnd = start;
            while (fieldEnd < m.length && !(m[fieldEnd] == '\r' && fieldEnd + 1 < m.length && m[fieldEnd + 1] == '\n'
                    && !(fieldEnd + 2 < m.length && (m[fieldEnd + 2] == ' ' || m[fieldEnd + 2] == '\t')))) {
                fieldEnd++;
            }
            int colon = start;
            while (colon < fieldEnd && m[colon] != ':') {
                colon++;
            }
            if (colon >= fieldEnd || colon >= limit || !nameLetters(start, colon, "").equals(FROM)) {
                return;
            }
            long window = (long) colon + 1 + MAX_FROM_BYTES;
            if (limit < m.length && (fieldEnd < window ? fieldEnd >= limit : window > limit)) {
                return;
            }
            if (fieldEnd > window) {
                overflow = true;                // the value runs on past the window (review s18)
                return;
            }
            int end = fieldEnd;
            boolean bareLf = false;
            for (int j = colon + 1; j < end; j++) {
                bareLf |= m[j] == '\n' && m[j - 1] != '\r';
            }
            if (colon < javaxEnd && !bareLf) {
                return;
            }
            byte[] value = Arrays.copyOfRange(m, colon + 1, end);
            int n = 0;
            for (byte b : value) {
                if (b != '\r' && b != '\n') {
                    value[n++] = b;
                }
            }
            if (kept + n > MAX_FROM_BYTES) {
                overflow = true;
            } else {
                kept += n;
                lastCrlfOnly = colon + ":" + new String(value, 0, n, StandardCharsets.UTF_8).strip();
                add(continuations, new String(value, 0, n, StandardCharsets.UTF_8).strip());
            }
        }

        /**
         * The field of the LF-only reading starting at {@code start} (the top or after a LF, no white space): when
         * the name before its first colon (over LF folding) holds a CR not before LF, SP or HTAB, is from without
         * white space and controls, and the field ends before the bound, its value (at most {@link #MAX_FROM_BYTES}
         * octets of it) without CRs and LFs is a possible continuation, unless {@link #crlfOnlyField} kept the same
         * value after the same colon.
         */
        private void lfOnlyField(int start) {
            if (overflow) {
                return;
            }
            int fieldEnd = start;
            while (fieldEnd < m.length && !(m[fieldEnd] == '\n'
                    && !(fieldEnd + 1 < m.length && (m[fieldEnd + 1] == ' ' || m[fieldEnd + 1] == '\t')))) {
                fieldEnd++;
            }
            fieldEnd = Math.min(m.length, fieldEnd + 1);
            int colon = start;
            while (colon < fieldEnd && m[colon] != ':') {
                colon++;
            }
            if (colon >= fieldEnd || colon >= limit || !nameLetters(start, colon, "").equals(FROM)) {
                return;
            }
            boolean split = false;
            for (int i = start; i < colon; i++) {
                split |= m[i] == '\r' && (i + 1 >= m.length || m[i + 1] != '\n' && m[i + 1] != ' ' && m[i + 1] != '\t');
            }
            if (!split) {
                return;
            }
            long window = (long) colon + 1 + MAX_FROM_BYTES;
            // the field, or the window looked at, must end before the bound (a LF at the bound's last octet may
            // be followed by a continuation line past it)
            if (limit < m.length && (fieldEnd < window ? fieldEnd >= limit : window > limit)) {
                return;
            }
            if (fieldEnd > window) {
                overflow = true;                // the value runs on past the window (review s18)
                return;
            }
            int end = fieldEnd;
            byte[] value = Arrays.copyOfRange(m, colon + 1, end);
            int n = 0;
            for (byte b : value) {
                if (b != '\r' && b != '\n') {
                    value[n++] = b;
                }
            }
            String text = new String(value, 0, n, StandardCharsets.UTF_8).strip();
            if ((colon + ":" + text).equals(lastCrlfOnly)) {
                return;
            }
            if (kept + n > MAX_FROM_BYTES) {
                overflow = true;
            } else {
                kept += n;
                add(continuations, text);
            }
        }

        private void line(int start, int end) {
            byte first = m[start];
            if ((first == ' ' || first == '\t') && sawField) {
                if (from != null) {
                    append(start, end);
                } else if (pendingName != null) {
                    foldedName(start, end);
                }
                return;
            }
            pendingName = null;
            int s = start;
            while (s < end && (m[s] == ' ' || m[s] == '\t')) {
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
                from = new ByteArrayOutputStream();
                append(colon + 1, end);
                joinedOverLoneCarriageReturns(colon + 1);
            }
        }

        /**
         * A From field whose value holds a lone CR is also read the way a client that ignores a lone CR shows it
         * ({@code ceo@vic\rtim.example} as {@code ceo@victim.example}): up to the end of the field as line feeds
         * fold it, CRs dropped, kept as a possible continuation (read best-effort). At most
         * {@value #MAX_FROM_BYTES} octets are looked at.
         */
        private void joinedOverLoneCarriageReturns(int valueStart) {
            long window = (long) valueStart + MAX_FROM_BYTES;
            int fieldEnd = valueStart;
            while (fieldEnd < m.length && !(m[fieldEnd] == '\n'
                    && !(fieldEnd + 1 < m.length && (m[fieldEnd + 1] == ' ' || m[fieldEnd + 1] == '\t')))) {
                fieldEnd++;
            }
            if (window <= limit && Math.min(m.length, fieldEnd + 1) > window) {
                overflow = true;                // the field runs on past the window (review s18)
                return;
            }
            int stop = (int) Math.min(limit, (long) valueStart + MAX_FROM_BYTES);
            boolean loneCr = false;
            int i = valueStart;
            for (; i < stop; i++) {
                if (m[i] == '\n') {
                    if (i + 1 < stop && (m[i + 1] == ' ' || m[i + 1] == '\t')) {
                        continue;
                    }
                    break;
                }
                loneCr |= m[i] == '\r' && (i + 1 >= m.length || m[i + 1] != '\n');
            }
            if (!loneCr) {
                return;
            }
            ByteArrayOutputStream joined = new ByteArrayOutputStream(i - valueStart);
            for (int j = valueStart; j < i; j++) {
                if (m[j] != '\r' && m[j] != '\n') {
                    joined.write(m[j]);
                }
            }
            if (kept + joined.size() > MAX_FROM_BYTES) {
                overflow = true;
                return;
            }
            kept += joined.size();
            add(continuations, joined.toString(StandardCharsets.UTF_8).strip());
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
                from = new ByteArrayOutputStream();
                append(colon + 1, end);
                joinedOverLoneCarriageReturns(colon + 1);
            }
        }

        private boolean isFromName(int start, int end) {
            return nameLetters(start, end, "").equals(FROM);
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
