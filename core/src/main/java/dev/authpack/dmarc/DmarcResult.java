package dev.authpack.dmarc;

import java.util.List;
import java.util.Objects;

/**
 * The DMARC verdict on one message.
 *
 * @param status              pass, fail, none, temperror or permerror (RFC 9989 §9.2)
 * @param reason              a human reason, never null
 * @param fromDomain          the Author Domain the verdict is about ({@code header.from}): A-label, lower case;
 *                            null when no author domain could be taken from the message
 * @param fromDomains         every distinct author domain of the message (usually just {@code fromDomain})
 * @param policyDomain        where the applied record was found (the author domain, its organizational domain or
 *                            its public suffix domain); null when no record applies
 * @param organizationalDomain the author domain's organizational domain, when it was determined; else null
 * @param record              the applied DMARC record, or null
 * @param requestedPolicy     the record's policy for this author domain: {@code p} at the author domain, else
 *                            {@code sp} or {@code np} (existing / non-existent subdomain), defaulting to {@code p};
 *                            {@code none} when an invalid record is taken as {@code p=none}; null without record
 * @param policy              {@code policy.dmarc}: the requested policy after the policy options, i.e. one level
 *                            down with {@code t=y} (RFC 9989 §4.7) or for a failing message that {@code pct}
 *                            sampling left out (RFC 7489 §6.6.4); null without record
 * @param disposition         what the domain owner asks for this message: {@code policy} when DMARC failed;
 *                            for a message DMARC cannot verify ({@code temperror} or {@code permerror} where a
 *                            verdict was possible in principle, docs/dmarc.md "Fail-closed rules") the disposition
 *                            {@link DmarcOptions#unverifiableDisposition()} gives; {@code NONE} otherwise (pass,
 *                            none, an unusable record); never null
 * @param spfAligned          the SPF-authenticated MAIL FROM domain is aligned
 * @param dkimAligned         at least one DKIM-authenticated domain is aligned
 * @param spfDomain           the SPF-authenticated identifier (MAIL FROM domain with SPF pass), or null
 * @param dkimDomains         the DKIM-authenticated domains considered (d= of passing signatures, distinct)
 * @param alignedDkimDomains  those of {@code dkimDomains} that are aligned
 * @param testMode            the record has {@code t=y} and the mode honours it
 * @param sampledOut          RFC 7489 {@code pct} left this failing message out of the policy
 * @param noneFallback        the record had an invalid {@code p}/{@code sp}/{@code np} but a valid {@code rua},
 *                            so it was taken as {@code p=none} (RFC 9989 §4.10.1, RFC 7489 §6.6.3)
 * @param mode                the specification followed
 * @param dnsQueries          DNS queries this evaluation sent (diagnostics)
 * @param localOverload       a {@code temperror} caused by this server's own DNS resolver being at its bound: a
 *                            lookup at a name of the author's policy discovery or of an identifier's alignment was
 *                            not sent ({@link dev.authpack.dns.DnsLookup#localOverload()}). It says nothing about
 *                            the author's domain, and asking again later may give a verdict; an attacker who fills
 *                            the resolver can cause it at will, so it must not be accepted where the verdict could
 *                            refuse (docs/dmarc.md "Fail-closed rules"). Only ever true for {@code temperror}.
 * @param undecidedFail       this {@code temperror} is a {@code fail} that only our overload kept from being decided
 *                            ({@link #undecidedByOverload}): what was not checked could only have overridden it, so
 *                            the fail's own disposition, {@code policy} (after {@code t=y} and {@code pct}), is the
 *                            strictest outcome. Only ever true with {@code localOverload}.
 */
