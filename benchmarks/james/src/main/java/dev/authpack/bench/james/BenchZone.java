package dev.authpack.bench.james;

import java.util.ArrayList;
import java.util.List;

/**
 * The sender domains' DNS records (master file syntax): SPF allowing 127.0.0.1 (the benchmark's client), the
 * DKIM key, and a {@code p=reject} DMARC policy, so every message gets spf, dkim and dmarc {@code pass} (iprev
 * {@code pass} comes from the demo zone's 127.0.0.1 PTR).
 */
final class BenchZone {
    /** Longest character-string in a TXT record (RFC 1035 §3.3). */
    static final int TXT_STRING_MAX = 255;

    private BenchZone() {
    }

    /** The records of {@code domain}, with this TTL in seconds (0: never cached, every message looks them up). */
    static String records(String domain, DkimRsaSigner signer, int ttl) {
        return domain + ". " + ttl + " IN TXT \"v=spf1 ip4:127.0.0.1 -all\"\n"
                + signer.selector() + "._domainkey." + domain + ". " + ttl + " IN TXT " + txt(signer.keyRecord()) + "\n"
                + "_dmarc." + domain + ". " + ttl + " IN TXT \"v=DMARC1; p=reject\"\n";
    }

    /** A TXT value as quoted character-strings of at most {@value #TXT_STRING_MAX} octets each. */
    static String txt(String value) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < value.length(); i += TXT_STRING_MAX) {
            parts.add("\"" + value.substring(i, Math.min(value.length(), i + TXT_STRING_MAX)) + "\"");
        }
        return String.join(" ", parts);
    }
}
