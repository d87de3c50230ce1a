package dev.authpack.it;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

/**
 * A mail as James stored it in a mail repository: envelope, the message exactly as James would deliver it, and the
 * mail attributes with their values unwrapped to plain Java ({@code String}, {@code Number}, {@code Boolean},
 * {@code List}, {@code Map}), so tests need none of the pack's classes.
 */
public record DeliveredMail(String name, String sender, List<String> recipients, String remoteAddr,
                            String rawMessage, Map<String, Object> attributes) {
    /** Bound on the nesting unwrapped from attribute values. */
    private static final int MAX_ATTRIBUTE_DEPTH = 16;

    public DeliveredMail {
        recipients = List.copyOf(recipients);
        attributes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    static DeliveredMail of(Mail mail) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        mail.getMessage().writeTo(bytes);
        Map<String, Object> attributes = new LinkedHashMap<>();
        mail.attributes().forEach(a -> attributes.put(a.getName().asString(), unwrap(a.getValue(), 0)));
        return new DeliveredMail(mail.getName(),
                mail.getMaybeSender().asString(""),
                mail.getRecipients().stream().map(r -> r.asString()).toList(),
                mail.getRemoteAddr(),
                bytes.toString(StandardCharsets.UTF_8),
                attributes);
    }

    private static Object unwrap(Object value, int depth) {
        if (depth > MAX_ATTRIBUTE_DEPTH) {
            return String.valueOf(value);
        }
        if (value instanceof AttributeValue<?> av) {
            return unwrap(av.value(), depth + 1);
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), unwrap(v, depth + 1)));
            return out;
        }
        if (value instanceof Collection<?> c) {
            List<Object> out = new ArrayList<>();
            c.forEach(v -> out.add(unwrap(v, depth + 1)));
            return out;
        }
        if (value instanceof Optional<?> o) {
            return o.map(v -> unwrap(v, depth + 1)).orElse(null);
        }
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value;
        }
        return String.valueOf(value);
    }

    /** The header section, up to the first empty line. */
    public String headerSection() {
        int end = rawMessage.indexOf("\r\n\r\n");
        return end < 0 ? rawMessage : rawMessage.substring(0, end + 2);
    }

    /** The body, after the first empty line. */
    public String body() {
        int end = rawMessage.indexOf("\r\n\r\n");
        return end < 0 ? "" : rawMessage.substring(end + 4);
    }

    /**
     * The values of every field with this name (case-insensitive), top to bottom, unfolded (RFC 5322 §2.2.3: the
     * CRLF before whitespace removed) and with the leading space after the colon removed.
     */
    public List<String> headers(String fieldName) {
        List<String> values = new ArrayList<>();
        String wanted = fieldName.toLowerCase(Locale.ROOT) + ":";
        for (String field : fields()) {
            if (field.toLowerCase(Locale.ROOT).startsWith(wanted)) {
                values.add(field.substring(wanted.length()).strip());
            }
        }
        return values;
    }

    /** The first (topmost) field with this name. */
    public Optional<String> header(String fieldName) {
        return headers(fieldName).stream().findFirst();
    }

    /** The header fields, each unfolded to one line, top to bottom. */
    public List<String> fields() {
        List<String> fields = new ArrayList<>();
        for (String line : headerSection().split("\r\n")) {
            if (line.isEmpty()) {
                continue;
            }
            if ((line.startsWith(" ") || line.startsWith("\t")) && !fields.isEmpty()) {
                int last = fields.size() - 1;
                fields.set(last, fields.get(last) + line);
            } else {
                fields.add(line);
            }
        }
        return fields;
    }

    /** Every {@code Authentication-Results} field, top to bottom, parsed. */
    public List<AuthResultsField> authenticationResults() {
        return headers("Authentication-Results").stream().map(AuthResultsField::parse).toList();
    }

    /** The topmost {@code Authentication-Results} field with this authserv-id (ours is prepended, so it is first). */
    public Optional<AuthResultsField> authenticationResults(String authservId) {
        return authenticationResults().stream().filter(f -> f.authservId().equalsIgnoreCase(authservId)).findFirst();
    }

    /** An attribute's unwrapped value. */
    public Optional<Object> attribute(String name) {
        return Optional.ofNullable(attributes.get(name));
    }

    /** {@code attribute(name).get(key)} for map-valued attributes such as {@code authpack.spf}. */
    public Optional<Object> attribute(String name, String key) {
        return attribute(name).filter(Map.class::isInstance).map(m -> ((Map<?, ?>) m).get(key));
    }
}
