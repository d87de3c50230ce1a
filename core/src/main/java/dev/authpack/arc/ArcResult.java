package dev.authpack.arc;

import dev.authpack.authres.MethodResult;
import dev.authpack.authres.ResultProperty;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The validation of a message's Authenticated Received Chain (RFC 8617 §5.2).
 *
 * @param status          {@code none}, {@code pass} or {@code fail}
 * @param reason          why the chain failed; for a pass marked {@code localOverload}, why oldest-pass may be
 *                        lower; else null
 * @param oldestPass      RFC 8617 §5.2 step 5: 0 when every ARC-Message-Signature validates, else the lowest
 *                        instance M+1 above the newest one (M) that does not; -1 when not computed (status not pass,
 *                        or {@link ArcVerifyOptions#computeOldestPass()} off)
 * @param sets            the ARC Sets found, oldest first (as far as they could be read: a malformed chain may list
 *                        fewer sets than it has)
 * @param highestInstance the highest instance number of any ARC header field that could be read (0 when none): a
 *                        sealer adds instance {@code highestInstance + 1}
 * @param terminated      the newest ARC-Seal already says {@code cv=fail}: RFC 8617 §5.1 step 2, no set may be added
 * @param localOverload   a {@code fail} only because a key lookup was not sent, this server's DNS resolver being at
 *                        its bound ({@link dev.authpack.dns.DnsLookup#localOverload()}), every other signature that
 *                        was checked having validated: it says nothing about the sealers, and asking again later may
 *                        validate the chain. On a {@code pass}: the ARC-Message-Signature of instance
 *                        {@code oldestPass - 1} is undetermined, its key lookup not sent, so oldestPass is the
 *                        lowest verified and the true one may be lower (RFC 8617 §5.2 step 5). Only ever true for
 *                        {@code fail}, or for {@code pass} with {@code oldestPass} of 2 or more.
 */
public record ArcResult(ArcStatus status, String reason, int oldestPass, List<ArcSet> sets, int highestInstance,
                        boolean terminated, boolean localOverload) {
    /** The method name in Authentication-Results (RFC 8617 §6). */
    public static final String METHOD = "arc";

    public ArcResult {
        Objects.requireNonNull(status, "status");
        sets = List.copyOf(sets);
        if (status != ArcStatus.FAIL && terminated) {
            throw new IllegalArgumentException("only a failed chain can be terminated");
        }
        if (localOverload && status != ArcStatus.FAIL && !(status == ArcStatus.PASS && oldestPass > 1)) {
            throw new IllegalArgumentException("a local overload is a fail or a pass with oldest-pass above 1, not "
                    + status.word() + " with oldest-pass " + oldestPass);
        }
    }

    /** A result that is not a fail caused by a local overload. */
    public ArcResult(ArcStatus status, String reason, int oldestPass, List<ArcSet> sets, int highestInstance,
                     boolean terminated) {
        this(status, reason, oldestPass, sets, highestInstance, terminated, false);
    }

    /** No ARC header field in the message. */
    public static ArcResult none() {
        return new ArcResult(ArcStatus.NONE, null, -1, List.of(), 0, false);
    }

    public boolean passed() {
        return status == ArcStatus.PASS;
    }

    /** The newest set (highest instance), if any could be read. */
    public ArcSet newestSet() {
        return sets.isEmpty() ? null : sets.get(sets.size() - 1);
    }

    /**
     * The resinfo for Authentication-Results: {@code arc=pass header.oldest-pass=N}, {@code arc=fail
     * reason="..."} or {@code arc=none} (RFC 8617 §6 and §10.2 define {@code header.oldest-pass} and
     * {@code smtp.remote-ip}; see {@link #toMethodResult(String)} for the latter). A {@link #localOverload()} is
     * {@code arc=fail} too (§10.1 registers no other result; a DNS failure is a {@code fail} by §5.2.1), its reason
     * saying that the key lookup was not sent; on a {@code pass} its reason says why oldest-pass may be lower.
     */
    public MethodResult toMethodResult() {
        return toMethodResult(null);
    }

    /** {@link #toMethodResult()} with {@code smtp.remote-ip=IP} (the SMTP client's address) when not null. */
    public MethodResult toMethodResult(String remoteIp) {
        List<ResultProperty> properties = new ArrayList<>(2);
        if (status == ArcStatus.PASS && oldestPass >= 0) {
            properties.add(new ResultProperty("header", "oldest-pass", Integer.toString(oldestPass)));
        }
        if (remoteIp != null && !remoteIp.isEmpty()) {
            properties.add(new ResultProperty("smtp", "remote-ip", remoteIp));
        }
        return new MethodResult(METHOD, status.word(), status == ArcStatus.FAIL || localOverload ? reason : null,
                properties);
    }
}
