package dev.authpack.relay;

import dev.authpack.dns.DomainNames;
import dev.authpack.dns.IpLiterals;
import dev.authpack.dns.TranslatorPrefixes;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the relay policy file format (documented in docs/relay-policy.md):
 * <pre>
 * # comment (from '#' to the end of the line, anywhere)
 * relay_hosts = 127.0.0.1, ::1, 192.0.2.0/24, *.mx.example.net   # global settings come first
 * relay_authenticated = true
 * relay_users = alice@example.com, @staff.example.com
 * translator_prefixes = 64:ff9b::/96                             # the own SIIT/NAT64 translator's, once
 *
 * [domain example.com]
 * relay_to = true
 * relay_from = 10.0.0.0/8, 2001:db8::/32
 * relay_from_users = @example.com
 * relay_to_users = bob
 * include_subdomains = false
 * </pre>
 * Strict: an unknown key or section, a key in the wrong place, a repeated boolean or section, a value that does not
 * parse, an empty section, non-UTF-8 text or a file over the size limits is an error with file and line. List keys
 * may be repeated; their entries add up.
 */
public final class RelayPolicyParser {
    public static final long MAX_FILE_BYTES = 1 << 20;
    public static final int MAX_LINE_LENGTH = 8192;
    public static final int MAX_SECTIONS = 10_000;
    public static final int MAX_LIST_ENTRIES = 100_000;

    static final Set<String> GLOBAL_KEYS = Set.of("relay_hosts", "relay_authenticated", "relay_users",
            "translator_prefixes");
    static final Set<String> DOMAIN_KEYS =
            Set.of("relay_to", "relay_from", "relay_from_users", "relay_to_users", "include_subdomains");

    private final String source;
    private HostList relayHosts = HostList.empty();
    private Boolean relayAuthenticated;
    private UserList relayUsers = UserList.empty();
    private TranslatorPrefixes translatorPrefixes;
    private final Map<String, DomainRules> domains = new LinkedHashMap<>();
    private SectionBuilder section;
    private int listEntries;

    private RelayPolicyParser(String source) {
        this.source = source;
    }

    public static RelayPolicy parse(Path file) throws RelayPolicyException {
        String name = file.toString();
        byte[] bytes;
        try {
            if (!Files.isRegularFile(file)) {
                throw new RelayPolicyException(name, 0, Files.exists(file)
                        ? "not a regular file" : "no such file");
            }
            try (InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes((int) MAX_FILE_BYTES + 1);
            }
        } catch (NoSuchFileException e) {
            throw new RelayPolicyException(name, 0, "no such file", e);
        } catch (IOException e) {
            throw new RelayPolicyException(name, 0, "cannot read: " + e, e);
        }
        if (bytes.length > MAX_FILE_BYTES) {
            throw new RelayPolicyException(name, 0, "larger than " + MAX_FILE_BYTES + " bytes");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new RelayPolicyException(name, 0, "not valid UTF-8 text", e);
        }
        return parse(name, text);
    }

    public static RelayPolicy parse(String sourceName, String text) throws RelayPolicyException {
        if (text.length() > MAX_FILE_BYTES) {
            throw new RelayPolicyException(sourceName, 0, "larger than " + MAX_FILE_BYTES + " characters");
        }
        return new RelayPolicyParser(sourceName).run(text);
    }

