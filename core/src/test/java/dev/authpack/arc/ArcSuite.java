package dev.authpack.arc;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads the ValiMail ARC suites copied under {@code src/test/resources/testsuites/arc/}. */
final class ArcSuite {
    static final String DIR = "/testsuites/arc/";

    private ArcSuite() {
    }

    /** The scenarios of a multi-document suite file, in order. */
    static List<Map<?, ?>> scenarios(String file) {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(16 * 1024 * 1024);
        Yaml yaml = new Yaml(new SafeConstructor(options));
        List<Map<?, ?>> out = new ArrayList<>();
        try (InputStream in = ArcSuite.class.getResourceAsStream(DIR + file)) {
            if (in == null) {
                throw new IllegalStateException(DIR + file + " not on the test class path");
            }
            for (Object doc : yaml.loadAll(in)) {
                if (doc != null) {
                    out.add((Map<?, ?>) doc);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The message text as the harness writes it to a file: UTF-8, the YAML's LF line ends. */
    static byte[] message(Map<?, ?> test) {
        Object m = test.get("message");
        return (m == null ? "" : m.toString()).getBytes(StandardCharsets.UTF_8);
    }

    /** The same message with every LF made CRLF (what an MTA would hand over). */
    static byte[] crlf(byte[] lf) {
        String text = new String(lf, StandardCharsets.UTF_8);
        return text.replace("\r\n", "\n").replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
    }
}
