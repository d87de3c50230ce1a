package dev.authpack.authres;

import java.util.Objects;

/** One {@code ptype.property=value} of an RFC 8601 resinfo, for example {@code smtp.mailfrom=example.com}. */
public record ResultProperty(String ptype, String property, String value) {
    public ResultProperty {
        Objects.requireNonNull(ptype, "ptype");
        Objects.requireNonNull(property, "property");
        Objects.requireNonNull(value, "value");
    }
}
