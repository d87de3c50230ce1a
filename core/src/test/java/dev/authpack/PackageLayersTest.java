package dev.authpack;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The package graph of core's main sources has no upward or sideways arrow. Layers, bottom first:
 * <ol>
 *   <li>{@code dns}: domain names, IP literals, DNS;</li>
 *   <li>{@code mail}: messages, header fields, mail addresses;</li>
 *   <li>{@code dkim.internal}: the DKIM machinery ARC signs and verifies with (canonicalizers, tag lists, key
 *       records); not DKIM's public API;</li>
 *   <li>the protocols {@code dkim} (with {@code dkim.sign}), {@code spf}, {@code iprev}, {@code dmarc},
 *       {@code arc}, {@code relay}, {@code report}, {@code conformance}: none knows another;</li>
 *   <li>{@code authres}: Authentication-Results;</li>
 *   <li>{@code check}: the engine on top.</li>
 * </ol>
 * The arrows that remain outside this order are listed in {@link #ALLOWED} with the reason each cannot go. An arrow
 * is any reference to {@code dev.authpack.<package>.} in code (imports and qualified names; comments are ignored).
 */
class PackageLayersTest {
    private static final Logger LOG = LoggerFactory.getLogger(PackageLayersTest.class);
    private static final Path MAIN = Paths.get("src/main/java/dev/authpack");

    private static final List<Set<String>> LAYERS = List.of(
            Set.of("dns"),
            Set.of("mail"),
            Set.of("dkim.internal"),
            Set.of("dkim", "spf", "iprev", "dmarc", "arc", "relay", "report", "conformance"),
            Set.of("authres"),
            Set.of("check"));

    /** Arrows outside the layer order that stay, each with its reason. */
    private static final Map<String, String> ALLOWED = Map.of(
            "dkim.internal -> dkim", "the machinery speaks DKIM's vocabulary (Canonicalization, DkimAlgorithm, "
                    + "DkimSignature, DkimStatus): one family, its public types stay where DKIM users find them",
            "arc -> dkim", "ARC seals with a DKIM key and DKIM's algorithms and canonicalizations (RFC 8617 §4.1.2, "
                    + "§5.1): DkimSigningKey, DkimSignOptions, DkimAlgorithm, Canonicalization, DkimSignature",
            "arc -> authres", "ARC-Authentication-Results is an Authentication-Results payload (RFC 8617 §4.1.1): "
                    + "ARC parses and writes it and reads our authserv-id",
            "dmarc -> dkim", "DMARC's inputs are the DKIM results (RFC 9989 §4.4): DkimReport, DkimResult",
            "dmarc -> spf", "DMARC's inputs are the SPF result (RFC 9989 §4.4): SpfResult, SpfStatus, SpfIdentity");

    private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.authpack\\.([a-z][a-z0-9]*(?:\\.[a-z][a-z0-9]*)*)");

    @Test
    void noUpwardOrSidewaysArrow() throws IOException {
        Map<String, Set<String>> graph = graph();
        StringBuilder printed = new StringBuilder("core package graph (arrow = uses):\n");
        graph.forEach((from, tos) -> printed.append("  ").append(from).append(" -> ").append(tos).append('\n'));
        LOG.info("{}", printed);

        List<String> forbidden = new ArrayList<>();
        Set<String> used = new TreeSet<>();
        graph.forEach((from, tos) -> {
            for (String to : tos) {
                String arrow = from + " -> " + to;
                if (layer(to) < layer(from)) {
                    continue;
                }
                if (ALLOWED.containsKey(arrow)) {
                    used.add(arrow);
                } else {
                    forbidden.add(arrow + (layer(to) == layer(from) ? " (sideways)" : " (upward)"));
                }
            }
        });
        assertThat(forbidden).as("forbidden arrows in\n%s", printed).isEmpty();
        assertThat(used).as("an allowed exception no code needs any more: remove it").containsAll(ALLOWED.keySet());
    }

    @Test
    void everyPackageHasALayer() throws IOException {
        for (String node : graph().keySet()) {
            assertThat(layer(node)).as(node).isNotNegative();
        }
    }

    @Test
    void referencesInCommentsAndStringsAreNotArrows() {
        String code = stripComments("""
                import dev.authpack.dns.IpLiterals; // see dev.authpack.check
                /* dev.authpack.authres */ String s = "dev.authpack.arc";
                """);
        assertThat(references(code)).containsExactly("dns");
    }

    private static Map<String, Set<String>> graph() throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String from = node(MAIN.relativize(file.getParent()).toString().replace('/', '.'));
                Set<String> tos = graph.computeIfAbsent(from, k -> new TreeSet<>());
                for (String to : references(stripComments(Files.readString(file, StandardCharsets.UTF_8)))) {
                    if (!to.equals(from)) {
                        tos.add(to);
                    }
                }
            }
        }
        return graph;
    }

    private static Set<String> references(String code) {
        Set<String> out = new TreeSet<>();
        Matcher m = REFERENCE.matcher(code);
        while (m.find()) {
            out.add(node(m.group(1)));
        }
        return out;
    }

    /** {@code dkim.internal} is a node of its own; other sub-packages belong to their top package. */
    private static String node(String pkg) {
        if (pkg.equals("dkim.internal") || pkg.startsWith("dkim.internal.")) {
            return "dkim.internal";
        }
        int dot = pkg.indexOf('.');
        return dot < 0 ? pkg : pkg.substring(0, dot);
    }

    private static int layer(String node) {
        for (int i = 0; i < LAYERS.size(); i++) {
            if (LAYERS.get(i).contains(node)) {
                return i;
            }
        }
        return -1;
    }

    /** Code without comments and string literals (a javadoc link is no dependency). */
    static String stripComments(String source) {
        StringBuilder out = new StringBuilder(source.length());
        int i = 0;
        int n = source.length();
        while (i < n) {
            char c = source.charAt(i);
            if (c == '/' && i + 1 < n && source.charAt(i + 1) == '/') {
                while (i < n && source.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && source.charAt(i + 1) == '*') {
                int end = source.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else if (source.startsWith("\"\"\"", i)) {
                int end = source.indexOf("\"\"\"", i + 3);
                out.append("\"\"");
                i = end < 0 ? n : end + 3;
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < n && source.charAt(j) != c) {
                    j += source.charAt(j) == '\\' ? 2 : 1;
                }
                out.append(c).append(c);
                i = j + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
