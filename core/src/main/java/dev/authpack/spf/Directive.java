package dev.authpack.spf;

/**
 * A directive: qualifier and mechanism (RFC 7208 §4.6.2).
 *
 * @param result    the result when the mechanism matches ({@code +} pass, {@code -} fail, {@code ~} softfail,
 *                  {@code ?} neutral)
 * @param mechanism the parsed mechanism
 * @param text      the term as written, without its qualifier (for reports)
 */
record Directive(SpfStatus result, Mechanism mechanism, String text) {
}
