package dev.authpack.dmarc;

/**
 * Which DMARC specification the evaluator follows.
 *
 * <ul>
 *   <li>{@link #RFC9989}: DMARCbis (2026, obsoletes RFC 7489 and RFC 9091). Organizational domains are found by the
 *       DNS Tree Walk (§4.10); {@code np}, {@code psd} and {@code t} apply; {@code pct}, {@code rf} and {@code ri}
 *       no longer exist and are ignored like any unknown tag.</li>
 *   <li>{@link #RFC7489}: the original DMARC. Organizational domains come from the Public Suffix List (§3.2);
 *       {@code pct} sampling applies (§6.6.4); {@code np} of RFC 9091 is honoured; {@code t} and {@code psd} are
 *       unknown tags there and are ignored.</li>
 * </ul>
 */
public enum DmarcMode {
    RFC9989, RFC7489
}
