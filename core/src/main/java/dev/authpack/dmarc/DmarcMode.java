package dev.authpack.dmarc;

import java.util.Locale;
import java.util.Optional;

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
    RFC9989, RFC7489;

    /**
     * The mode a configuration names ({@code MailAuthCheck}'s {@code dmarcMode}, {@code --dmarc-mode}):
     * {@code rfc9989} (also {@code 9989}, {@code dmarcbis}) or {@code rfc7489} (also {@code 7489}), any case, blanks
     * around ignored; empty for anything else.
     */
    public static Optional<DmarcMode> parse(String text) {
        String word = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        return switch (word) {
            case "rfc9989", "9989", "dmarcbis" -> Optional.of(RFC9989);
            case "rfc7489", "7489" -> Optional.of(RFC7489);
            default -> Optional.empty();
        };
    }
}