    private RelayPolicy run(String text) throws RelayPolicyException {
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String raw = lines[i];
            if (raw.endsWith("\r")) {
                raw = raw.substring(0, raw.length() - 1);
            }
            if (raw.length() > MAX_LINE_LENGTH) {
                throw error(lineNo, "line longer than " + MAX_LINE_LENGTH + " characters");
            }
            for (int c = 0; c < raw.length(); c++) {
                char ch = raw.charAt(c);
                if (ch < ' ' && ch != '\t') {
                    throw error(lineNo, String.format("control character \\u%04x", (int) ch));
                }
            }
            int hash = raw.indexOf('#');
            String line = (hash >= 0 ? raw.substring(0, hash) : raw).strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("[")) {
                startSection(lineNo, line);
            } else {
                setting(lineNo, line);
            }
        }
        endSection();
        return new RelayPolicy(source, relayHosts, relayAuthenticated != null && relayAuthenticated, relayUsers,
                domains, translatorPrefixes == null ? TranslatorPrefixes.NONE : translatorPrefixes);
    }

    private void startSection(int lineNo, String line) throws RelayPolicyException {
        endSection();
        if (!line.endsWith("]")) {
            throw error(lineNo, "section header must end with ']': expected [domain NAME]");
        }
        String inner = line.substring(1, line.length() - 1).strip();
        String[] words = inner.split("\\s+");
        if (words.length != 2 || !words[0].equals("domain")) {
            throw error(lineNo, "unknown section '" + line + "': expected [domain NAME]");
        }
        String name = words[1];
        if (name.contains("*")) {
            throw error(lineNo, "'" + name + "': no wildcards in section names; "
                    + "use include_subdomains = true in the parent domain's section");
        }
        if (name.startsWith("[") || IpLiterals.isLiteral(name)) {
            throw error(lineNo, "'" + name + "' is an address, not a domain name");
        }
        String domain = DomainNames.normalize(name).orElseThrow(
                () -> error(lineNo, "'" + name + "' is not a domain name"));
        String last = domain.substring(domain.lastIndexOf('.') + 1);
        if (last.chars().allMatch(c -> c >= '0' && c <= '9')) {
            // RFC 3696 §2: no top-level domain is all-numeric. James 3.8.1 writes user@[192.0.2.1] as user@192.0.2.1,
            // which such a section would govern (review s20)
            throw error(lineNo, "'" + name + "' ends in an all-numeric label: not a domain name (an address literal"
                    + " user@[192.0.2.1] reaches the policy as user@192.0.2.1; only relay_hosts may relay to it)");
        }
        DomainRules earlier = domains.get(domain);
        if (earlier != null) {
            throw error(lineNo, "[domain " + domain + "] is already defined at line " + earlier.line());
        }
        if (domains.size() >= MAX_SECTIONS) {
            throw error(lineNo, "more than " + MAX_SECTIONS + " domain sections");
        }
        section = new SectionBuilder(domain, lineNo);
    }

    private void endSection() throws RelayPolicyException {
        if (section == null) {
            return;
        }
        if (section.keys.isEmpty()) {
            throw error(section.line, "[domain " + section.domain + "] sets nothing; remove it or add a setting");
        }
        domains.put(section.domain, section.build());
        section = null;
    }

    private void setting(int lineNo, String line) throws RelayPolicyException {
        int eq = line.indexOf('=');
        if (eq < 0) {
            throw error(lineNo, "expected 'key = value' or '[domain NAME]', got '" + line + "'");
        }
        String key = line.substring(0, eq).strip();
        String value = line.substring(eq + 1).strip();
        if (key.isEmpty()) {
            throw error(lineNo, "missing key before '='");
        }
        if (value.isEmpty()) {
            throw error(lineNo, "no value for " + key);
        }
        if (section == null) {
            globalSetting(lineNo, key, value);
        } else {
            domainSetting(lineNo, key, value);
        }
    }

    private void globalSetting(int lineNo, String key, String value) throws RelayPolicyException {
        switch (key) {
            case "relay_hosts" -> relayHosts = relayHosts.plus(hosts(lineNo, key, value));
            case "relay_users" -> relayUsers = relayUsers.plus(users(lineNo, key, value));
            case "relay_authenticated" -> {
                if (relayAuthenticated != null) {
                    throw error(lineNo, "relay_authenticated is set twice");
                }
                relayAuthenticated = bool(lineNo, key, value);
            }
            case "translator_prefixes" -> {
                if (translatorPrefixes != null) {
                    throw error(lineNo, "translator_prefixes is set twice");
                }
                try {
                    translatorPrefixes = TranslatorPrefixes.parse(key, value);
                } catch (IllegalArgumentException e) {
                    throw error(lineNo, e.getMessage());
                }
            }
            default -> {
                if (DOMAIN_KEYS.contains(key)) {
                    throw error(lineNo, key + " belongs in a [domain NAME] section");
                }
                throw error(lineNo, "unknown key '" + key + "' (global keys: relay_hosts, relay_authenticated, "
                        + "relay_users, translator_prefixes)");
            }
        }
    }

    private void domainSetting(int lineNo, String key, String value) throws RelayPolicyException {
        SectionBuilder s = section;
        switch (key) {
            case "relay_to" -> s.relayTo = once(lineNo, key, s.relayTo, bool(lineNo, key, value));
            case "include_subdomains" ->
                    s.includeSubdomains = once(lineNo, key, s.includeSubdomains, bool(lineNo, key, value));
            case "relay_from" -> s.relayFrom = s.relayFrom.plus(hosts(lineNo, key, value));
            case "relay_from_users" -> s.relayFromUsers = s.relayFromUsers.plus(users(lineNo, key, value));
            case "relay_to_users" -> s.relayToUsers = s.relayToUsers.plus(users(lineNo, key, value));
            default -> {
                if (GLOBAL_KEYS.contains(key)) {
                    throw error(lineNo, key + " is a global setting: put it before the first [domain] section");
                }
                throw error(lineNo, "unknown key '" + key + "' (keys in a [domain] section: relay_to, relay_from, "
                        + "relay_from_users, relay_to_users, include_subdomains)");
            }
        }
        s.keys.putIfAbsent(key, lineNo);
    }

    private Boolean once(int lineNo, String key, Boolean previous, boolean value) throws RelayPolicyException {
        if (previous != null) {
            throw error(lineNo, key + " is set twice in [domain " + section.domain + "] (first at line "
                    + section.keys.get(key) + ")");
        }
        return value;
    }

    private boolean bool(int lineNo, String key, String value) throws RelayPolicyException {
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw error(lineNo, key + " must be true or false, not '" + value + "'");
        };
    }

    private HostList hosts(int lineNo, String key, String value) throws RelayPolicyException {
        try {
            List<String> entries = PolicyText.splitList(value);
            count(lineNo, entries.size());
            return HostList.of(entries);
        } catch (IllegalArgumentException e) {
            throw error(lineNo, key + ": " + e.getMessage());
        }
    }

    private UserList users(int lineNo, String key, String value) throws RelayPolicyException {
        try {
            List<String> entries = PolicyText.splitList(value);
            count(lineNo, entries.size());
            return UserList.of(entries);
        } catch (IllegalArgumentException e) {
            throw error(lineNo, key + ": " + e.getMessage());
        }
    }

    private void count(int lineNo, int n) {
        listEntries += n;
        if (listEntries > MAX_LIST_ENTRIES) {
            throw new IllegalArgumentException("more than " + MAX_LIST_ENTRIES + " list entries in the file");
        }
    }

    private RelayPolicyException error(int lineNo, String detail) {
        return new RelayPolicyException(source, lineNo, detail);
    }

    private static final class SectionBuilder {
        final String domain;
        final int line;
        final Map<String, Integer> keys = new HashMap<>();
        Boolean relayTo;
        Boolean includeSubdomains;
        HostList relayFrom = HostList.empty();
        UserList relayFromUsers = UserList.empty();
        UserList relayToUsers = UserList.empty();

        SectionBuilder(String domain, int line) {
            this.domain = domain;
            this.line = line;
        }

        DomainRules build() {
            return new DomainRules(domain, includeSubdomains != null && includeSubdomains,
                    relayTo != null && relayTo, relayFrom, relayFromUsers, relayToUsers, line);
        }
    }
}
