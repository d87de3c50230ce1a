package dev.authpack.authres;

import java.util.List;
import java.util.Objects;

/**
 * One resinfo of an {@code Authentication-Results} field (RFC 8601 §2.2): method, result word, optional reason,
 * properties. Every check's result converts to this; the header writer formats it.
 *
 * @param method     the method name, such as {@code spf}, {@code iprev}, {@code auth}
 * @param result     the result word as RFC 8601 spells it ({@code pass}, {@code fail}, ...)
 * @param reason     a human reason (may be null); written as {@code reason="..."}
 * @param properties the properties in the order they are written
 */
public record MethodResult(String method, String result, String reason, List<ResultProperty> properties) {
    public MethodResult {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(result, "result");
        properties = List.copyOf(properties);
    }
}
