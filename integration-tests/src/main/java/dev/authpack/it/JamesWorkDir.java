package dev.authpack.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Builds a James working directory the way an administrator would: {@code conf/} copied from a template folder
 * (normally {@code conf-samples/james}; its {@code *.md} files are left out) with its {@code @NAME@} placeholders
 * filled in, and the pack JAR(s) copied into {@code extensions-jars/}.
 *
 * <p>A placeholder left without a value is an error (better than a James that half-starts on "@DNS_SERVERS@").
 */
public final class JamesWorkDir {
    /** {@code @NAME@} with NAME in upper case, digits and underscores. */
    public static final Pattern PLACEHOLDER = Pattern.compile("@([A-Z][A-Z0-9_]*)@");
    /** Files in the template larger than this are copied but not scanned for placeholders. */
    private static final long MAX_TEMPLATE_FILE_BYTES = 1 << 20;
    /** Bound on the number of files copied from a template folder. */
    private static final int MAX_TEMPLATE_FILES = 200;

    private final Path template;
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Map<String, List<UnaryOperator<String>>> edits = new LinkedHashMap<>();
    private final Map<String, String> extraFiles = new LinkedHashMap<>();
    private final List<Path> extensionJars = new ArrayList<>();

    public JamesWorkDir(Path template) {
        this.template = template;
    }

    /** Value for {@code @name@} in every text file of the template. */
    public JamesWorkDir placeholder(String name, String value) {
        values.put(name, value);
        return this;
    }

    /** Changes the text of {@code conf/<file>} after the placeholders are filled in. Edits apply in order. */
    public JamesWorkDir edit(String file, UnaryOperator<String> edit) {
        edits.computeIfAbsent(file, f -> new ArrayList<>()).add(edit);
        return this;
    }

    /**
     * Writes (or replaces) {@code conf/<file>} with this text, creating its folder if needed ({@code dkim/keytable});
     * placeholders in it are filled in too.
     */
    public JamesWorkDir confFile(String file, String text) {
        extraFiles.put(file, text);
        return this;
    }

    /** Copies this JAR, or every {@code *.jar} of this folder, into {@code extensions-jars/}. */
    public JamesWorkDir extensionJars(Path jarOrFolder) {
        extensionJars.add(jarOrFolder);
        return this;
    }

    /**
     * Creates {@code dir} (emptied first if it exists) and fills it. Returns {@code dir}.
     *
     * @throws IllegalStateException when a placeholder has no value, an edited file does not exist, or a JAR
     *                               folder holds no JAR
     */
    public Path writeTo(Path dir) {
        try {
            deleteTree(dir);
            Path conf = Files.createDirectories(dir.resolve("conf"));
            copyTemplate(conf);
            for (Map.Entry<String, String> e : extraFiles.entrySet()) {
                Path file = safeResolve(conf, e.getKey());
                Files.createDirectories(file.getParent()); // conf/dkim/keytable, say
                Files.writeString(file, e.getValue(), StandardCharsets.UTF_8);
            }
            for (Map.Entry<String, List<UnaryOperator<String>>> e : edits.entrySet()) {
                Path file = safeResolve(conf, e.getKey());
                if (!Files.isRegularFile(file)) {
                    throw new IllegalStateException("cannot edit conf/" + e.getKey() + ": no such file");
                }
                String text = Files.readString(file, StandardCharsets.UTF_8);
                for (UnaryOperator<String> edit : e.getValue()) {
                    text = edit.apply(text);
                }
                Files.writeString(file, text, StandardCharsets.UTF_8);
            }
            fillPlaceholders(conf);
            Path jars = Files.createDirectories(dir.resolve("extensions-jars"));
            for (Path source : extensionJars) {
                copyJars(source, jars);
            }
            Files.createDirectories(dir.resolve("var"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare James working directory " + dir, e);
        }
    }

    private void copyTemplate(Path conf) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(template)) {
            // *.md: the template's own documentation, not configuration
            files = walk.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().endsWith(".md"))
                    .limit(MAX_TEMPLATE_FILES + 1L).toList();
        }
        if (files.size() > MAX_TEMPLATE_FILES) {
            throw new IllegalStateException(template + " holds more than " + MAX_TEMPLATE_FILES + " files");
        }
        if (files.isEmpty()) {
            throw new IllegalStateException("configuration template " + template + " is missing or empty");
        }
        for (Path file : files) {
            Path target = conf.resolve(template.relativize(file).toString());
            Files.createDirectories(target.getParent());
            Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private void fillPlaceholders(Path conf) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(conf)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        for (Path file : files) {
            if (Files.size(file) > MAX_TEMPLATE_FILE_BYTES) {
                continue;
            }
            String text = Files.readString(file, StandardCharsets.UTF_8);
            TreeSet<String> missing = new TreeSet<>();
            Matcher m = PLACEHOLDER.matcher(text);
            StringBuilder out = new StringBuilder(text.length());
            while (m.find()) {
                String value = values.get(m.group(1));
                if (value == null) {
                    missing.add(m.group());
                    value = m.group();
                }
                m.appendReplacement(out, Matcher.quoteReplacement(value));
            }
            m.appendTail(out);
            if (!missing.isEmpty()) {
                throw new IllegalStateException("conf/" + conf.relativize(file) + ": no value for " + missing);
            }
            Files.writeString(file, out.toString(), StandardCharsets.UTF_8);
        }
    }

    private static void copyJars(Path source, Path jars) throws IOException {
        if (Files.isRegularFile(source)) {
            Files.copy(source, jars.resolve(source.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
            return;
        }
        List<Path> found;
        try (Stream<Path> list = Files.list(source)) {
            found = list.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException("no extension JAR folder " + source
                    + " (build the pack first: mvn -B -DskipTests package)", e);
        }
        if (found.isEmpty()) {
            throw new IllegalStateException("no *.jar in " + source
                    + " (build the pack first: mvn -B -DskipTests package)");
        }
        for (Path jar : found) {
            Files.copy(jar, jars.resolve(jar.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static Path safeResolve(Path conf, String relative) {
        Path p = conf.resolve(relative).normalize();
        if (!p.startsWith(conf)) {
            throw new IllegalArgumentException("not inside conf/: " + relative);
        }
        return p;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