public record DmarcResult(DmarcStatus status, String reason, String fromDomain, List<String> fromDomains,
                          String policyDomain, String organizationalDomain, DmarcRecord record,
                          DmarcPolicy requestedPolicy, DmarcPolicy policy, DmarcPolicy disposition,
                          boolean spfAligned, boolean dkimAligned, String spfDomain, List<String> dkimDomains,
                          List<String> alignedDkimDomains, boolean testMode, boolean sampledOut,
                          boolean noneFallback, DmarcMode mode, int dnsQueries, boolean localOverload,
                          boolean undecidedFail) {
    public DmarcResult {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(disposition, "disposition");
        Objects.requireNonNull(mode, "mode");
        fromDomains = List.copyOf(fromDomains);
        dkimDomains = List.copyOf(dkimDomains);
        alignedDkimDomains = List.copyOf(alignedDkimDomains);
        if (localOverload && status != DmarcStatus.TEMPERROR) {
            throw new IllegalArgumentException("a local overload is a temperror, not " + status.word());
        }
        if (undecidedFail && !localOverload) {
            throw new IllegalArgumentException("only a local overload leaves a fail undecided");
        }
    }

    /** A result that is not a fail left undecided ({@link #undecidedFail()}). */
    public DmarcResult(DmarcStatus status, String reason, String fromDomain, List<String> fromDomains,
                       String policyDomain, String organizationalDomain, DmarcRecord record,
                       DmarcPolicy requestedPolicy, DmarcPolicy policy, DmarcPolicy disposition,
                       boolean spfAligned, boolean dkimAligned, String spfDomain, List<String> dkimDomains,
                       List<String> alignedDkimDomains, boolean testMode, boolean sampledOut,
                       boolean noneFallback, DmarcMode mode, int dnsQueries, boolean localOverload) {
        this(status, reason, fromDomain, fromDomains, policyDomain, organizationalDomain, record, requestedPolicy,
                policy, disposition, spfAligned, dkimAligned, spfDomain, dkimDomains, alignedDkimDomains, testMode,
                sampledOut, noneFallback, mode, dnsQueries, localOverload, false);
    }

    /** A result that is not a temperror caused by a local overload. */
    public DmarcResult(DmarcStatus status, String reason, String fromDomain, List<String> fromDomains,
                       String policyDomain, String organizationalDomain, DmarcRecord record,
                       DmarcPolicy requestedPolicy, DmarcPolicy policy, DmarcPolicy disposition,
                       boolean spfAligned, boolean dkimAligned, String spfDomain, List<String> dkimDomains,
                       List<String> alignedDkimDomains, boolean testMode, boolean sampledOut,
                       boolean noneFallback, DmarcMode mode, int dnsQueries) {
        this(status, reason, fromDomain, fromDomains, policyDomain, organizationalDomain, record, requestedPolicy,
                policy, disposition, spfAligned, dkimAligned, spfDomain, dkimDomains, alignedDkimDomains, testMode,
                sampledOut, noneFallback, mode, dnsQueries, false);
    }

    /**
     * This result marked as caused, or not, by a local overload ({@link #localOverload()}).
     *
     * @throws IllegalArgumentException when {@code overload} is true and this is not a {@code temperror}
     */
    public DmarcResult withLocalOverload(boolean overload) {
        return overload == localOverload ? this : new DmarcResult(status, reason, fromDomain, fromDomains,
                policyDomain, organizationalDomain, record, requestedPolicy, policy, disposition, spfAligned,
                dkimAligned, spfDomain, dkimDomains, alignedDkimDomains, testMode, sampledOut, noneFallback, mode,
                dnsQueries, overload, undecidedFail && overload);
    }

    /**
     * This {@code fail} as a {@code temperror} marked {@link #localOverload()} and {@link #undecidedFail()}:
     * {@code what}, which could have overridden it (a trusted ARC sealer's word, say), was not checked because this
     * server's DNS resolver was at its bound (docs/dmarc.md "Fail-closed rules", rule 9). The record, the policies
     * and {@link #strictestPolicy()} stay; the disposition is the stricter of this fail's own and rule 7's (what
     * {@code options} gives an unverifiable message): nothing overrode the failure. Rule 7's strictest policy seen
     * is this fail's {@code policy}, after {@code t=y} and the {@code pct} draw already made (RFC 7489 §6.6.4): the
     * override could only make it milder.
     *
     * @throws IllegalStateException when this is not a {@code fail}
     */
    public DmarcResult undecidedByOverload(String what, DmarcOptions options) {
        if (status != DmarcStatus.FAIL) {
            throw new IllegalStateException("only a fail can be left undecided, not " + status.word());
        }
        DmarcPolicy seen = policy == null ? disposition : policy;
        return new DmarcResult(DmarcStatus.TEMPERROR, "cannot be completed: " + what + " not checked, this"
                + " server's DNS resolver is overloaded (" + reason + ")", fromDomain, fromDomains, policyDomain,
                organizationalDomain, record, requestedPolicy, policy,
                disposition.stricter(options.unverifiableDisposition().disposition(seen)), spfAligned, dkimAligned,
                spfDomain, dkimDomains, alignedDkimDomains, testMode, sampledOut, noneFallback, mode, dnsQueries,
                true, true);
    }

    /** A result without record: none, temperror or permerror before a policy was known. */
    static DmarcResult withoutRecord(DmarcStatus status, String reason, String fromDomain, List<String> fromDomains,
                                     DmarcMode mode) {
        return new DmarcResult(status, reason, fromDomain, fromDomains, null, null, null, null, null,
                DmarcPolicy.NONE, false, false, null, List.of(), List.of(), false, false, false, mode, 0);
    }

    /** This result with every author domain of the message, another reason and the query count filled in. */
    DmarcResult withContext(List<String> allFromDomains, String newReason, int queries) {
        return new DmarcResult(status, newReason, fromDomain, allFromDomains, policyDomain, organizationalDomain,
                record, requestedPolicy, policy, disposition, spfAligned, dkimAligned, spfDomain, dkimDomains,
                alignedDkimDomains, testMode, sampledOut, noneFallback, mode, queries, localOverload, undecidedFail);
    }

    /** This result with the disposition for a message that cannot be verified, and another reason. */
    DmarcResult unverifiable(DmarcPolicy newDisposition, String newReason) {
        return new DmarcResult(status, newReason, fromDomain, fromDomains, policyDomain, organizationalDomain,
                record, requestedPolicy, policy, newDisposition, spfAligned, dkimAligned, spfDomain, dkimDomains,
                alignedDkimDomains, testMode, sampledOut, noneFallback, mode, dnsQueries, localOverload,
                undecidedFail);
    }

    /**
     * The strictest policy that may apply to the author domain by the record known, after {@code t=y} (RFC 9989
     * mode): {@code p} at the author domain, else the stricter of {@code sp} and {@code np} (whether the subdomain
     * exists may not be known); {@code none} for a record taken as {@code p=none}. Null when no record is known
     * (the policy may be anything). {@code pct} is not counted: a sampled message may still get the policy.
     */
    public DmarcPolicy strictestPolicy() {
        if (record == null || policyDomain == null || fromDomain == null) {
            return null;
        }
        return noneFallback ? DmarcPolicy.NONE : SeenPolicies.applying(record, policyDomain, fromDomain, mode);
    }

    public boolean passed() {
        return status == DmarcStatus.PASS;
    }

    /** Whether the domain owner asks for the message to be rejected or quarantined. */
    public boolean enforcementRequested() {
        return disposition != DmarcPolicy.NONE;
    }

    /**
     * The record's policies and the disposition, as mail systems often put them in a comment:
     * {@code p=reject sp=none dis=reject} (with {@code np=}, {@code t=y}, {@code pct=} when they play a part);
     * empty without record.
     */
    public String policySummary() {
        if (record == null) {
            return "";
        }
        DmarcPolicy p = noneFallback || record.p() == null ? DmarcPolicy.NONE : record.p();
        DmarcPolicy sp = noneFallback ? DmarcPolicy.NONE : record.sp() != null ? record.sp() : p;
        StringBuilder sb = new StringBuilder("p=").append(p.word()).append(" sp=").append(sp.word());
        if (!noneFallback && record.np() != null) {
            sb.append(" np=").append(record.np().word());
        }
        if (testMode) {
            sb.append(" t=y");
        }
        if (mode == DmarcMode.RFC7489 && record.pct() < DmarcRecord.DEFAULT_PCT) {
            sb.append(" pct=").append(record.pct());
        }
        return sb.append(" dis=").append(disposition.word()).toString();
    }

    /**
     * The result of an evaluation that did not take place or was cut off from outside: the message could not be read,
     * the run was interrupted or passed its caller's deadline. A {@code temperror} whose authors are unknown: any of
     * them may publish {@code p=reject}, so it gets the disposition the options give an unverifiable message with
     * author domains not evaluated, as for a From scan past its bounds ({@code reject} under {@code STRICTEST};
     * {@code none}, {@code quarantine} or {@code reject} when configured so: review s19 L4, docs/dmarc.md rule 7).
     */
    public static DmarcResult temperror(String reason, DmarcOptions options) {
        return withoutRecord(DmarcStatus.TEMPERROR, reason, null, List.of(), options.mode())
                .unverifiable(options.unverifiableDisposition().disposition(DmarcPolicy.REJECT), reason);
    }
}
