package dev.authpack.bench;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.nio.charset.Charset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.Deflater;

/**
 * A wide code footprint run between two mails ({@code -Dauthpack.bench.pollute=wide}): many unrelated JDK
 * libraries (XML parsing and serialisation, regular expressions, formatting, dates, URIs, decimal arithmetic,
 * charsets, sorted maps, compression), each a little, so that thousands of distinct methods run on the core
 * between two checks, as James' SMTP, queue and mailbox code does. What it does to the check's own cost is the
 * question; its own cost is measured alone and subtracted.
 */
final class WidePollution {
    private static final Pattern[] PATTERNS = {
            Pattern.compile("(?i)^([a-z0-9._%+-]+)@([a-z0-9.-]+\\.[a-z]{2,})$"),
            Pattern.compile("\\b(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\b"),
            Pattern.compile("(?m)^([A-Za-z-]+):\\s*(.*)$"),
            Pattern.compile("[\\p{L}]+"),
    };
    private static final String[] CHARSETS = {"UTF-16", "ISO-8859-1", "windows-1252", "UTF-8", "ISO-8859-15"};
    private static final String XML = "<?xml version=\"1.0\"?><queue><mail id=\"%d\" state=\"ready\"><sender>"
            + "a@example.com</sender><rcpt>b@example.org</rcpt><rcpt>c@example.net</rcpt><attr name=\"x\">%s</attr>"
            + "</mail></queue>";
    private static final DocumentBuilderFactory DOCUMENTS = DocumentBuilderFactory.newInstance();
    private static final TransformerFactory TRANSFORMERS = TransformerFactory.newInstance();

    private WidePollution() {
    }

    static int run(byte[] message, int round) throws Exception {
        int n = 0;
        String text = new String(message, 0, Math.min(message.length, 2048), java.nio.charset.StandardCharsets.ISO_8859_1);
        // XML: parse and write back
        org.w3c.dom.Document doc = DOCUMENTS.newDocumentBuilder()
                .parse(new org.xml.sax.InputSource(new StringReader(String.format(XML, round, "v" + round))));
        Transformer transformer = TRANSFORMERS.newTransformer();
        transformer.setOutputProperty(OutputKeys.INDENT, "yes");
        StringWriter xml = new StringWriter();
        transformer.transform(new DOMSource(doc), new StreamResult(xml));
        n += xml.getBuffer().length();
        // regular expressions over the message's header
        for (Pattern p : PATTERNS) {
            Matcher m = p.matcher(text);
            while (m.find()) {
                n += m.end() - m.start();
            }
        }
        // formatting, dates, URIs, decimals
        n += String.format(Locale.ROOT, "%s %08d %.3f %x %tF", "mail", round, round / 7.0, round, new java.util.Date(0)).length();
        ZonedDateTime date = ZonedDateTime.parse("Mon, 7 Dec 2026 04:38:37 +0000", DateTimeFormatter.RFC_1123_DATE_TIME)
                .plusSeconds(round);
        n += DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(date).length();
        URI uri = new URI("https://mail.example.com/a/b/../c?x=" + round + "#f").normalize()
                .resolve("../d/e?y=" + (round & 7));
        n += uri.toASCIIString().length();
        n += new BigDecimal(round).divide(new BigDecimal("3.14159"), 12, RoundingMode.HALF_EVEN).toPlainString().length();
        // properties, charsets, base64, UUIDs
        Properties properties = new Properties();
        properties.load(new StringReader("a=1\nb = two\\\n  lines\n# c\nd:" + round + "\n"));
        n += properties.size();
        for (String name : CHARSETS) {
            n += Charset.forName(name).encode(text.substring(0, 256)).remaining();
        }
        n += Base64.getMimeEncoder().encodeToString(message.length > 600 ? java.util.Arrays.copyOf(message, 600) : message).length();
        n += UUID.nameUUIDFromBytes(new byte[]{(byte) round}).toString().length();
        // sorted maps and sorting with comparators
        TreeMap<String, Integer> tree = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        ConcurrentSkipListMap<Integer, String> skip = new ConcurrentSkipListMap<>();
        List<String> words = new ArrayList<>();
        for (String word : text.split("[\\s:;,<>]+", 64)) {
            tree.merge(word, 1, Integer::sum);
            skip.put(word.hashCode(), word);
            words.add(word);
        }
        words.sort(Comparator.comparingInt(String::length).thenComparing(Comparator.reverseOrder()));
        n += tree.size() + skip.size() + words.size();
        // compression
        Deflater deflater = new Deflater(1);
        deflater.setInput(message, 0, Math.min(message.length, 4096));
        deflater.finish();
        byte[] out = new byte[8192];
        n += deflater.deflate(out);
        deflater.end();
        // javax.mail and mime4j on the message
        javax.mail.internet.MimeMessage parsed = new javax.mail.internet.MimeMessage(SESSION, new ByteArrayInputStream(message));
        for (java.util.Enumeration<javax.mail.Header> h = parsed.getAllHeaders(); h.hasMoreElements(); ) {
            n += h.nextElement().getValue().length();
        }
        n += new org.apache.james.mime4j.message.DefaultMessageBuilder().parseMessage(new ByteArrayInputStream(message))
                .getHeader().getFields().size();
        n += ProfilePollution.run(round);
        return n;
    }

    private static final javax.mail.Session SESSION = javax.mail.Session.getInstance(new Properties());
}
