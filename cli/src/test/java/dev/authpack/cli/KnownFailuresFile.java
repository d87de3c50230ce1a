package dev.authpack.cli;

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
 * A file of the repository's {@code known-failures/} folder: one line per case we do not pass, {@code CASE-ID |
 * reason}; {@code #} starts a comment. A conformance run fails when an unlisted case fails, a listed case passes, or
 * a listed case does not exist. (The same format as core's runners read; the CLI's own cases have their own prefix.)
 */
final class KnownFailuresFile {
    private final Path file;
    private final Map<String, String> reasons;

    private KnownFailuresFile(Path file, Map<String, String> reasons) {
        this.file = file;
        this.reasons = reasons;
    }

    static KnownFailuresFile load(String fileName) {
        Path dir = Path.of("").toAbsolutePath();
        for (int i = 0; i < 5 && dir != null; i++, dir = dir.getParent()) {
            Path candidate = dir.resolve("known-failures").resolve(fileName);
            if (Files.isRegularFile(candidate)) {
                return read(candidate);
            }
        }
        throw new IllegalStateException("known-failures/" + fileName + " not found above "
                + Path.of("").toAbsolutePath());
    }

    private static KnownFailuresFile read(Path file) {
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
        return new KnownFailuresFile(file, reasons);
    }

    /** The problems of a run over the cases whose id starts with {@code prefix}; empty when the file is true. */
    List<String> problems(String prefix, Set<String> allCases, Map<String, String> failures) {
        List<String> problems = new ArrayList<>();
        failures.forEach((id, detail) -> {
            if (!reasons.containsKey(id)) {
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
