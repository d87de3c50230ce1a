package dev.authpack.report;

import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import java.io.StringReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the XML of a DMARC aggregate report (RFC 7489 Appendix C; RFC 9990's {@code dmarc-2.0} namespace and
 * elements; the pre-RFC draft format, which has the same elements) with the JDK's own StAX parser
 * ({@link XMLInputFactory#newDefaultFactory()}, whatever else is on the class path), DTDs and external entities
 * disabled: a document with a DOCTYPE is rejected before parsing, so no entity is ever expanded and no file or URL
 * is read. Only the report's elements are kept, at their place in RFC 7489 Appendix C's schema ({@link #SCHEMA}):
 * extensions, unknown elements and elements out of place are skipped unread, and of an element that does not repeat
 * in the schema only the first is kept; each value at most {@value #MAX_VALUE_CHARS} characters, records and
 * results within {@link ReportLimits}. Each {@code <record>} becomes an {@link AggregateReport.Row} as soon as it
 * ends, is added to the {@link AggregateTally} and is released: the elements held at once are those of the
 * metadata, the policy and one record (about 1,300 at most), whatever the number of records.
 *
 * <p>Lenient as parsedmarc is: bytes that are not valid UTF-8 are decoded with replacement characters (or as
 * windows-1252 when no charset is declared), and XML that is not well-formed because of a stray {@code <} or
 * {@code &} in a value (parsedmarc's {@code invalid_xml.xml}: {@code <email><bad-xml@bad-xml.net></email>}) is read
 * once more with those characters escaped; the report's {@code problem} then says so. The report is the first
 * {@code <feedback>} element, also when a wrapper encloses it, and reading stops at its end (IKEA's reports open an
 * {@code xs:schema} element they never close; parsedmarc removes it).
 */
final class AggregateXml {
    /** Longest value kept of one element (addresses, domains and comments are far shorter). */
    static final int MAX_VALUE_CHARS = 1000;
    /**
     * Elements open at once, wrappers included (a report is 5 deep: feedback/record/auth_results/dkim/domain). The
     * JDK's StAX reader holds an entry per open element, about 45 octets: 16 MiB of {@code <a>} nest 5.6 million
     * deep (~250 MB), bounded before only by the parse time (review s23); deeper is {@link Rejected} when met.
     */
    static final int MAX_DEPTH = 64;
    /** Events between two looks at the clock. */
    private static final int DEADLINE_EVERY = 1024;
    /** Characters of the XML repair between two looks at the clock. */
    private static final int REPAIR_DEADLINE_EVERY = 64 * 1024;
    /**
     * The elements read, by parent (RFC 7489 Appendix C; RFC 9990 adds np, testing, discovery_method and
     * generator): everything else is skipped unread. A {@code dkim} and {@code spf} under {@code auth_results} has
     * children, under {@code policy_evaluated} only text.
     */
    static final Map<String, Set<String>> SCHEMA = Map.ofEntries(
            Map.entry("feedback", Set.of("version", "report_metadata", "policy_published", "record")),
            Map.entry("report_metadata", Set.of("org_name", "email", "extra_contact_info", "report_id",
                    "date_range", "error", "generator")),
            Map.entry("date_range", Set.of("begin", "end")),
            Map.entry("policy_published", Set.of("domain", "adkim", "aspf", "p", "sp", "np", "pct", "fo",
                    "testing", "discovery_method")),
            Map.entry("record", Set.of("row", "identifiers", "auth_results")),
            Map.entry("row", Set.of("source_ip", "count", "policy_evaluated")),
            Map.entry("policy_evaluated", Set.of("disposition", "dkim", "spf", "reason")),
            Map.entry("reason", Set.of("type", "comment")),
            Map.entry("identifiers", Set.of("header_from", "envelope_from", "envelope_to")),
            Map.entry("auth_results", Set.of("dkim", "spf")),
            Map.entry("dkim", Set.of("domain", "selector", "result", "human_result")),
            Map.entry("spf", Set.of("domain", "scope", "result", "human_result")));
    /**
     * The elements that repeat (parent/child): records (kept within {@link ReportLimits#maxRecords()} and
     * {@link ReportLimits#maxKeptResults()}, counted all), and errors, reasons and results (each at most
     * {@link ReportLimits#maxAuthResults()} per parent). Of any other element only the first is read.
     */
    private static final Set<String> REPEATED = Set.of("feedback/record", "report_metadata/error",
            "policy_evaluated/reason", "auth_results/dkim", "auth_results/spf");
    private static final Pattern DOCTYPE = Pattern.compile("<!DOCTYPE", Pattern.CASE_INSENSITIVE);
    private static final Pattern DECLARED = Pattern.compile("^\\s*<\\?xml[^>]*encoding\\s*=\\s*[\"']([A-Za-z0-9._:-]{1,40})[\"']");
    /**
     * What may follow a '<' in well-formed XML: a tag, a comment, a processing instruction or CDATA. Possessive
     * quantifiers: the name and the attributes are each read once, up to the next '<' or '>', never split and
     * tried again (review s20: "\\s+[^<>]*" split a run of spaces in as many ways as it was long, quadratic);
     * the scans from successive '<' do not overlap, so {@link #repair} is linear.
     */
    private static final Pattern MARKUP = Pattern.compile(
            "<(?:/?[A-Za-z_][\\w.:-]*+(?:\\s[^<>]*+)?+/?>|!--|\\?|!\\[CDATA\\[)");
    private static final Pattern REFERENCE = Pattern.compile("&(?:#[0-9]{1,7}|#x[0-9A-Fa-f]{1,6}|lt|gt|amp|quot|apos);");
    private static final XMLInputFactory FACTORY = factory();

    /** The XML was not a report or could not be read. */
    static final class Rejected extends Exception {
        Rejected(String reason) {
            super(reason, null, false, false);
        }
    }

    /** A kept element: its local name, text and kept children. */
    private record Node(String name, StringBuilder text, List<Node> children) {
        Node(String name) {
            this(name, new StringBuilder(), new ArrayList<>());
        }

        Node child(String childName) {
            for (Node c : children) {
                if (c.name.equals(childName)) {
                    return c;
                }
            }
            return null;
        }

        List<Node> all(String childName) {
            List<Node> out = new ArrayList<>();
            for (Node c : children) {
                if (c.name.equals(childName)) {
                    out.add(c);
                }
            }
            return out;
        }

        String value(String childName) {
            Node c = child(childName);
            if (c == null) {
                return null;
            }
            String v = c.text.toString().strip();
            return v.isEmpty() ? null : v;
        }

        String word(String childName) {
            String v = value(childName);
            return v == null ? null : v.toLowerCase(Locale.ROOT);
        }
    }

    /** What a parse kept, and whether the limits dropped anything. */
    private static final class Tree {
        Node root;
        String first;
        String namespace;
        boolean truncated;
        final List<AggregateReport.Row> rows = new ArrayList<>();
        final AggregateTally tally = new AggregateTally();
        /** Results and reasons of the kept rows. */
        private int kept;
        /** A record was not kept: no later one is (the kept records are the first ones). */
        private boolean full;

        /** Counts a record read and keeps it while within maxRecords and maxKeptResults. */
        void record(AggregateReport.Row row, ReportLimits limits) {
            tally.add(row);
            int results = row.dkimResults().size() + row.spfResults().size() + row.reasons().size();
            if (!full && rows.size() < limits.maxRecords() && results <= limits.maxKeptResults() - kept) {
                rows.add(row);
                kept += results;
            } else {
                full = true;
                truncated = true;
            }
        }
    }

    private AggregateXml() {
    }

    private static XMLInputFactory factory() {
        XMLInputFactory f = XMLInputFactory.newDefaultFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, false);
        f.setProperty(XMLInputFactory.IS_COALESCING, true);
        f.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        f.setXMLResolver((publicId, systemId, base, ns) -> {
            throw new XMLStreamException("external entity refused: " + systemId);
        });
        return f;
    }

    /** The report in {@code xml}; compression and file name are only recorded. */
    static AggregateReport parse(byte[] xml, String compression, String fileName, ReportLimits limits,
                                 Deadline deadline) throws Rejected {
        String text = decode(xml);
        if (text.isBlank()) {
            throw new Rejected("empty XML");
        }
        if (DOCTYPE.matcher(text).find()) {
            throw new Rejected("a DOCTYPE (DTD) is not allowed in a report");
        }
        String problem = null;
        Tree tree;
        try {
            tree = read(text, limits, deadline);
        } catch (XMLStreamException first) {
            String repaired = repair(text, deadline);
            try {
                tree = read(repaired, limits, deadline);
            } catch (XMLStreamException second) {
                throw new Rejected("not well-formed XML: " + message(first));
            }
            problem = "not well-formed XML, read with stray '<' and '&' escaped: " + message(first);
        }
        if (tree.first == null) {
            throw new Rejected("no XML element");
        }
        if (tree.root == null) {
            throw new Rejected("XML root is <" + tree.first + ">, not <feedback>");
        }
        return report(tree, compression, fileName, problem);
    }

    private static String message(XMLStreamException e) {
        String m = String.valueOf(e.getMessage()).replaceAll("\\s+", " ").strip();
        return m.length() > 200 ? m.substring(0, 200) : m;
    }

    /**
     * The document's characters: a BOM's or the declared encoding (UTF-8 with replacement characters for bytes
     * that are not UTF-8), else UTF-8 when the bytes are valid UTF-8, else windows-1252.
     */
    static String decode(byte[] xml) {
        int b0 = xml.length > 0 ? xml[0] & 0xFF : -1;
        int b1 = xml.length > 1 ? xml[1] & 0xFF : -1;
        if (b0 == 0xFE && b1 == 0xFF || b0 == 0xFF && b1 == 0xFE) {
            return strip(new String(xml, b0 == 0xFE ? StandardCharsets.UTF_16BE : StandardCharsets.UTF_16LE));
        }
        String head = new String(xml, 0, Math.min(xml.length, 200), StandardCharsets.ISO_8859_1);
        int start = head.startsWith("\u00EF\u00BB\u00BF") ? 3 : 0;
        Matcher m = DECLARED.matcher(head.substring(start));
        String declared = m.find() ? m.group(1) : null;
        Charset charset = MimeScan.charset(declared, xml);
        if (charset.equals(StandardCharsets.UTF_16) || charset.name().startsWith("UTF-16")
                || charset.name().startsWith("UTF-32")) {
            // declared, but the declaration itself was readable as ASCII: it is not
            charset = StandardCharsets.UTF_8;
        }
        return strip(new String(xml, start, xml.length - start, charset));
    }

    private static String strip(String s) {
        return !s.isEmpty() && s.charAt(0) == '\uFEFF' ? s.substring(1) : s;
    }

    /** Escapes each '<' and '&' that cannot start markup or a reference, and drops characters XML 1.0 forbids. */
    static String repair(String text, Deadline deadline) {
        StringBuilder out = new StringBuilder(text.length() + 64);
        Matcher markup = MARKUP.matcher(text);
        Matcher reference = REFERENCE.matcher(text);
        for (int i = 0; i < text.length(); i++) {
            if (i % REPAIR_DEADLINE_EVERY == 0) {
                deadline.check();
            }
            char c = text.charAt(i);
            if (c == '<' && !markup.region(i, text.length()).lookingAt()) {
                out.append("&lt;");
            } else if (c == '&' && !reference.region(i, text.length()).lookingAt()) {
                out.append("&amp;");
            } else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0xFFFE || c == 0xFFFF) {
                out.append('\uFFFD');
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** The StAX read alone, without the DOCTYPE check before it (tests: the parser refuses DTDs by itself). */
    static void readForTest(String text) throws XMLStreamException, Rejected {
        read(text, ReportLimits.DEFAULTS, Deadline.NONE);
    }

    private static Tree read(String text, ReportLimits limits, Deadline deadline)
            throws XMLStreamException, Rejected {
        Tree tree = new Tree();
        XMLStreamReader reader = FACTORY.createXMLStreamReader(new StringReader(text));
        try {
            List<Node> stack = new ArrayList<>();
            // by identity: a Node's record equality follows its growing children
            Map<Node, Map<String, Integer>> counts = new java.util.IdentityHashMap<>();
            int skipping = 0;
            int events = 0;
            int depth = 0;
            while (reader.hasNext()) {
                int event = reader.next();
                if (++events % DEADLINE_EVERY == 0) {
                    deadline.check();
                }
                switch (event) {
                    case XMLStreamConstants.DTD -> throw new XMLStreamException("DTD not allowed");
                    case XMLStreamConstants.ENTITY_REFERENCE ->
                            throw new XMLStreamException("undeclared entity &" + reader.getLocalName() + ";");
                    case XMLStreamConstants.START_ELEMENT -> {
                        if (++depth > MAX_DEPTH) {
                            throw new Rejected("XML elements nested deeper than " + MAX_DEPTH);
                        }
                        String name = localName(reader.getLocalName());
                        if (tree.first == null) {
                            tree.first = name;
                        }
                        if (skipping > 0) {
                            skipping++;
                        } else if (tree.root == null) {
                            // the report is the first <feedback>, also inside a wrapper (IKEA's unclosed xs:schema)
                            if (name.equals("feedback")) {
                                tree.root = new Node(name);
                                tree.namespace = namespace(reader);
                                stack.add(tree.root);
                            }
                        } else if (!SCHEMA.getOrDefault(stack.get(stack.size() - 1).name, Set.of()).contains(name)) {
                            skipping = 1;
                        } else {
                            Node parent = stack.get(stack.size() - 1);
                            int seen = counts.computeIfAbsent(parent, k -> new HashMap<>()).merge(name, 1, Integer::sum);
                            boolean repeated = REPEATED.contains(parent.name + "/" + name);
                            if (!repeated && seen > 1) {
                                // only the first is ever read (Node.child)
                                skipping = 1;
                            } else if (repeated && parent != tree.root && seen > limits.maxAuthResults()) {
                                tree.truncated = true;
                                skipping = 1;
                            } else {
                                Node node = new Node(name);
                                parent.children.add(node);
                                stack.add(node);
                            }
                        }
                    }
                    case XMLStreamConstants.END_ELEMENT -> {
                        depth--;
                        if (skipping > 0) {
                            skipping--;
                        } else if (!stack.isEmpty()) {
                            Node done = stack.remove(stack.size() - 1);
                            counts.remove(done);
                            if (stack.isEmpty()) {
                                // the report is complete: what follows it (a wrapper's end, junk) is not read
                                return tree;
                            }
                            if (stack.size() == 1 && done.name.equals("record")) {
                                // a record ends: kept as a row (or only counted), its elements released
                                tree.root.children.remove(tree.root.children.size() - 1);
                                tree.record(row(done), limits);
                            }
                        }
                    }
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                        if (skipping == 0 && !stack.isEmpty()) {
                            StringBuilder sb = stack.get(stack.size() - 1).text;
                            if (sb.length() < MAX_VALUE_CHARS) {
                                String chars = reader.getText();
                                sb.append(chars, 0, Math.min(chars.length(), MAX_VALUE_CHARS - sb.length()));
                            }
                        }
                    }
                    default -> {
                    }
                }
            }
        } finally {
            reader.close();
        }
        return tree;
    }

    private static String localName(String name) {
        int colon = name.indexOf(':');
        return (colon >= 0 ? name.substring(colon + 1) : name).toLowerCase(Locale.ROOT);
    }

    /** The root's default namespace (RFC 9990: urn:ietf:params:xml:ns:dmarc-2.0), or null. */
    private static String namespace(XMLStreamReader reader) {
        for (int i = 0; i < reader.getAttributeCount(); i++) {
            if (reader.getAttributeLocalName(i).equals("xmlns")) {
                String v = reader.getAttributeValue(i).strip();
                return v.length() > MAX_VALUE_CHARS ? v.substring(0, MAX_VALUE_CHARS) : v;
            }
        }
        return null;
    }

    private static AggregateReport report(Tree tree, String compression, String fileName, String problem) {
        Node root = tree.root;
        Node meta = orEmpty(root.child("report_metadata"));
        Node range = orEmpty(meta.child("date_range"));
        List<String> errors = new ArrayList<>();
        for (Node e : meta.all("error")) {
            String v = e.text.toString().strip();
            if (!v.isEmpty()) {
                errors.add(v);
            }
        }
        AggregateReport.Metadata metadata = new AggregateReport.Metadata(meta.value("org_name"), meta.value("email"),
                meta.value("extra_contact_info"), meta.value("report_id"), number(range.value("begin")),
                number(range.value("end")), errors, meta.value("generator"));
        Node pol = orEmpty(root.child("policy_published"));
        AggregateReport.PolicyPublished policy = new AggregateReport.PolicyPublished(pol.value("domain"),
                pol.word("adkim"), pol.word("aspf"), pol.word("p"), pol.word("sp"), pol.word("np"), pol.value("pct"),
                pol.word("fo"), pol.word("testing"), pol.word("discovery_method"));
        return new AggregateReport(root.value("version"), tree.namespace, metadata, policy, tree.rows, compression,
                fileName, tree.truncated, problem, tree.tally.summary());
    }

    private static AggregateReport.Row row(Node record) {
        Node row = orEmpty(record.child("row"));
        Node evaluated = orEmpty(row.child("policy_evaluated"));
        List<AggregateReport.Reason> reasons = new ArrayList<>();
        for (Node r : evaluated.all("reason")) {
            String type = r.word("type");
            String comment = r.value("comment");
            if (type != null || comment != null) {
                reasons.add(new AggregateReport.Reason(type, comment));
            }
        }
        Node ids = orEmpty(record.child("identifiers"));
        Node auth = orEmpty(record.child("auth_results"));
        List<AggregateReport.DkimResult> dkim = new ArrayList<>();
        for (Node d : auth.all("dkim")) {
            dkim.add(new AggregateReport.DkimResult(d.value("domain"), d.value("selector"), d.word("result"),
                    d.value("human_result")));
        }
        List<AggregateReport.SpfResult> spf = new ArrayList<>();
        for (Node s : auth.all("spf")) {
            spf.add(new AggregateReport.SpfResult(s.value("domain"), s.word("scope"), s.word("result"),
                    s.value("human_result")));
        }
        return new AggregateReport.Row(row.value("source_ip"), count(row.value("count")),
                evaluated.word("disposition"), evaluated.word("dkim"), evaluated.word("spf"), reasons,
                ids.value("header_from"), ids.value("envelope_from"), ids.value("envelope_to"), dkim, spf);
    }

    private static Node orEmpty(Node node) {
        return node == null ? new Node("") : node;
    }

    /**
     * A record's message count: 0 when missing or not a number, {@link AggregateReport#MAX_COUNT} when larger
     * (also when too long for a long).
     */
    private static long count(String value) {
        Long n = number(value);
        if (n != null) {
            return Math.max(0, Math.min(n, AggregateReport.MAX_COUNT));
        }
        String v = value == null ? "" : value.endsWith(".0") ? value.substring(0, value.length() - 2) : value;
        return !v.isEmpty() && v.chars().allMatch(c -> c >= '0' && c <= '9') ? AggregateReport.MAX_COUNT : 0;
    }

    /** A decimal integer (a reporter's "1530133200.0" too), or null. */
    private static Long number(String value) {
        if (value == null) {
            return null;
        }
        String v = value.endsWith(".0") ? value.substring(0, value.length() - 2) : value;
        if (v.isEmpty() || v.length() > 18) {
            return null;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
