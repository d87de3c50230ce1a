package dev.authpack.james.matchers;

import dev.authpack.authres.MethodResult;
import dev.authpack.authres.ResultProperty;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the results {@code MailAuthCheck} stored on a mail (docs/MailAuthCheck.md, "Attributes"):
 * {@code authpack.results}, a list of maps {method, result, reason, properties{"ptype.property": value}}, and
 * {@code authpack.authserv-id}. The names are part of the documented attribute contract and do not change.
 */
final class AuthResultsAttribute {
    static final AttributeName RESULTS = AttributeName.of("authpack.results");
    static final AttributeName AUTHSERV_ID = AttributeName.of("authpack.authserv-id");
    /** More entries than any check writes: the rest is not read. */
    private static final int MAX_RESULTS = 100;

    private AuthResultsAttribute() {
    }

    /** Our own resinfos, in header order; empty when the check did not run or the value is not as documented. */
    static List<MethodResult> results(Mail mail) {
        List<MethodResult> out = new ArrayList<>();
        mail.getAttribute(RESULTS).ifPresent(attribute -> {
            if (attribute.getValue().value() instanceof Collection<?> values) {
                for (Object value : values) {
                    if (out.size() == MAX_RESULTS) {
                        break;
                    }
                    if (unwrap(value) instanceof Map<?, ?> map) {
                        resinfo(map).ifPresent(out::add);
                    }
                }
            }
        });
        return out;
    }

    /** The authserv-id our results were made under, if the check ran. */
    static Optional<String> authservId(Mail mail) {
        return mail.getAttribute(AUTHSERV_ID).map(a -> a.getValue().value())
                .filter(String.class::isInstance).map(String.class::cast).filter(id -> !id.isBlank());
    }

    private static Optional<MethodResult> resinfo(Map<?, ?> map) {
        if (!(unwrap(map.get("method")) instanceof String method) || method.isBlank()
                || !(unwrap(map.get("result")) instanceof String result) || result.isBlank()) {
            return Optional.empty();
        }
        String reason = unwrap(map.get("reason")) instanceof String s ? s : null;
        List<ResultProperty> properties = new ArrayList<>();
        if (unwrap(map.get("properties")) instanceof Map<?, ?> props) {
            for (Map.Entry<?, ?> e : props.entrySet()) {
                String key = String.valueOf(e.getKey());
                int dot = key.indexOf('.');
                if (dot > 0 && dot < key.length() - 1 && unwrap(e.getValue()) instanceof String value) {
                    properties.add(new ResultProperty(key.substring(0, dot), key.substring(dot + 1), value));
                }
            }
        }
        return Optional.of(new MethodResult(method, result, reason, properties));
    }

    private static Object unwrap(Object value) {
        return value instanceof AttributeValue<?> av ? av.value() : value;
    }
}
