package dev.authpack.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Inputs for the differential tests of the header readers: every saved fuzz input of every target (raw bytes, and
 * also without its first byte, which some targets use as a parameter), and random header sections built from the
 * pieces that split readers apart (bare CR, CR CR LF, LF-only and mixed line ends, NUL and other controls, names
 * folded before their colon, leading continuation lines, a missing empty line, UTF-8 look-alike names, a quoted
 * authserv-id split by a bare CR).
 */
public final class HostileHeaders {
    /** The random header sections each differential test runs. */
    public static final int RANDOM_SECTIONS = 20_000;

    private static final String[] PIECES = {
        "\r", "\n", "\r\n", "\r\r\n", "\r\r", "\n\r", " ", "\t", "\0", "\u000b", "\f", ":", ";", " : ",
        "From", "from", "FROM", "Fr om", "Fr\0om", "From :", "From\r\n :", "From\n :", "From\r :", " From:",
        "\tFrom: ", "From: a@x.example", "From: ceo@vic\rtim.example", "From:\r\n <b@y.example>",
        "Authentication-Results", "authentication-results", "Authentication-Results :", "Authentication-Results: ",
        "Authentication-Re\r\n sults:", "\0Authentication-Results\u000b:", "Authent\u0131cation-Results:",
        "Authentication-Re\u017fults:", "Authentication-Results: mx.test; dmarc=pass", " mx.test; dkim=pass",
        "\r\n dkim=pass", "\n\tspf=pass", "X: y", "Subject: hi", "To: b@example.org", "no colon here",
        "\r\n\r\n", "\n\n", "\r\n\n", "\n\r\n", "\r\r\n\r\n", "body\r\n", "\u00e9", "\u00ff", "<c@z.example>",
        "Authentication-Results: \"mx.test\r", "\"mx.te\rst\"; dkim=pass",
        "From\r:", "Fr\rom: ceo@victim.example", "From \r: ", "Authentication-Results\r: mx.test; dmarc=pass",
        "Authentic\ration-Results: mx.test; dkim=pass",
    };

    private HostileHeaders() {
    }

