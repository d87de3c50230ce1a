package dev.authpack.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A file of the repository's {@code known-failures/} folder: one line per case we do not pass,
 * {@code CASE-ID | reason}; {@code #} starts a comment. A conformance run fails when an unlisted case fails or a
 * listed case passes. Shared by the SPF, DKIM and ARC conformance runners.
 */
public final class KnownFailures {
    private final Map<String, String> reasons;
    private final Path file;

    private KnownFailures(Path file, Map<String, String> reasons) {
        this.file = file;
        this.reasons = reasons;
    }

    public static KnownFailures load(String fileName) {
        Path file = locate(fileName);
        if (file == null) {
            throw new IllegalStateException("known-failures/" + fileName + " not found above " + Path.of("")
                    .toAbsolutePath());
        }
        Map<String, String> reasons = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                int bar = trimmed.indexOf(" | ");
                if (bar < 0) {
                    throw new IllegalStateException(file + ": line without ' | reason': " + line);
                }
                reasons.put(trimmed.substring(0, bar).strip(), trimmed.substring(bar + 3).strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new KnownFailures(file, reasons);
    }

    private static Path locate(String fileName) {
        Path dir = Path.of("").toAbsolutePath();
        for (int i = 0; i < 5 && dir != null; i++, dir = dir.getParent()) {
            Path candidate = dir.resolve("known-failures").resolve(fileName);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    public boolean listed(String id) {
        return reasons.containsKey(id);
    }

    /**
     * The problems of a run (empty when the file is true) for the cases whose id starts with {@code prefix}:
     * unlisted failures, listed cases that pass, listed cases that do not exist.
     */
    public List<String> problems(String prefix, Set<String> allCases, Map<String, String> failures) {
        List<String> problems = new ArrayList<>();
        failures.forEach((id, detail) -> {
            if (id.startsWith(prefix) && !reasons.containsKey(id)) {
                problems.add("unlisted failure " + id + ": " + detail);
            }
        });
        reasons.keySet().stream().filter(id -> id.startsWith(prefix)).forEach(id -> {
            if (!allCases.contains(id)) {
                problems.add("listed case does not exist: " + id + " (" + file + ")");
            } else if (!failures.containsKey(id)) {
                problems.add("listed case now passes, remove it from " + file + ": " + id);
            }
        });
        return problems;
    }
}
