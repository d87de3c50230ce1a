package dev.authpack.relay;

import java.util.ArrayList;
import java.util.List;

/** Small text helpers shared by the policy parser and the matcher conditions. */
final class PolicyText {
    private PolicyText() {
    }

    /**
     * Splits a list separated by commas and/or white space. An empty element between two commas (or a trailing
     * comma) is an error: it is usually a half-deleted entry.
     *
     * @throws IllegalArgumentException on an empty element
     */
    static List<String> splitList(String text) {
        List<String> out = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        String[] parts = text.split(",", -1);
        for (String part : parts) {
            String p = part.strip();
            if (p.isEmpty()) {
                if (parts.length > 1) {
                    throw new IllegalArgumentException("empty entry in list '" + text.strip() + "'");
                }
                continue;
            }
            for (String word : p.split("\\s+")) {
                out.add(word);
            }
        }
        return out;
    }
}
