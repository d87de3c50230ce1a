package dev.authpack.it;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed {@code Authentication-Results} field body (RFC 8601 §2.2), for assertions that do not depend on
 * folding, spacing or order of properties: {@code authserv-id; method=result [reason=...] ptype.prop=value ...}.
 * Comments in parentheses are dropped; quoted-strings are unquoted. Test code only: it trusts its input's shape.
 */
public record AuthResultsField(String authservId, List<Resinfo> results) {
    /** Bound on the resinfos read from one field. */
    private static final int MAX_RESINFOS = 64;

    public AuthResultsField {
        results = List.copyOf(results);
    }

    /** One {@code method=result ...} clause. */
    public record Resinfo(String method, String result, Optional<String> reason, Map<String, String> properties) {
        public Resinfo {
            properties = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(properties));
        }

        public Optional<String> property(String ptypeDotProperty) {
            return Optional.ofNullable(properties.get(ptypeDotProperty));
        }
    }

    /** The first resinfo for this method (e.g. {@code spf}). */
    public Optional<Resinfo> method(String method) {
        return results.stream().filter(r -> r.method().equalsIgnoreCase(method)).findFirst();
    }

    /** The result word for this method, or empty when the field has no such method. */
    public Optional<String> result(String method) {
        return method(method).map(Resinfo::result);
    }

    /** Parses a field body (with or without the {@code Authentication-Results:} name). */
    public static AuthResultsField parse(String field) {
        String body = field.regionMatches(true, 0, "Authentication-Results:", 0, 23) ? field.substring(23) : field;
        List<String> clauses = split(stripComments(body));
        if (clauses.isEmpty()) {
            throw new IllegalArgumentException("empty Authentication-Results: " + field);
        }
        String[] head = tokens(clauses.get(0)).toArray(String[]::new);
        if (head.length == 0) {
            throw new IllegalArgumentException("no authserv-id in: " + field);
        }
        List<Resinfo> results = new ArrayList<>();
        for (String clause : clauses.subList(1, Math.min(clauses.size(), MAX_RESINFOS + 1))) {
            List<String> words = tokens(clause);
            if (words.isEmpty() || words.get(0).equalsIgnoreCase("none")) {
                continue;
            }
            String[] methodResult = words.get(0).split("=", 2);
            if (methodResult.length != 2) {
                throw new IllegalArgumentException("not method=result: " + words.get(0) + " in " + field);
            }
            String reason = null;
            Map<String, String> properties = new LinkedHashMap<>();
            for (String word : words.subList(1, words.size())) {
                String[] kv = word.split("=", 2);
                if (kv.length != 2) {
                    continue;
                }
                if (kv[0].equalsIgnoreCase("reason")) {
                    reason = kv[1];
                } else {
                    properties.put(kv[0].toLowerCase(java.util.Locale.ROOT), kv[1]);
                }
            }
            results.add(new Resinfo(methodResult[0].toLowerCase(java.util.Locale.ROOT),
                    methodResult[1].toLowerCase(java.util.Locale.ROOT), Optional.ofNullable(reason), properties));
        }
        return new AuthResultsField(head[0], results);
    }

    /** Removes (comments), respecting quoted-strings and nesting. */
    private static String stripComments(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int depth = 0;
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted) {
                out.append(c);
                if (c == '\\' && i + 1 < s.length()) {
                    out.append(s.charAt(++i));
                } else if (c == '"') {
                    quoted = false;
                }
            } else if (depth > 0) {
                if (c == '\\') {
                    i++;
                } else if (c == '(') {
                    depth++;
                } else if (c == ')') {
                    depth--;
                }
            } else if (c == '(') {
                depth++;
                out.append(' ');
            } else {
                if (c == '"') {
                    quoted = true;
                }
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Splits on ';' outside quoted-strings. */
    private static List<String> split(String s) {
        List<String> parts = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted && c == '\\' && i + 1 < s.length()) {
                cur.append(c).append(s.charAt(++i));
                continue;
            }
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ';' && !quoted) {
                parts.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        parts.add(cur.toString());
        return parts;
    }

    /** Whitespace-separated words, quoted-strings unquoted ({@code a="b c"} is one word {@code a=b c}). */
    private static List<String> tokens(String s) {
        List<String> words = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted) {
                if (c == '\\' && i + 1 < s.length()) {
                    cur.append(s.charAt(++i));
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
                any = true;
            } else if (Character.isWhitespace(c)) {
                if (any) {
                    words.add(cur.toString());
                    cur.setLength(0);
                    any = false;
                }
            } else {
                cur.append(c);
                any = true;
            }
        }
        if (any) {
            words.add(cur.toString());
        }
        // "a = b" written with spaces around '=' (allowed by RFC 8601's CFWS) is joined back into "a=b"
        List<String> joined = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (w.equals("=") && !joined.isEmpty() && i + 1 < words.size()) {
                joined.set(joined.size() - 1, joined.get(joined.size() - 1) + "=" + words.get(++i));
            } else if (w.endsWith("=") && i + 1 < words.size()) {
                joined.add(w + words.get(++i));
            } else if (w.startsWith("=") && !joined.isEmpty()) {
                joined.set(joined.size() - 1, joined.get(joined.size() - 1) + w);
            } else {
                joined.add(w);
            }
        }
        return joined;
    }
}