    /** Every saved fuzz input of the fuzz module (all targets), and each also without its first byte. */
    public static List<byte[]> corpus() {
        URL root = HostileHeaders.class.getResource("/dev/authpack");
        if (root == null) {
            throw new IllegalStateException("no fuzz corpus on the test class path");
        }
        List<byte[]> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Paths.get(root.toURI()))) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                byte[] data = Files.readAllBytes(file);
                out.add(data);
                if (data.length > 0) {
                    out.add(java.util.Arrays.copyOfRange(data, 1, data.length));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** The messages {@link #firstLineBareLf} makes. */
    public static final int FIRST_LINE_BARE_LF_MESSAGES = 20_000;

    /** Line contents for {@link #firstLineBareLf}: fields, forged ones split where only some readers join them. */
    private static final String[] LINES = {
        "From: a@x.example", "Subject: hi", "X: y", "no colon here", "", " ", "\tspf=pass", " mx.test; dkim=pass",
        "Authentication-Results", ": mx.test; dkim=pass", "Authentication-Results: mx.test; dkim=pass",
        "Authentication-Results: other.example; spf=pass", "Authentication-Results: (x", ") mx.test; dkim=pass",
        "Authentication-Results: \"mx.te", "st\"; dkim=pass", "Authentication-Results:", "X: y; mx.test",
    };

    /** Line ends after the first line: CRLF mostly, else each a reading splits differently. */
    private static final String[] LINE_ENDS = {"\r\n", "\r\n", "\r\n", "\n", "\n", "\r", "\r\r\n", "\n\r"};

    /**
     * {@link #FIRST_LINE_BARE_LF_MESSAGES} messages whose first line ends with a bare LF and whose later lines end
     * mostly with CRLF (review s17 L2: a CRLF-only reader reads the first line on to the first CRLF, then every
     * line after it as a field, and ends the header section only at CRLF CRLF). Lines are fields, parts of forged
     * {@code Authentication-Results} fields and empty lines, so that the empty line of each reading, a forged field
     * after it, and a name or comment that only a CRLF-only reader joins over a bare LF all come up; one in eight
     * has bare LFs all through the header section and CRLF only further on.
     */
    public static List<byte[]> firstLineBareLf(long seed) {
        return firstLineBareLf(seed, LINES);
    }

    /** Line contents for {@link #firstLineBareLfFrom}: From fields, split where only some readers join them. */
    private static final String[] FROM_LINES = {
        "From: a@x.example", "Subject: hi", "X: y", "no colon here", "", " ", "\t<b@y.example>", "From",
        ": ceo@victim.example", "Fr", "om : ceo@victim.example", "From: ceo@vic", "tim.example", "From:",
        " ceo@victim.example",
    };

    /**
     * {@link #FIRST_LINE_BARE_LF_MESSAGES} messages made as {@link #firstLineBareLf} makes them, of From fields:
     * names and values that only a CRLF-only reader joins over a bare LF or a lone CR (review s17 L2, DMARC's From
     * scan), and empty lines of each reading with From fields after them.
     */
    public static List<byte[]> firstLineBareLfFrom(long seed) {
        return firstLineBareLf(seed, FROM_LINES);
    }

    /** The messages {@link #bareLfLoneCr} makes. */
    public static final int BARE_LF_LONE_CR_MESSAGES = 20_000;

    /** Line contents for {@link #bareLfLoneCr}: From and Authentication-Results fields, names split by a lone CR. */
    private static final String[] LONE_CR_LINES = {
        "From\r: ceo@victim.example", "Fr\rom: ceo@victim.example", "From \r: ceo@victim.example",
        "F\r\rrom: ceo@victim.example", "From\r\t: ceo@victim.example", "Fr", " om\r: ceo@victim.example",
        "Authentication-Results\r: mx.test; dmarc=pass", "Authentic\ration-Results: mx.test; dkim=pass",
        "Authentication-Results \r: mx.test; dkim=pass", "\rAuthentication-Results: mx.test; dkim=pass",
    };

    /**
     * {@value #BARE_LF_LONE_CR_MESSAGES} messages with no CR LF anywhere (review s18): lines end with bare LFs, a
     * few with a lone CR; lines are those of {@link #firstLineBareLfFrom} and {@link #firstLineBareLf} and names
     * split by a lone CR, and one line in four gets a lone CR at a random place. An LF-only reader (mime4j) reads
     * such a CR as part of its line (white space in a name), javax.mail as a line end.
     */
    public static List<byte[]> bareLfLoneCr(long seed) {
        Random random = new Random(seed);
        String[][] sources = {FROM_LINES, LINES, LONE_CR_LINES};
        List<byte[]> out = new ArrayList<>(BARE_LF_LONE_CR_MESSAGES);
        for (int n = 0; n < BARE_LF_LONE_CR_MESSAGES; n++) {
            StringBuilder message = new StringBuilder();
            for (int lines = 1 + random.nextInt(10); lines > 0; lines--) {
                String[] source = sources[random.nextInt(sources.length)];
                String line = random.nextInt(10) == 0 ? PIECES[random.nextInt(PIECES.length)]
                        : source[random.nextInt(source.length)];
                if (!line.isEmpty() && random.nextInt(4) == 0) {
                    int at = random.nextInt(line.length());
                    line = line.substring(0, at) + "\r" + line.substring(at);
                }
                message.append(line).append(random.nextInt(8) == 0 ? "\r" : "\n");
            }
            if (random.nextBoolean()) {
                message.append("\nFrom\r: body@victim.example\nbody\n");
            }
            String text = message.toString();
            while (text.contains("\r\n")) {
                text = text.replace("\r\n", "\r\r"); // no CR LF anywhere: each replacement takes a LF away
            }
            out.add(text.getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    private static List<byte[]> firstLineBareLf(long seed, String[] contents) {
        Random random = new Random(seed);
        List<byte[]> out = new ArrayList<>(FIRST_LINE_BARE_LF_MESSAGES);
        for (int n = 0; n < FIRST_LINE_BARE_LF_MESSAGES; n++) {
            StringBuilder message = new StringBuilder(contents[random.nextInt(contents.length)]).append('\n');
            boolean lfHeader = random.nextInt(8) == 0;
            boolean headerEnded = false;
            for (int lines = 1 + random.nextInt(10); lines > 0; lines--) {
                String line = random.nextInt(10) == 0 ? PIECES[random.nextInt(PIECES.length)]
                        : contents[random.nextInt(contents.length)];
                headerEnded |= line.isEmpty();
                String end = lfHeader && !headerEnded ? "\n" : LINE_ENDS[random.nextInt(LINE_ENDS.length)];
                message.append(line).append(random.nextInt(12) == 0 ? "" : end);
            }
            out.add(message.toString().getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    /**
     * Runs {@code check} on every input, and fails when any broke it with how many did ({@code "N of M inputs "} +
     * {@code broke}) and the first one's message: a property test's count before and after a fix.
     */
    public static void checkEach(List<byte[]> inputs, String broke, Consumer<byte[]> check) {
        int failures = 0;
        AssertionError first = null;
        for (byte[] input : inputs) {
            try {
                check.accept(input);
            } catch (AssertionError e) {
                failures++;
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw new AssertionError(failures + " of " + inputs.size() + " inputs " + broke + "; the first: "
                    + first.getMessage(), first);
        }
    }

    /** {@link #RANDOM_SECTIONS} random header sections (some with a body, some without an empty line). */
    public static List<byte[]> random(long seed) {
        Random random = new Random(seed);
        List<byte[]> out = new ArrayList<>(RANDOM_SECTIONS);
        for (int n = 0; n < RANDOM_SECTIONS; n++) {
            ByteArrayOutputStream section = new ByteArrayOutputStream();
            int pieces = random.nextInt(40);
            for (int i = 0; i < pieces; i++) {
                if (random.nextInt(8) == 0) {
                    section.write(random.nextInt(256)); // any octet at all
                } else {
                    section.writeBytes(PIECES[random.nextInt(PIECES.length)].getBytes(StandardCharsets.UTF_8));
                }
            }
            if (random.nextInt(50) == 0) {
                byte[] once = section.toByteArray(); // past the bounds on From fields kept
                for (int times = 20 + random.nextInt(40); times > 0; times--) {
                    section.writeBytes(once);
                }
            }
            switch (random.nextInt(4)) {
                case 0 -> section.writeBytes("\r\n\r\nFrom: body@x.example\r\n".getBytes(StandardCharsets.UTF_8));
                case 1 -> section.writeBytes("\n\nAuthentication-Results: mx.test; none\n".getBytes(StandardCharsets.UTF_8));
                default -> { } // no empty line at all
            }
            out.add(section.toByteArray());
        }
        return out;
    }
}
