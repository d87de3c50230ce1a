package dev.authpack.dns;

/** One MX record: preference and exchange host name (lower case, no trailing dot). */
public record MxHost(int preference, String exchange) {
}
