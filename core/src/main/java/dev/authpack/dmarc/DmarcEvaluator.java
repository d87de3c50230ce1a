package dev.authpack.dmarc;

import dev.authpack.dkim.DkimReport;
import dev.authpack.dns.DnsResolver;
import dev.authpack.mail.HeaderField;
import dev.authpack.mail.MessageParseException;
import dev.authpack.mail.RawMessage;
import dev.authpack.spf.SpfVerdict;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DMARC evaluation (RFC 9989, or RFC 7489 by {@link DmarcOptions#mode()}) of one message from its From field(s)
 * and the SPF and DKIM results already computed. Thread-safe; one instance serves all mail.
 *
 * <p>Steps (RFC 9989 §5.3): take the Author Domain from From (§5.3.1; see {@link AuthorDomains} and
 * {@link MultipleAuthorDomains}); discover the DMARC Policy Record (§4.10.1: the author domain, else the DNS Tree
 * Walk to the Organizational Domain's or the Public Suffix Domain's record; RFC 7489 §6.6.3: the author domain,
 * else the PSL organizational domain); check alignment of the SPF- and DKIM-authenticated domains (strict:
 * equal, case-insensitive, trailing dot ignored; relaxed: same organizational domain, by tree walk or PSL); choose
 * {@code p}, {@code sp} or {@code np}; apply {@code t=y} (9989) or {@code pct} (7489).
 *
 * <p>DNS: the queries of a tree walk (at most eight) are sent at once; walks for the identifiers start when the
 * record is known and run concurrently, sharing answers. Any DNS error that leaves the outcome open gives
 * {@code temperror}. The returned future never completes exceptionally.
 */
public final class DmarcEvaluator {
    private static final Logger LOG = LoggerFactory.getLogger(DmarcEvaluator.class);

    private final DnsResolver dns;
    private final DmarcOptions options;

    public DmarcEvaluator(DnsResolver dns, DmarcOptions options) {
        this.dns = Objects.requireNonNull(dns, "dns");
        this.options = Objects.requireNonNull(options, "options");
    }

    public DmarcEvaluator(DnsResolver dns) {
        this(dns, DmarcOptions.DEFAULT);
    }

    public DmarcOptions options() {
        return options;
    }

    /** Evaluates a parsed message (its From fields). */
    public CompletableFuture<DmarcResult> evaluate(RawMessage message, Optional<SpfVerdict> mailFromSpf,
                                                   Optional<DkimReport> dkim) {
        List<String> from = new ArrayList<>();
        for (HeaderField f : message.fields("From")) {
            from.add(f.unfoldedValue());
        }
        return evaluate(from, mailFromSpf, dkim);
    }

    /** Evaluates a message given as received; an unreadable header section gives {@code permerror}. */
    public CompletableFuture<DmarcResult> evaluate(byte[] message, Optional<SpfVerdict> mailFromSpf,
                                                   Optional<DkimReport> dkim) {
        RawMessage parsed;
        try {
            parsed = RawMessage.parse(message);
        } catch (MessageParseException e) {
            return CompletableFuture.completedFuture(DmarcResult.withoutRecord(DmarcStatus.PERMERROR,
                    "unreadable header section: " + e.getMessage(), null, List.of(), options.mode()));
        }
        return evaluate(parsed, mailFromSpf, dkim);
    }

    /**
     * Evaluates from the values of the message's From fields (the text after each colon, one element per field,
     * in order).
     *
     * @param mailFromSpf the SPF result for the MAIL FROM identity (a HELO result is not used), if SPF ran
     * @param dkim        the DKIM results, if DKIM ran
     */
    public CompletableFuture<DmarcResult> evaluate(List<String> fromFieldValues, Optional<SpfVerdict> mailFromSpf,
                                                   Optional<DkimReport> dkim) {
        try {
            return start(fromFieldValues, mailFromSpf, dkim).exceptionally(this::internalError);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(internalError(e));
        }
    }

    private DmarcResult internalError(Throwable t) {
        LOG.warn("DMARC evaluation failed unexpectedly", t);
        return DmarcResult.withoutRecord(DmarcStatus.TEMPERROR, "internal error: " + t, null, List.of(),
                options.mode());
    }

    private CompletableFuture<DmarcResult> start(List<String> fromValues, Optional<SpfVerdict> spf,
                                                 Optional<DkimReport> dkim) {
        AuthorDomains authors = AuthorDomains.of(fromValues, options.maxAuthorDomains());
        if (authors.problem() != null) {
            return done(DmarcStatus.PERMERROR, authors.problem(), null, List.of());
        }
        List<String> domains = authors.domains();
        if (domains.size() > options.maxAuthorDomains()) {
            return done(DmarcStatus.PERMERROR, "more than " + options.maxAuthorDomains() + " author domains in From",
                    domains.get(0), domains);
        }
        AuthenticatedIdentifiers ids = AuthenticatedIdentifiers.of(spf, dkim, options.maxDkimDomains());
        DmarcLookups lookups = new DmarcLookups(dns, options.maxRecordLength());
        if (authors.single()) {
            return evaluateDomain(domains.get(0), ids, lookups)
                    .thenApply(r -> r.withContext(domains, r.reason(), lookups.queries()));
        }
        String shape = authors.fields() > 1
                ? authors.fields() + " From fields with " + domains.size() + " author domain(s)"
                : "From holds " + domains.size() + " author domains";
        if (options.multipleAuthorDomains() == MultipleAuthorDomains.PERMERROR) {
            return done(DmarcStatus.PERMERROR, shape + " (RFC 9989 §5.3.1)", domains.get(0), domains);
        }
        List<CompletableFuture<DmarcResult>> each = new ArrayList<>(domains.size());
        for (String d : domains) {
            each.add(evaluateDomain(d, ids, lookups));
        }
        return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            List<DmarcResult> results = new ArrayList<>(each.size());
            for (CompletableFuture<DmarcResult> f : each) {
                results.add(f.join());
            }
            DmarcResult chosen = strictest(results);
            return chosen.withContext(domains, shape + "; " + chosen.fromDomain() + ": " + chosen.reason(),
                    lookups.queries());
        });
    }

    /**
     * RFC 9989 §11.5: the strictest policy among the domains that fail; with no failure, an error before a pass,
     * a pass before none.
     */
    private static DmarcResult strictest(List<DmarcResult> results) {
        Comparator<DmarcResult> byStrictness = Comparator.comparing(DmarcResult::disposition)
                .thenComparing(r -> r.policy() == null ? DmarcPolicy.NONE : r.policy());
        Optional<DmarcResult> fail = results.stream().filter(r -> r.status() == DmarcStatus.FAIL)
                .reduce((a, b) -> byStrictness.compare(b, a) > 0 ? b : a);
        if (fail.isPresent()) {
            return fail.get();
        }
        for (DmarcStatus s : List.of(DmarcStatus.TEMPERROR, DmarcStatus.PERMERROR, DmarcStatus.PASS)) {
            for (DmarcResult r : results) {
                if (r.status() == s) {
                    return r;
                }
            }
        }
        return results.get(0);
    }

    private CompletableFuture<DmarcResult> done(DmarcStatus status, String reason, String domain,
                                                List<String> domains) {
        return CompletableFuture.completedFuture(
                DmarcResult.withoutRecord(status, reason, domain, domains, options.mode()));
    }

    // ---- one author domain ----

    private CompletableFuture<DmarcResult> evaluateDomain(String author, AuthenticatedIdentifiers ids,
                                                          DmarcLookups lookups) {
        CompletableFuture<Discovery> discovery = options.mode() == DmarcMode.RFC9989
                ? discoverByTreeWalk(author, lookups)
                : discoverByPublicSuffix(author, lookups);
        return discovery.thenCompose(d -> d.early() != null
                ? CompletableFuture.completedFuture(d.early())
                : applyRecord(author, d.policy(), ids, lookups));
    }

    /** The record that applies to the author domain, or the result that ends the evaluation early. */
    private record Discovery(PolicyLookup policy, DmarcResult early) {
    }

    private Discovery early(DmarcStatus status, String reason, String author) {
        return new Discovery(null, DmarcResult.withoutRecord(status, reason, author, List.of(author),
                options.mode()));
    }

    /** RFC 9989 §4.10.1. */
    private CompletableFuture<Discovery> discoverByTreeWalk(String author, DmarcLookups lookups) {
        return lookups.walk(author).thenApply(walk -> {
            PolicyLookup own = lookups.policyRecord(author).join();     // part of the walk, already answered
            switch (own.kind()) {
                case ERROR:
                    return early(DmarcStatus.TEMPERROR, own.detail(), author);
                case FOUND:
                    return new Discovery(own, null);
                default:
                    break;
            }
            if (walk.failed()) {
                return early(DmarcStatus.TEMPERROR, walk.error(), author);
            }
            PolicyLookup org = walk.recordAt(walk.orgDomain());
            PolicyLookup chosen = org != null ? org : walk.publicSuffixRecord();
            if (chosen == null) {
                String multiple = own.kind() == PolicyLookup.Kind.MULTIPLE ? own.detail() + "; " : "";
                return early(DmarcStatus.NONE, multiple + "no DMARC record for " + author
                        + " or its organizational domain", author);
            }
            return new Discovery(chosen, null);
        });
    }

    /** RFC 7489 §6.6.3. */
    private CompletableFuture<Discovery> discoverByPublicSuffix(String author, DmarcLookups lookups) {
        String org = PublicSuffixOrgDomain.of(author);
        CompletableFuture<PolicyLookup> atAuthor = lookups.policyRecord(author);
        CompletableFuture<PolicyLookup> atOrg = org.equals(author) ? atAuthor : lookups.policyRecord(org);
        return atAuthor.thenCombine(atOrg, (own, parent) -> {
            Discovery d = decide7489(own, author);
            if (d != null) {
                return d;
            }
            if (org.equals(author)) {
                return early(DmarcStatus.NONE, own.detail(), author);
            }
            d = decide7489(parent, author);
            return d != null ? d : early(DmarcStatus.NONE, "no DMARC record at _dmarc." + author + " or _dmarc."
                    + org, author);
        });
    }

    /** Steps 2 and 5: an error, one record, or several (which end policy discovery); null when there is none. */
    private Discovery decide7489(PolicyLookup lookup, String author) {
        return switch (lookup.kind()) {
            case ERROR -> early(DmarcStatus.TEMPERROR, lookup.detail(), author);
            case FOUND -> new Discovery(lookup, null);
            case MULTIPLE -> early(DmarcStatus.NONE, lookup.detail(), author);
            case ABSENT -> null;
        };
    }

    /** The policies usable from a record, or why it is unusable (RFC 9989 §4.10.1, RFC 7489 §6.6.3 step 6). */
    private record Policies(DmarcPolicy p, DmarcPolicy sp, DmarcPolicy np, boolean noneFallback, String unusable) {
    }

    private Policies policies(DmarcRecord record, String policyDomain) {
        boolean missingP = options.mode() == DmarcMode.RFC7489 && record.p() == null && !record.isInvalid("p");
        List<String> bad = new ArrayList<>(3);
        if (missingP) {
            bad.add("no p");
        }
        for (String tag : List.of("p", "sp", "np")) {
            if (record.isInvalid(tag)) {
                bad.add("invalid " + tag);
            }
        }
        if (bad.isEmpty()) {
            // RFC 9989 §4.7: a record without p is treated as p=none
            DmarcPolicy p = record.p() != null ? record.p() : DmarcPolicy.NONE;
            return new Policies(p, record.sp() != null ? record.sp() : p, record.np(), false, null);
        }
        if (record.rua().isEmpty()) {
            String problems = record.problems().isEmpty() ? "" : " (" + String.join("; ", record.problems()) + ")";
            return new Policies(null, null, null, false, "DMARC record at _dmarc." + policyDomain + " has "
                    + String.join(", ", bad) + " and no valid rua: not applied" + problems);
        }
        return new Policies(DmarcPolicy.NONE, DmarcPolicy.NONE, null, true, null);
    }

    private CompletableFuture<DmarcResult> applyRecord(String author, PolicyLookup found, AuthenticatedIdentifiers ids,
                                                       DmarcLookups lookups) {
        DmarcRecord record = found.record();
        String policyDomain = found.domain();
        Policies policies = policies(record, policyDomain);
        if (policies.unusable() != null) {
            return CompletableFuture.completedFuture(new DmarcResult(DmarcStatus.PERMERROR, policies.unusable(),
                    author, List.of(author), policyDomain, null, record, null, null, DmarcPolicy.NONE, false, false,
                    ids.spfDomain(), ids.dkimDomains(), List.of(), false, false, false, options.mode(), 0));
        }
        boolean atAuthor = policyDomain.equals(author);
        boolean needExistence = !atAuthor && policies.np() != null && policies.np() != policies.sp();
        CompletableFuture<DmarcLookups.Existence> existence = needExistence
                ? lookups.exists(author)
                : CompletableFuture.completedFuture(DmarcLookups.Existence.EXISTS);
        CompletableFuture<Alignment> spf = ids.spfDomain() == null
                ? CompletableFuture.completedFuture(null)
                : align(author, ids.spfDomain(), record.aspf(), lookups);
        List<CompletableFuture<Alignment>> dkim = new ArrayList<>(ids.dkimDomains().size());
        for (String d : ids.dkimDomains()) {
            dkim.add(align(author, d, record.adkim(), lookups));
        }
        CompletableFuture<OrgDomain> authorOrg = orgDomain(author, lookups);
        List<CompletableFuture<?>> all = new ArrayList<>(dkim);
        all.add(spf);
        all.add(existence);
        all.add(authorOrg);
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            List<Alignment> dkimResults = new ArrayList<>(dkim.size());
            for (CompletableFuture<Alignment> f : dkim) {
                dkimResults.add(f.join());
            }
            return conclude(author, found, policies, ids, spf.join(), dkimResults, existence.join(),
                    authorOrg.join());
        });
    }

    private DmarcResult conclude(String author, PolicyLookup found, Policies policies, AuthenticatedIdentifiers ids,
                                 Alignment spf, List<Alignment> dkim, DmarcLookups.Existence existence,
                                 OrgDomain authorOrg) {
        DmarcRecord record = found.record();
        String policyDomain = found.domain();
        boolean spfAligned = spf != null && spf.state() == Alignment.State.ALIGNED;
        List<String> alignedDkim = new ArrayList<>();
        String unknown = spf != null && spf.state() == Alignment.State.UNKNOWN ? spf.detail() : null;
        for (Alignment a : dkim) {
            if (a.state() == Alignment.State.ALIGNED) {
                alignedDkim.add(a.identifier());
            } else if (a.state() == Alignment.State.UNKNOWN && unknown == null) {
                unknown = a.detail();
            }
        }
        boolean pass = spfAligned || !alignedDkim.isEmpty();

        // RFC 9989 §4.10.1: p at the author domain; below it sp for an existing, np for a non-existent subdomain
        DmarcPolicy requested;
        boolean existenceUnknown = false;
        if (policyDomain.equals(author)) {
            requested = policies.p();
        } else if (policies.np() != null && existence == DmarcLookups.Existence.NON_EXISTENT) {
            requested = policies.np();
        } else {
            requested = policies.sp();
            existenceUnknown = policies.np() != null && policies.np() != policies.sp()
                    && existence == DmarcLookups.Existence.UNKNOWN;
        }
        boolean testMode = options.mode() == DmarcMode.RFC9989 && record.testMode();
        DmarcPolicy policy = testMode ? requested.oneLevelDown() : requested;

        DmarcStatus status;
        String reason;
        if (pass) {
            status = DmarcStatus.PASS;
            reason = passReason(spfAligned ? ids.spfDomain() : null, alignedDkim);
        } else if (unknown != null) {
            status = DmarcStatus.TEMPERROR;
            reason = "alignment undetermined: " + unknown;
        } else if (existenceUnknown) {
            status = DmarcStatus.TEMPERROR;
            reason = "cannot tell whether " + author + " exists (np applies to non-existent subdomains)";
        } else {
            status = DmarcStatus.FAIL;
            reason = failReason(ids, spf, dkim);
        }
        boolean sampledOut = false;
        if (status == DmarcStatus.FAIL && options.mode() == DmarcMode.RFC7489 && policy != DmarcPolicy.NONE
                && record.pct() < DmarcRecord.DEFAULT_PCT) {
            // RFC 7489 §6.6.4: outside the sample, reject becomes quarantine and quarantine becomes none
            if (options.sampler().nextPercent() >= record.pct()) {
                sampledOut = true;
                policy = policy.oneLevelDown();
                reason = reason + "; left out by pct=" + record.pct();
            }
        }
        if (policies.noneFallback()) {
            reason = reason + "; record taken as p=none (invalid policy tag, valid rua)";
        }
        DmarcPolicy disposition = status == DmarcStatus.FAIL ? policy : DmarcPolicy.NONE;
        LOG.debug("DMARC {} for {} (record at {}): {}", status.word(), author, policyDomain, reason);
        return new DmarcResult(status, reason, author, List.of(author), policyDomain, authorOrg.domain(), record,
                requested, policy, disposition, spfAligned, !alignedDkim.isEmpty(), ids.spfDomain(),
                ids.dkimDomains(), alignedDkim, testMode, sampledOut, policies.noneFallback(), options.mode(), 0);
    }

    private static String passReason(String spfDomain, List<String> alignedDkim) {
        List<String> parts = new ArrayList<>(2);
        if (spfDomain != null) {
            parts.add("SPF " + spfDomain);
        }
        if (!alignedDkim.isEmpty()) {
            parts.add("DKIM " + String.join(", ", alignedDkim));
        }
        return "aligned: " + String.join("; ", parts);
    }

    private static String failReason(AuthenticatedIdentifiers ids, Alignment spf, List<Alignment> dkim) {
        String spfPart = spf == null ? ids.spfNote() : "SPF pass for " + ids.spfDomain() + " not aligned";
        String dkimPart;
        if (dkim.isEmpty()) {
            dkimPart = ids.dkimNote();
        } else {
            List<String> names = new ArrayList<>(dkim.size());
            for (Alignment a : dkim) {
                names.add(a.identifier());
            }
            dkimPart = "DKIM pass for " + String.join(", ", names) + " not aligned"
                    + (ids.dkimNote() == null ? "" : " (" + ids.dkimNote() + ")");
        }
        return "no aligned identifier: " + spfPart + "; " + dkimPart;
    }

    // ---- alignment ----

    /** The alignment of one authenticated identifier with the author domain. */
    private record Alignment(String identifier, State state, String detail) {
        enum State { ALIGNED, NOT_ALIGNED, UNKNOWN }
    }

    /** An organizational domain, or the DNS error that hid it. */
    private record OrgDomain(String domain, String error) {
    }

    private CompletableFuture<Alignment> align(String author, String identifier, AlignmentMode mode,
                                               DmarcLookups lookups) {
        // strict (RFC 9989 §3.2.10.2): identical names; both are normalised (lower case, no trailing dot)
        if (identifier.equals(author)) {
            return CompletableFuture.completedFuture(new Alignment(identifier, Alignment.State.ALIGNED, null));
        }
        if (mode == AlignmentMode.STRICT || !sameTopLevelDomain(identifier, author)) {
            // an organizational domain is the name itself or one of its ancestors, so names without a common
            // ancestor never share one
            return CompletableFuture.completedFuture(new Alignment(identifier, Alignment.State.NOT_ALIGNED, null));
        }
        return orgDomain(author, lookups).thenCombine(orgDomain(identifier, lookups), (a, i) -> {
            String error = a.error() != null ? a.error() : i.error();
            if (error != null) {
                return new Alignment(identifier, Alignment.State.UNKNOWN, error);
            }
            return new Alignment(identifier, a.domain().equals(i.domain())
                    ? Alignment.State.ALIGNED : Alignment.State.NOT_ALIGNED, null);
        });
    }

    /** RFC 9989 §4.10.2 by tree walk, or RFC 7489 §3.2 by the Public Suffix List. */
    private CompletableFuture<OrgDomain> orgDomain(String domain, DmarcLookups lookups) {
        if (options.mode() == DmarcMode.RFC7489) {
            return CompletableFuture.completedFuture(new OrgDomain(PublicSuffixOrgDomain.of(domain), null));
        }
        return lookups.walk(domain).thenApply(w -> new OrgDomain(w.orgDomain(), w.error()));
    }

    private static boolean sameTopLevelDomain(String a, String b) {
        return a.substring(a.lastIndexOf('.') + 1).equals(b.substring(b.lastIndexOf('.') + 1));
    }
}
