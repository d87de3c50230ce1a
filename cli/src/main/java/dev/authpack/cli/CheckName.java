package dev.authpack.cli;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** The names {@code check --checks} accepts (CLI.md), and whether this version implements each. */
enum CheckName {
    DKIM("dkim", true),
    SPF("spf", true),
    IPREV("iprev", true),
    SMTP_AUTH("smtp-auth", true),
    DMARC("dmarc", true),
    ARC("arc", true);

    /** Bound on the number of names in one {@code --checks} list. */
    private static final int MAX_NAMES = 32;

    final String word;
    final boolean available;

    CheckName(String word, boolean available) {
        this.word = word;
        this.available = available;
    }

    /** Every check this version implements: the default of {@code --checks}. */
    static Set<CheckName> allAvailable() {
        EnumSet<CheckName> set = EnumSet.noneOf(CheckName.class);
        for (CheckName name : values()) {
            if (name.available) {
                set.add(name);
            }
        }
        return set;
    }

    /** Parses a comma-separated list; unknown names and checks not in this version are usage errors. */
    static Set<CheckName> parseList(String list) {
        String[] words = list.split(",", MAX_NAMES + 1);
        if (words.length > MAX_NAMES) {
            throw new UsageException("--checks: too many names");
        }
        EnumSet<CheckName> set = EnumSet.noneOf(CheckName.class);
        for (String raw : words) {
            String word = raw.strip().toLowerCase(Locale.ROOT);
            if (word.isEmpty()) {
                continue;
            }
            CheckName name = byWord(word);
            if (!name.available) {
                throw new UsageException("check not available in this version: " + word
                        + " (available: " + wordsOf(allAvailable()) + ")");
            }
            set.add(name);
        }
        if (set.isEmpty()) {
            throw new UsageException("--checks needs at least one of: " + wordsOf(allAvailable()));
        }
        return set;
    }

    private static CheckName byWord(String word) {
        for (CheckName name : values()) {
            if (name.word.equals(word)) {
                return name;
            }
        }
        throw new UsageException("unknown check: " + OneLine.of(word) + " (known: "
                + wordsOf(EnumSet.allOf(CheckName.class)) + ")");
    }

    static String wordsOf(Set<CheckName> names) {
        return names.stream().map(n -> n.word).collect(Collectors.joining(","));
    }
}
