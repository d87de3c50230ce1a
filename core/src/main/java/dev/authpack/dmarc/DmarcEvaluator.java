package dev.authpack.dmarc;

import dev.authpack.dns.Deadlines;
import dev.authpack.mail.AuthorDomains;
import dev.authpack.dkim.DkimReport;
import dev.authpack.dmarc.IdentifierAlignment.Alignment;
import dev.authpack.dns.DnsResolver;
import dev.authpack.mail.HeaderField;
import dev.authpack.mail.MessageParseException;
import dev.authpack.mail.RawMessage;
import dev.authpack.spf.SpfResult;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.function.Supplier;
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
    /** Parsed records by text, shared by this evaluator's evaluations. */
    private final DmarcRecordCache records;

    public DmarcEvaluator(DnsResolver dns, DmarcOptions options) {
        this(dns, options, new DmarcRecordCache(options.maxRecordLength()));
    }

    private DmarcEvaluator(DnsResolver dns, DmarcOptions options, DmarcRecordCache records) {
        this.dns = Objects.requireNonNull(dns, "dns");
        this.options = Objects.requireNonNull(options, "options");
        this.records = records;
    }

    /** The same evaluator asking {@code other} (an SMTP transaction's answers), sharing its parsed records. */
    public DmarcEvaluator over(DnsResolver other) {
        return new DmarcEvaluator(other, options, records);
    }

    public DmarcEvaluator(DnsResolver dns) {
        this(dns, DmarcOptions.DEFAULT);
    }

    public DmarcOptions options() {
        return options;
    }

    /**
     * Evaluates a parsed message: its From fields, and those a mail client could show besides (a From field after
     * a lone CR, say; {@link FromFieldScan}). The DKIM results are {@link dev.authpack.dkim.DkimVerifier}'s of the
     * same message: a {@code pass} is taken to sign every From field the strict parser reads (a signature that
     * does not is {@code policy}: {@link dev.authpack.dkim.SignedHeaders#unsignedInstance}); a From field only some
     * readers see is signed by none, and with one no DKIM pass counts.
     */
    public CompletableFuture<DmarcResult> evaluate(RawMessage message, Optional<SpfResult> mailFromSpf,
                                                   Optional<DkimReport> dkim) {
        return prepare(message).evaluate(mailFromSpf, dkim);
    }

    /**
     * Evaluates a message given as received. A header section the strict parser refuses is read best-effort, the
     * way mail clients display it (docs/dmarc.md "Fail-closed rules").
     */
    public CompletableFuture<DmarcResult> evaluate(byte[] message, Optional<SpfResult> mailFromSpf,
                                                   Optional<DkimReport> dkim) {
        return prepare(message).evaluate(mailFromSpf, dkim);
    }

    /**
     * Evaluates from the values of the message's From fields (the text after each colon, one element per field,
     * in order).
     *
     * @param mailFromSpf the SPF result for the MAIL FROM identity (a HELO result is not used), if SPF ran
     * @param dkim        the DKIM results, if DKIM ran
     */
    public CompletableFuture<DmarcResult> evaluate(List<String> fromFieldValues, Optional<SpfResult> mailFromSpf,
                                                   Optional<DkimReport> dkim) {
        List<String> values = List.copyOf(fromFieldValues);
        return prepare(() -> DmarcAuthors.read(values, null, null, options.maxAuthorDomains()))
                .evaluate(mailFromSpf, dkim);
    }

    /**
     * Starts the part of the evaluation of a parsed message that needs the message only: reads the author domains
     * and starts their policy discovery (the {@code _dmarc} lookups of the tree walk, or of the author and its
     * organizational domain in RFC 7489 mode, and the existence lookups {@code np} asks for), while SPF and DKIM
     * are still running. {@link Prepared#evaluate} finishes it: {@code prepare(m).evaluate(spf, dkim)} gives the
     * result and asks the questions of {@code evaluate(m, spf, dkim)}, only sooner.
     */
    public Prepared prepare(RawMessage message) {
        return prepare(message, null);
    }

    /**
     * {@link #prepare(RawMessage)}; when {@code unread} is not null the message may hold From fields not in
     * {@code message} (a header section read alone that other readers may read further: review s18 H1/H2), so the
     * authors are incomplete, {@code unread} saying why, and DMARC fails closed as for a header beyond the scan's
     * bounds.
     */
    public Prepared prepare(RawMessage message, String unread) {
        return prepare(unread, () -> {
            List<String> from = new ArrayList<>();
            for (HeaderField f : message.fields("From")) {
                from.add(f.unfoldedValue());
            }
            byte[][] bytes = new byte[1][];
            message.readAll((array, offset, length) -> bytes[0] = offset == 0 && length == array.length ? array
                    : Arrays.copyOfRange(array, offset, offset + length));
            return DmarcAuthors.read(from, FromFieldScan.of(bytes[0]), null, options.maxAuthorDomains());
        }, authors -> authors.fields() > message.count("From"));
    }

    /**
     * {@link #prepare(RawMessage)} of a message given as received, read as
     * {@link #evaluate(byte[], Optional, Optional)} reads it.
     */
    public Prepared prepare(byte[] message) {
        return prepare(message, null);
    }

    /** {@link #prepare(byte[])}, with {@code unread} as in {@link #prepare(RawMessage, String)}. */
    public Prepared prepare(byte[] message, String unread) {
        RawMessage parsed;
        try {
            parsed = RawMessage.parse(message);
        } catch (MessageParseException e) {
            return prepare(unread, () -> DmarcAuthors.read(null, FromFieldScan.of(message), e.getMessage(),
                    options.maxAuthorDomains()));
        }
        return prepare(parsed, unread);
    }

    private Prepared prepare(Supplier<DmarcAuthors> reading) {
        return prepare(null, reading, authors -> false);
    }

    private Prepared prepare(String unread, Supplier<DmarcAuthors> reading) {
        return prepare(unread, reading, authors -> false);
    }

    /**
     * @param hiddenFrom whether the message the authors were read from has a From field only some readers see: more
     *                   From fields as DMARC reads them than the strict parser counts (after a lone CR, say)
     */
    private Prepared prepare(String unread, Supplier<DmarcAuthors> reading, Predicate<DmarcAuthors> hiddenFrom) {
        DmarcLookups lookups = new DmarcLookups(dns, records);
        try {
            DmarcAuthors read = reading.get();
            DmarcAuthors authors = unread == null ? read : read.unread(unread);
            boolean hidden = hiddenFrom.test(read);
            Map<String, CompletableFuture<Discovery>> discoveries = new LinkedHashMap<>();
            if (!authors.domains().isEmpty() && !authors.tooMany()) {
                // RFC 9989 §4.10.1 / RFC 7489 §6.6.3: discovery depends on the author domain alone
                for (String d : authors.domains()) {
                    discoveries.computeIfAbsent(d, author -> discover(author, lookups));
                }
            }
            return new Prepared(lookups, authors, hidden, discoveries, null);
        } catch (RuntimeException e) {
            return new Prepared(lookups, null, false, Map.of(), e);
        }
    }

    /**
     * One message's evaluation with its policy discovery under way ({@link #prepare(RawMessage)}); it waits for
     * the SPF and DKIM results. Thread-safe.
     */
    public final class Prepared {
        private final DmarcLookups lookups;
        private final DmarcAuthors authors;
        private final boolean hiddenFrom;
        private final Map<String, CompletableFuture<Discovery>> discoveries;
        private final RuntimeException readingFailure;

        private Prepared(DmarcLookups lookups, DmarcAuthors authors, boolean hiddenFrom,
                         Map<String, CompletableFuture<Discovery>> discoveries, RuntimeException readingFailure) {
            this.lookups = lookups;
            this.authors = authors;
            this.hiddenFrom = hiddenFrom;
            this.discoveries = discoveries;
            this.readingFailure = readingFailure;
        }

        /**
         * Whether the message has a From field only some readers see (after a lone CR, say: docs/dmarc.md
         * "Fail-closed rules" 3), which no signature, DKIM or ARC, signs.
         */
        public boolean hasFromOutsideEverySignature() {
            return hiddenFrom;
        }

        /** Completes when the policy discovery of every author domain has ended (its lookups answered). */
        public CompletableFuture<Void> discovered() {
            return CompletableFuture.allOf(discoveries.values().toArray(CompletableFuture[]::new));
        }

        /**
         * The result, given the SPF (MAIL FROM) and DKIM results, within {@link DmarcOptions#timeBudget()} counted
         * from this call; past it, or on an internal error, {@code temperror} with the unverifiable disposition.
         * Never completes exceptionally.
         */
        public CompletableFuture<DmarcResult> evaluate(Optional<SpfResult> spf, Optional<DkimReport> dkim) {
            List<String> seen = authors == null ? List.of() : authors.domains();
            CompletableFuture<DmarcResult> work;
            if (readingFailure != null) {
                work = CompletableFuture.failedFuture(readingFailure);
            } else {
                try {
                    work = start(authors, hiddenFrom, spf, dkim, lookups, discoveries);
                } catch (RuntimeException e) {
                    work = CompletableFuture.failedFuture(e);
                }
            }
            return Deadlines.orTimeout(work, options.timeBudget()).handle((result, t) -> {
                if (t == null) {
                    return result;
                }
                Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
                String reason;
                if (cause instanceof TimeoutException) {
                    reason = "time budget of " + options.timeBudget().toMillis() + " ms spent";
                    LOG.info("DMARC evaluation of {} stopped: {}", seen, reason);
                } else {
                    reason = "internal error: " + cause;
                    LOG.warn("DMARC evaluation failed unexpectedly", cause);
                }
                String first = seen.isEmpty() ? null : seen.get(0);
                return unverifiable(DmarcStatus.TEMPERROR, reason, first, seen,
                        SeenPolicies.ofAll(seen, options.mode(), lookups)).withContext(seen, reason,
                        lookups.queries());
            });
        }
    }

    /** A result without a verdict, with the disposition {@link DmarcOptions#unverifiableDisposition()} gives. */
    private DmarcResult unverifiable(DmarcStatus status, String reason, String domain, List<String> domains,
                                     DmarcPolicy strictestSeen) {
        DmarcPolicy disposition = options.unverifiableDisposition().disposition(strictestSeen);
        return DmarcResult.withoutRecord(status, reason, domain, domains, options.mode())
                .unverifiable(disposition, reason);
    }

    private CompletableFuture<DmarcResult> start(DmarcAuthors authors, boolean hiddenFrom, Optional<SpfResult> spf,
                                                 Optional<DkimReport> dkim, DmarcLookups lookups,
                                                 Map<String, CompletableFuture<Discovery>> discoveries) {
        List<String> domains = authors.domains();
        String notes = String.join("; ", authors.notes());
        if (domains.isEmpty()) {
            String why = authors.fields() == 0 ? "no From field" : "no author domain in the From field";
            String reason = notes.isEmpty() ? why : notes + "; " + why;
            return CompletableFuture.completedFuture(unverifiable(DmarcStatus.PERMERROR, reason, null, List.of(),
                    authors.complete() ? DmarcPolicy.NONE : DmarcPolicy.REJECT));
        }
        if (authors.tooMany()) {
            // the domains left out may publish p=reject: the strictest policy of the message is unknown
            String reason = "more than " + options.maxAuthorDomains() + " author domains in From"
                    + (notes.isEmpty() ? "" : "; " + notes);
            return CompletableFuture.completedFuture(unverifiable(DmarcStatus.PERMERROR, reason, domains.get(0),
                    domains, DmarcPolicy.REJECT));
        }
        AuthenticatedIdentifiers ids = AuthenticatedIdentifiers.of(spf, dkim, options.maxDkimDomains(), hiddenFrom);
        if (authors.single()) {
            return evaluateDomain(domains.get(0), ids, lookups, discoveries)
                    .thenApply(r -> r.withContext(domains, r.reason(), lookups.queries()));
        }
        String shape = authors.fields() > 1
                ? authors.fields() + " From fields with " + domains.size() + " author domain(s)"
                : domains.size() > 1 ? "From holds " + domains.size() + " author domains"
                : "";
        String context = notes.isEmpty() ? shape : shape.isEmpty() ? notes : shape + "; " + notes;
        boolean several = authors.fields() > 1 || domains.size() > 1;
        List<CompletableFuture<DmarcResult>> each = new ArrayList<>(domains.size());
        for (String d : domains) {
            each.add(evaluateDomain(d, ids, lookups, discoveries));
        }
        return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            List<DmarcResult> results = new ArrayList<>(each.size());
            DmarcPolicy seen = DmarcPolicy.NONE;
            for (CompletableFuture<DmarcResult> f : each) {
                results.add(f.join());
                seen = seen.stricter(SeenPolicies.of(f.join(), lookups));
            }
            DmarcResult chosen = strictest(results);
            String detail = chosen.fromDomain() + ": " + chosen.reason();
            if (several && options.multipleAuthorDomains() == MultipleAuthorDomains.PERMERROR) {
                String reason = shape + " (RFC 9989 §5.3.1)";
                return unverifiable(DmarcStatus.PERMERROR, reason, domains.get(0), domains, seen)
                        .withContext(domains, reason, lookups.queries());
            }
            if (!authors.complete()) {
                // From fields beyond the bounds were not read: they may name a p=reject domain
                DmarcPolicy unread = options.unverifiableDisposition().disposition(DmarcPolicy.REJECT);
                if (chosen.status() != DmarcStatus.FAIL || chosen.disposition().compareTo(unread) < 0) {
                    return unverifiable(DmarcStatus.PERMERROR, context + "; " + detail, chosen.fromDomain(),
                            domains, DmarcPolicy.REJECT).withContext(domains, context + "; " + detail,
                            lookups.queries());
                }
            }
            return chosen.withContext(domains, context + "; " + detail, lookups.queries());
        });
    }

    /**
     * RFC 9989 §11.5: the strictest policy among the domains that fail. A result that asks for a disposition
     * (a failure, or an unverifiable error) comes first, the strictest disposition winning, a failure before an
     * error at the same disposition; with none, an error before a pass, a pass before none.
     */
    private static DmarcResult strictest(List<DmarcResult> results) {
        Comparator<DmarcResult> byStrictness = Comparator.comparing(DmarcResult::disposition)
                .thenComparing(r -> r.status() == DmarcStatus.FAIL)
                .thenComparing(r -> r.policy() == null ? DmarcPolicy.NONE : r.policy());
        Optional<DmarcResult> acting = results.stream()
                .filter(r -> r.status() == DmarcStatus.FAIL || r.disposition() != DmarcPolicy.NONE)
                .reduce((a, b) -> byStrictness.compare(b, a) > 0 ? b : a);
        if (acting.isPresent()) {
            return acting.get();
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

    // ---- one author domain ----

    private CompletableFuture<DmarcResult> evaluateDomain(String author, AuthenticatedIdentifiers ids,
                                                          DmarcLookups lookups,
                                                          Map<String, CompletableFuture<Discovery>> discoveries) {
        CompletableFuture<Discovery> discovery = discoveries.computeIfAbsent(author, a -> discover(a, lookups));
        return discovery.thenCompose(d -> d.early() != null
                ? CompletableFuture.completedFuture(d.early())
                : applyRecord(author, d, ids, lookups));
    }

    /**
     * The author's policy discovery, and the existence lookups of the author domain when the record found has an
     * {@code np} that differs from {@code sp} (asked on the same condition as {@link #applyRecord} asks them, which
     * then finds them under way: {@link DmarcLookups} asks each question once).
     */
    private CompletableFuture<Discovery> discover(String author, DmarcLookups lookups) {
        CompletableFuture<Discovery> discovery = options.mode() == DmarcMode.RFC9989
                ? discoverByTreeWalk(author, lookups)
                : discoverByPublicSuffix(author, lookups);
        return discovery.thenApply(d -> {
            if (d.early() == null && needsExistence(author, d.policy(), policies(d.policy().record(),
                    d.policy().domain()))) {
                lookups.exists(author);
            }
            return d;
        });
    }

    /** Whether {@code np} may apply: below the policy domain, with an {@code np} other than {@code sp}. */
    private static boolean needsExistence(String author, PolicyLookup found, Policies policies) {
        return policies.unusable() == null && !found.domain().equals(author) && policies.np() != null
                && policies.np() != policies.sp();
    }

    /**
     * The record that applies to the author domain (with the author's tree walk in RFC 9989 mode), or the result
     * that ends the evaluation early.
     */
    private record Discovery(PolicyLookup policy, TreeWalk.Outcome walk, DmarcResult early) {
    }

    private Discovery early(DmarcStatus status, String reason, String author) {
        return new Discovery(null, null, DmarcResult.withoutRecord(status, reason, author, List.of(author),
                options.mode()));
    }

    /**
     * A DNS failure at a name of the author's policy discovery: unverifiable; {@code overload}: the lookup was not
     * sent, this server's resolver being at its bound ({@link DmarcResult#localOverload()}).
     */
    private Discovery temperror(String reason, String author, DmarcLookups lookups, boolean overload) {
        DmarcPolicy seen = SeenPolicies.along(author, options.mode(), lookups);
        DmarcPolicy disposition = overload ? options.unverifiableDisposition().dispositionOfHiddenPolicy(seen)
                : options.unverifiableDisposition().disposition(seen);
        return new Discovery(null, null, DmarcResult.withoutRecord(DmarcStatus.TEMPERROR, reason, author,
                List.of(author), options.mode()).unverifiable(disposition, reason).withLocalOverload(overload));
    }

    /** RFC 9989 §4.10.1. */
    private CompletableFuture<Discovery> discoverByTreeWalk(String author, DmarcLookups lookups) {
        return lookups.walk(author).thenApply(walk -> {
            PolicyLookup own = lookups.policyRecord(author).join();     // part of the walk, already answered
            switch (own.kind()) {
                case ERROR:
                    return temperror(own.detail(), author, lookups, own.localOverload());
                case FOUND:
                    return new Discovery(own, walk, null);
                default:
                    break;
            }
            if (walk.failed()) {
                return temperror(walk.error(), author, lookups, walk.errorOverload());
            }
            PolicyLookup org = walk.recordAt(walk.orgDomain());
            PolicyLookup chosen = org != null ? org : walk.publicSuffixRecord();
            if (chosen == null) {
                String multiple = own.kind() == PolicyLookup.Kind.MULTIPLE ? own.detail() + "; " : "";
                return early(DmarcStatus.NONE, multiple + "no DMARC record for " + author
                        + " or its organizational domain", author);
            }
            return new Discovery(chosen, walk, null);
        });
    }

    /** RFC 7489 §6.6.3. */
    private CompletableFuture<Discovery> discoverByPublicSuffix(String author, DmarcLookups lookups) {
        String org = PublicSuffixOrgDomain.of(author);
        CompletableFuture<PolicyLookup> atAuthor = lookups.policyRecord(author);
        CompletableFuture<PolicyLookup> atOrg = org.equals(author) ? atAuthor : lookups.policyRecord(org);
        return atAuthor.thenCombine(atOrg, (own, parent) -> {
            Discovery d = decide7489(own, author, lookups);
            if (d != null) {
                return d;
            }
            if (org.equals(author)) {
                return early(DmarcStatus.NONE, own.detail(), author);
            }
            d = decide7489(parent, author, lookups);
            return d != null ? d : early(DmarcStatus.NONE, "no DMARC record at _dmarc." + author + " or _dmarc."
                    + org, author);
        });
    }

    /** Steps 2 and 5: an error, one record, or several (which end policy discovery); null when there is none. */
    private Discovery decide7489(PolicyLookup lookup, String author, DmarcLookups lookups) {
        return switch (lookup.kind()) {
            case ERROR -> temperror(lookup.detail(), author, lookups, lookup.localOverload());
            case FOUND -> new Discovery(lookup, null, null);
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

    private CompletableFuture<DmarcResult> applyRecord(String author, Discovery discovery,
                                                       AuthenticatedIdentifiers ids, DmarcLookups lookups) {
        PolicyLookup found = discovery.policy();
        DmarcRecord record = found.record();
        String policyDomain = found.domain();
        Policies policies = policies(record, policyDomain);
        if (policies.unusable() != null) {
            return CompletableFuture.completedFuture(new DmarcResult(DmarcStatus.PERMERROR, policies.unusable(),
                    author, List.of(author), policyDomain, null, record, null, null, DmarcPolicy.NONE, false, false,
                    ids.spfDomain(), ids.dkimDomains(), List.of(), false, false, false, options.mode(), 0));
        }
        boolean needExistence = needsExistence(author, found, policies);
        CompletableFuture<DmarcLookups.Existence> existence = needExistence
                ? lookups.exists(author)
                : CompletableFuture.completedFuture(DmarcLookups.Existence.EXISTS);
        TreeWalk.Outcome walk = discovery.walk();
        CompletableFuture<Alignment> spf = ids.spfDomain() == null
                ? CompletableFuture.completedFuture(null)
                : IdentifierAlignment.align(author, ids.spfDomain(), record.aspf(), options.mode(), walk, lookups);
        List<CompletableFuture<Alignment>> dkim = new ArrayList<>(ids.dkimDomains().size());
        for (String d : ids.dkimDomains()) {
            dkim.add(IdentifierAlignment.align(author, d, record.adkim(), options.mode(), walk, lookups));
        }
        String authorOrg = walk == null ? PublicSuffixOrgDomain.of(author) : walk.orgDomain();
        List<CompletableFuture<?>> all = new ArrayList<>(dkim);
        all.add(spf);
        all.add(existence);
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            List<Alignment> dkimResults = new ArrayList<>(dkim.size());
            for (CompletableFuture<Alignment> f : dkim) {
                dkimResults.add(f.join());
            }
            return conclude(author, found, policies, ids, spf.join(), dkimResults, existence.join(), authorOrg,
                    lookups.existenceOverloaded(author));
        });
    }

    private DmarcResult conclude(String author, PolicyLookup found, Policies policies, AuthenticatedIdentifiers ids,
                                 Alignment spf, List<Alignment> dkim, DmarcLookups.Existence existence,
                                 String authorOrg, boolean existenceOverload) {
        DmarcRecord record = found.record();
        String policyDomain = found.domain();
        boolean spfAligned = spf != null && spf.state() == Alignment.State.ALIGNED;
        List<String> alignedDkim = new ArrayList<>();
        String unknown = spf != null && spf.state() == Alignment.State.UNKNOWN ? spf.detail() : null;
        // a local overload among the lookups that left the outcome open (DmarcResult#localOverload)
        boolean overload = spf != null && spf.state() == Alignment.State.UNKNOWN && spf.localOverload();
        for (Alignment a : dkim) {
            if (a.state() == Alignment.State.ALIGNED) {
                alignedDkim.add(a.identifier());
            } else if (a.state() == Alignment.State.UNKNOWN) {
                overload |= a.localOverload();
                if (unknown == null) {
                    unknown = a.detail();
                }
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
            overload = existenceOverload;
            reason = existenceOverload ? "cannot tell whether " + author + " exists: this server's DNS resolver is"
                    + " overloaded (np applies to non-existent subdomains)"
                    : "cannot tell whether " + author + " exists (np applies to non-existent subdomains)";
        } else if (ids.overloaded() != null) {
            // an identifier that would have passed may be missing because of our own overload, which an attacker
            // can cause: no verdict (docs/dmarc.md "Fail-closed rules", rule 9)
            status = DmarcStatus.TEMPERROR;
            overload = true;
            reason = "cannot be completed: " + ids.overloaded() + " not checked, this server's DNS resolver is"
                    + " overloaded (" + failReason(ids, spf, dkim) + ")";
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
        if (status == DmarcStatus.TEMPERROR) {
            // a DNS failure at a name of the author's organization (IdentifierAlignment): no verdict
            DmarcPolicy seen = existenceUnknown ? SeenPolicies.applying(record, policyDomain, author, options.mode())
                    : policy;
            disposition = options.unverifiableDisposition().disposition(seen);
        }
        LOG.debug("DMARC {} for {} (record at {}): {}", status.word(), author, policyDomain, reason);
        return new DmarcResult(status, reason, author, List.of(author), policyDomain, authorOrg, record,
                requested, policy, disposition, spfAligned, !alignedDkim.isEmpty(), ids.spfDomain(),
                ids.dkimDomains(), alignedDkim, testMode, sampledOut, policies.noneFallback(), options.mode(), 0,
                status == DmarcStatus.TEMPERROR && overload);
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
}
