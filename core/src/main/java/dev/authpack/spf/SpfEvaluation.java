package dev.authpack.spf;

import dev.authpack.dns.DomainNames;
import dev.authpack.dns.IpLiterals;
import dev.authpack.dns.DnsLookup;
import dev.authpack.dns.DnsOutcome;
import dev.authpack.dns.DnsResolver;
import dev.authpack.dns.DnsType;
import dev.authpack.dns.MxHost;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * One evaluation of {@code check_host()} (RFC 7208 §4) with everything it shares across nested
 * {@code include}/{@code redirect} calls: the lookup counters of §4.6.4 and a table of the DNS queries already
 * started, so a name is asked once per evaluation and prefetched answers are reused.
 *
 * <p>The directives are evaluated strictly left to right: each stage starts only after the previous one
 * finished, which also makes the plain counters safe (dependent {@link CompletableFuture} stages are ordered by
 * happens-before). Concurrency is confined to lookups whose order cannot change the result: the address lookups
 * of one {@code mx} or {@code ptr} term, and the optional prefetch of the next terms' primary queries.
 */
final class SpfEvaluation {
    private static final Logger LOG = LoggerFactory.getLogger(SpfEvaluation.class);
    /** Defence in depth: the limit of 10 DNS-querying terms ends include/redirect chains long before this. */
    private static final int MAX_DEPTH = 25;
    /** An explanation goes into an SMTP reply or a header: keep it short. */
    private static final int MAX_EXPLANATION = 1024;
    /**
     * Characters of an expanded target name built, from its end (review s22). §7.3 keeps the longest suffix of
     * whole labels of at most 253 octets ({@link SpfNames#forQuery}); it starts after a dot at most 254 characters
     * from the end, so any tail of more than 254 characters gives the same name as the whole expansion.
     */
    static final int NAME_KEPT = 1024;

    /**
     * How a {@code check_host()} call ended.
     *
     * @param mechanism the deciding term (without qualifier), "default", or null for none/errors
     * @param domain    the domain whose record decided (the {@code %{d}} of its explanation)
     * @param record    the record whose term decided; its {@code exp=} explains a fail (null for errors)
     * @param localOverload a temperror because a lookup was not sent, this server's resolver being at its bound
     *                  ({@link DnsLookup#localOverload()})
     */
    record Outcome(SpfStatus result, String mechanism, String domain, SpfRecord record, String reason,
                   boolean localOverload) {
        Outcome(SpfStatus result, String mechanism, String domain, SpfRecord record, String reason) {
            this(result, mechanism, domain, record, reason, false);
        }
    }

    /** What one mechanism tells the directive loop: match, no match, or stop with an outcome. */
    private record Step(boolean matched, Outcome stop) {
        static final Step MATCH = new Step(true, null);
        static final Step NO_MATCH = new Step(false, null);

        static Step stop(Outcome outcome) {
            return new Step(false, outcome);
        }
    }

    private final DnsResolver dns;
    private final SpfOptions options;
    private final SpfRecordCache records;
    private final InetAddress ip;
    private final byte[] ipBytes;
    private final boolean v4;
    private final String ipText;
    private final String sender;
    private final String localPart;
    private final String senderDomain;
    private final String helo;
    private final long timestamp;
    private final long deadlineNanos;
    private final Map<String, CompletableFuture<?>> queries = new ConcurrentHashMap<>();
    private CompletableFuture<List<String>> validatedNames;
    private volatile int lookups;
    private volatile int voidLookups;
    private int prefetched;

    SpfEvaluation(DnsResolver dns, SpfOptions options, SpfRecordCache records, InetAddress ip, String sender,
                  String localPart, String senderDomain, String helo) {
        this.dns = dns;
        this.options = options;
        this.records = records;
        this.ip = ip;
        this.ipBytes = ip.getAddress();
        this.v4 = IpLiterals.isV4(ip);
        this.ipText = IpLiterals.text(ip);
        this.sender = sender;
        this.localPart = localPart;
        this.senderDomain = senderDomain;
        this.helo = helo;
        this.timestamp = options.clock().instant().getEpochSecond();
        this.deadlineNanos = System.nanoTime() + options.timeout().toNanos();
    }

    int lookups() {
        return lookups;
    }

    int voidLookups() {
        return voidLookups;
    }

    /** {@code check_host()} for an already validated domain (§4.3). */
    CompletableFuture<Outcome> checkHost(String domain) {
        return checkHost(domain, 0);
    }

    private CompletableFuture<Outcome> checkHost(String domain, int depth) {
        if (depth > MAX_DEPTH) {
            return done(error(SpfStatus.PERMERROR, domain, "include/redirect nesting deeper than " + MAX_DEPTH));
        }
        return txt(domain).thenCompose(lookup -> {
            if (lookup.outcome().isError()) {
                return done(lookupError(domain, "TXT lookup of " + domain + " failed: " + describe(lookup), lookup));
            }
            // §4.5: only TXT records starting with "v=spf1"; none -> none, several -> permerror
            List<String> spf = new ArrayList<>(1);
            for (String record : lookup.records()) {
                if (SpfRecordParser.isSpfRecord(record)) {
                    spf.add(record);
                }
            }
            if (spf.isEmpty()) {
                return done(error(SpfStatus.NONE, domain, "no SPF record at " + domain));
            }
            if (spf.size() > 1) {
                return done(error(SpfStatus.PERMERROR, domain,
                        spf.size() + " SPF records at " + domain + " (RFC 7208 §4.5 allows one)"));
            }
            SpfRecord record;
            try {
                record = records.parse(spf.get(0));
            } catch (SpfSyntaxException e) {
                return done(error(SpfStatus.PERMERROR, domain, "SPF record of " + domain + ": " + e.getMessage()));
            }
            prefetch(record, domain);
            return evaluate(record, domain, 0, depth);
        });
    }

    /** §4.6.2: the first matching directive decides; then {@code redirect=}; then neutral (§4.7). */
    private CompletableFuture<Outcome> evaluate(SpfRecord record, String domain, int start, int depth) {
        List<Directive> directives = record.directives();
        for (int i = start; i < directives.size(); i++) {
            Directive directive = directives.get(i);
            Mechanism m = directive.mechanism();
            if (m.kind() == Mechanism.Kind.ALL) {
                return done(matched(directive, record, domain));
            }
            if (m.kind() == Mechanism.Kind.IP4 || m.kind() == Mechanism.Kind.IP6) {
                // §5.6: ip4 matches IPv4 clients only, ip6 IPv6 clients only (mapped addresses are IPv4)
                boolean family = (m.kind() == Mechanism.Kind.IP4) == v4;
                int prefix = v4 ? m.cidr4() : m.cidr6();
                if (family && IpLiterals.inNetwork(ipBytes, m.network(), prefix)) {
                    return done(matched(directive, record, domain));
                }
                continue;
            }
            Outcome stop = countLookup(directive.text(), domain);
            if (stop != null) {
                return done(stop);
            }
            int next = i + 1;
            return mechanism(directive, domain, depth).thenCompose(step -> {
                if (step.stop() != null) {
                    return done(step.stop());
                }
                return step.matched() ? done(matched(directive, record, domain))
                        : evaluate(record, domain, next, depth);
            });
        }
        if (record.redirect() != null) {
            return redirect(record, domain, depth);
        }
        return done(new Outcome(SpfStatus.NEUTRAL, "default", domain, record,
                "no mechanism in the SPF record of " + domain + " matched " + ipText + " (default neutral, §4.7)"));
    }

    /** §6.1: {@code check_host()} of the target replaces this one; a target without a record is permerror. */
    private CompletableFuture<Outcome> redirect(SpfRecord record, String domain, int depth) {
        Outcome stop = countLookup("redirect=" + record.redirect(), domain);
        if (stop != null) {
            return done(stop);
        }
        return expand(record.redirect(), domain).thenCompose(expanded -> {
            Optional<String> target = SpfNames.forQuery(expanded);
            if (target.isEmpty()) {
                return done(error(SpfStatus.PERMERROR, domain,
                        "redirect target '" + expanded + "' of " + domain + " is not a valid domain name"));
            }
            return checkHost(target.get(), depth + 1).thenApply(outcome -> outcome.result() == SpfStatus.NONE
                    ? error(SpfStatus.PERMERROR, domain, "redirect=" + target.get() + " from " + domain
                    + ": " + outcome.reason() + " (§6.1)")
                    : outcome);
        });
    }

    private CompletableFuture<Step> mechanism(Directive directive, String domain, int depth) {
        Mechanism m = directive.mechanism();
        return target(m, domain).thenCompose(expanded -> {
            Optional<String> name = SpfNames.forQuery(expanded);
            if (name.isEmpty()) {
                if (m.kind() == Mechanism.Kind.INCLUDE) {
                    return done(Step.stop(error(SpfStatus.PERMERROR, domain,
                            "include target '" + expanded + "' is not a valid domain name")));
                }
                // RFC 7208 leaves this open (§4.8, openspf suite "invalid-domain-*"): no query can be
                // composed, so the mechanism does not match
                LOG.debug("'{}' in {}: target '{}' is not a valid domain name; no match", directive.text(), domain,
                        expanded);
                return done(Step.NO_MATCH);
            }
            return switch (m.kind()) {
                case A -> a(directive, name.get());
                case MX -> mx(directive, name.get());
                case PTR -> ptr(directive, name.get());
                case EXISTS -> exists(directive, name.get());
                case INCLUDE -> include(directive, name.get(), domain, depth);
                default -> throw new IllegalStateException("not a DNS mechanism: " + m.kind());
            };
        });
    }

    /** §5.3: A (IPv4 client) or AAAA (IPv6 client) records of the target, compared with the CIDR length. */
    private CompletableFuture<Step> a(Directive directive, String name) {
        Mechanism m = directive.mechanism();
        return address(name).thenApply(lookup -> {
            if (lookup.outcome().isError()) {
                return Step.stop(lookupError(name, lookupFailed(directive, lookup), lookup));
            }
            if (!lookup.hasRecords()) {
                return voidLookup(directive, name);
            }
            return anyInNetwork(lookup.records(), v4 ? m.cidr4() : m.cidr6()) ? Step.MATCH : Step.NO_MATCH;
        });
    }

    /**
     * §5.4: the addresses of each MX host. More than {@code maxMxNames} hosts is a permerror (§4.6.4) unless one
     * of the first ones matched; the address lookups run concurrently and are read in order.
     */
    private CompletableFuture<Step> mx(Directive directive, String name) {
        Mechanism m = directive.mechanism();
        return mxLookup(name).thenCompose(lookup -> {
            if (lookup.outcome().isError()) {
                return done(Step.stop(lookupError(name, lookupFailed(directive, lookup), lookup)));
            }
            if (!lookup.hasRecords()) {
                return done(voidLookup(directive, name));
            }
            List<MxHost> hosts = new ArrayList<>(lookup.records());
            hosts.sort(Comparator.comparingInt(MxHost::preference));
            boolean tooMany = hosts.size() > options.maxMxNames();
            List<String> exchanges = new ArrayList<>();
            List<CompletableFuture<DnsLookup<InetAddress>>> answers = new ArrayList<>();
            for (MxHost host : hosts.subList(0, Math.min(hosts.size(), options.maxMxNames()))) {
                // a null MX (RFC 7505, exchange ".") or an unusable name has no addresses to compare
                Optional<String> exchange = SpfNames.fromAnswer(host.exchange());
                exchange.ifPresent(e -> {
                    exchanges.add(e);
                    answers.add(address(e));
                });
            }
            return allOf(answers).thenApply(ignored -> {
                for (int i = 0; i < answers.size(); i++) {
                    DnsLookup<InetAddress> answer = answers.get(i).join();
                    if (answer.outcome().isError()) {
                        return Step.stop(lookupError(name, "address lookup of MX host " + exchanges.get(i)
                                + " for '" + directive.text() + "' failed: " + describe(answer), answer));
                    }
                    if (anyInNetwork(answer.records(), v4 ? m.cidr4() : m.cidr6())) {
                        return Step.MATCH;
                    }
                }
                if (tooMany) {
                    return Step.stop(error(SpfStatus.PERMERROR, name, name + " has " + hosts.size()
                            + " MX records, more than " + options.maxMxNames() + " (RFC 7208 §4.6.4)"));
                }
                return Step.NO_MATCH;
            });
        });
    }

    /**
     * §5.5: the client's PTR names (the first {@code maxPtrNames}, §4.6.4) that are the target or below it and
     * whose forward lookup gives back the client address. DNS errors here mean "no match" / "skip the name".
     */
    private CompletableFuture<Step> ptr(Directive directive, String target) {
        return ptrLookup().thenCompose(lookup -> {
            if (lookup.outcome().isError()) {
                return done(Step.NO_MATCH);
            }
            if (!lookup.hasRecords()) {
                return done(voidLookup(directive, target));
            }
            List<String> candidates = ptrNames(lookup).stream()
                    .filter(n -> DomainNames.isSameOrSubdomain(n, target)).toList();
            List<CompletableFuture<DnsLookup<InetAddress>>> answers = candidates.stream().map(this::address).toList();
            return allOf(answers).thenApply(ignored ->
                    answers.stream().anyMatch(f -> confirms(f.join())) ? Step.MATCH : Step.NO_MATCH);
        });
    }

    /** §5.7: an A query (whatever the client's family); any answer matches. */
    private CompletableFuture<Step> exists(Directive directive, String name) {
        return aLookup(name).thenApply(lookup -> {
            if (lookup.outcome().isError()) {
                return Step.stop(lookupError(name, lookupFailed(directive, lookup), lookup));
            }
            return lookup.hasRecords() ? Step.MATCH : voidLookup(directive, name);
        });
    }

    /** §5.2: pass matches; fail/softfail/neutral do not; errors propagate; none is permerror. */
    private CompletableFuture<Step> include(Directive directive, String target, String domain, int depth) {
        return checkHost(target, depth + 1).thenApply(outcome -> switch (outcome.result()) {
            case PASS -> Step.MATCH;
            case FAIL, SOFTFAIL, NEUTRAL -> Step.NO_MATCH;
            case TEMPERROR, PERMERROR -> Step.stop(new Outcome(outcome.result(), null, domain, null,
                    "'" + directive.text() + "' in " + domain + ": " + outcome.reason(), outcome.localOverload()));
            case NONE -> Step.stop(error(SpfStatus.PERMERROR, domain,
                    "'" + directive.text() + "' in " + domain + ": " + outcome.reason() + " (§5.2)"));
        });
    }

    /** §6.2: the explanation of a fail, from the deciding record's {@code exp=}; any problem means "no exp". */
    CompletableFuture<String> explain(Outcome outcome) {
        SpfRecord record = outcome.record();
        String domain = outcome.domain();
        if (record == null || record.exp() == null) {
            return defaultExplanation(domain);
        }
        return expand(record.exp(), domain).thenCompose(expanded -> {
            Optional<String> name = SpfNames.forQuery(expanded);
            if (name.isEmpty()) {
                return defaultExplanation(domain);
            }
            // the exp= query counts against no limit (§4.6.4) and exactly one TXT record must come back
            return txt(name.get()).thenCompose(lookup -> {
                if (!lookup.hasRecords() || lookup.records().size() != 1) {
                    LOG.debug("exp={} of {}: {} record(s), {}; ignored", name.get(), domain, lookup.records().size(),
                            lookup.outcome());
                    return defaultExplanation(domain);
                }
                try {
                    MacroString text = MacroString.parse(lookup.records().get(0), MacroString.Kind.EXPLANATION);
                    return expandExplanation(text, domain);
                } catch (SpfSyntaxException e) {
                    LOG.debug("exp={} of {}: {}; ignored", name.get(), domain, e.getMessage());
                    return defaultExplanation(domain);
                }
            });
        });
    }

    private CompletableFuture<String> defaultExplanation(String domain) {
        if (options.defaultExplanation() == null) {
            return done(null);
        }
        try {
            return expandExplanation(MacroString.parse(options.defaultExplanation(), MacroString.Kind.EXPLANATION),
                    domain);
        } catch (SpfSyntaxException e) {
            return done(null); // SpfOptions validated it already
        }
    }

    /** The first {@link #MAX_EXPLANATION} characters, printable US-ASCII ({@link MacroString#printableAscii}). */
    private CompletableFuture<String> expandExplanation(MacroString text, String domain) {
        return values(text, domain).thenApply(v -> MacroString.printableAscii(text.expandHead(v, MAX_EXPLANATION),
                MAX_EXPLANATION));
    }

    // ---- limits -------------------------------------------------------------------------------------------

    /** §4.6.4: every DNS-querying term counts; beyond the limit the evaluation ends in permerror. */
    private Outcome countLookup(String term, String domain) {
        if (System.nanoTime() - deadlineNanos > 0) {
            return error(SpfStatus.TEMPERROR, domain, "SPF evaluation took longer than " + options.timeout());
        }
        lookups = lookups + 1;
        if (lookups > options.maxDnsMechanisms()) {
            return error(SpfStatus.PERMERROR, domain, "more than " + options.maxDnsMechanisms()
                    + " DNS-querying terms (RFC 7208 §4.6.4), at '" + term + "' in " + domain);
        }
        return null;
    }

    /** §4.6.4: a term whose query found nothing (NXDOMAIN or no data) is a void lookup. */
    private Step voidLookup(Directive directive, String name) {
        voidLookups = voidLookups + 1;
        if (voidLookups > options.maxVoidLookups()) {
            return Step.stop(error(SpfStatus.PERMERROR, name, "more than " + options.maxVoidLookups()
                    + " void lookups (RFC 7208 §4.6.4), the last for '" + directive.text() + "' (" + name + ")"));
        }
        return Step.NO_MATCH;
    }

    // ---- macros -------------------------------------------------------------------------------------------

    private MacroValues values(String domain) {
        return new MacroValues(sender, localPart, senderDomain, domain, ip, helo, options.receiver(), timestamp,
                null);
    }

    private CompletableFuture<String> target(Mechanism m, String domain) {
        return m.domain() == null ? done(domain) : expand(m.domain(), domain);
    }

    /**
     * Expands a domain-spec (a target name) as far as it counts: its last {@link #NAME_KEPT} characters
     * ({@link MacroString#expandTail}).
     */
    private CompletableFuture<String> expand(MacroString macro, String domain) {
        return values(macro, domain).thenApply(v -> macro.expandTail(v, NAME_KEPT));
    }

    /** The values of the macros; {@code %{p}} needs DNS, so it is resolved first when the string uses it. */
    private CompletableFuture<MacroValues> values(MacroString macro, String domain) {
        if (!macro.uses('p')) {
            return done(values(domain));
        }
        return validatedDomain(domain).thenApply(p -> values(domain).withValidatedDomain(p));
    }

    /**
     * §7.3 {@code p}: a validated PTR name of the client, preferring {@code domain} itself, then a subdomain of
     * it, then any; null ("unknown") when there is none.
     */
    private CompletableFuture<String> validatedDomain(String domain) {
        return validatedNames().thenApply(names -> {
            for (String name : names) {
                if (name.equalsIgnoreCase(domain)) {
                    return name;
                }
            }
            for (String name : names) {
                if (DomainNames.isSameOrSubdomain(name, domain)) {
                    return name;
                }
            }
            return names.isEmpty() ? null : names.get(0);
        });
    }

    private CompletableFuture<List<String>> validatedNames() {
        if (validatedNames == null) {
            validatedNames = ptrLookup().thenCompose(lookup -> {
                if (!lookup.hasRecords()) {
                    return done(List.of());
                }
                List<String> names = ptrNames(lookup);
                List<CompletableFuture<DnsLookup<InetAddress>>> answers = names.stream().map(this::address).toList();
                return allOf(answers).thenApply(ignored -> {
                    List<String> confirmed = new ArrayList<>();
                    for (int i = 0; i < names.size(); i++) {
                        if (confirms(answers.get(i).join())) {
                            confirmed.add(names.get(i));
                        }
                    }
                    return confirmed;
                });
            });
        }
        return validatedNames;
    }

    // ---- prefetch -----------------------------------------------------------------------------------------

    /**
     * Starts the primary queries of the record's next DNS terms so that their answers are ready when the
     * left-to-right evaluation reaches them. Bounded: at most the remaining lookup budget per record and
     * {@code maxDnsMechanisms} in all; terms after {@code all} and names needing {@code %{p}} are skipped.
     */
    private void prefetch(SpfRecord record, String domain) {
        if (!options.prefetch()) {
            return;
        }
        int budget = Math.min(options.maxDnsMechanisms() - lookups, options.maxDnsMechanisms() - prefetched);
        for (Directive directive : record.directives()) {
            Mechanism m = directive.mechanism();
            if (budget <= 0 || m.kind() == Mechanism.Kind.ALL) {
                return;
            }
            if (!m.kind().queriesDns()) {
                continue;
            }
            budget--;
            prefetched++;
            if (m.kind() == Mechanism.Kind.PTR) {
                ptrLookup();
                continue;
            }
            if (m.domain() != null && m.domain().uses('p')) {
                continue;
            }
            String expanded = m.domain() == null ? domain : m.domain().expandTail(values(domain), NAME_KEPT);
            SpfNames.forQuery(expanded).ifPresent(name -> {
                switch (m.kind()) {
                    case A -> address(name);
                    case MX -> mxLookup(name);
                    case EXISTS -> aLookup(name);
                    case INCLUDE -> txt(name);
                    default -> { }
                }
            });
        }
        if (budget > 0 && record.redirect() != null && !record.redirect().uses('p')) {
            prefetched++;
            SpfNames.forQuery(record.redirect().expandTail(values(domain), NAME_KEPT)).ifPresent(this::txt);
        }
    }

    // ---- DNS ----------------------------------------------------------------------------------------------

    private CompletableFuture<DnsLookup<String>> txt(String name) {
        return query(DnsType.TXT, name, () -> dns.txt(name));
    }

    private CompletableFuture<DnsLookup<InetAddress>> aLookup(String name) {
        return query(DnsType.A, name, () -> dns.a(name));
    }

    /** A for an IPv4 client, AAAA for an IPv6 client. */
    private CompletableFuture<DnsLookup<InetAddress>> address(String name) {
        return v4 ? aLookup(name) : query(DnsType.AAAA, name, () -> dns.aaaa(name));
    }

    private CompletableFuture<DnsLookup<MxHost>> mxLookup(String name) {
        return query(DnsType.MX, name, () -> dns.mx(name));
    }

    private CompletableFuture<DnsLookup<String>> ptrLookup() {
        return query(DnsType.PTR, ipText, () -> dns.ptr(ip));
    }

    /** One query per name and type per evaluation; a resolver that throws or fails counts as a DNS error. */
    @SuppressWarnings("unchecked")
    private <T> CompletableFuture<DnsLookup<T>> query(DnsType type, String name,
                                                      Supplier<CompletableFuture<DnsLookup<T>>> ask) {
        String key = type.name() + ' ' + name.toLowerCase(Locale.ROOT);
        return (CompletableFuture<DnsLookup<T>>) queries.computeIfAbsent(key, k -> {
            try {
                return Objects.requireNonNull(ask.get(), "resolver returned null")
                        .exceptionally(e -> DnsLookup.failed(name, type, DnsOutcome.TEMP_FAILURE, String.valueOf(e)));
            } catch (RuntimeException e) {
                LOG.warn("DNS resolver failed for {} {}", type, name, e);
                return done(DnsLookup.<T>failed(name, type, DnsOutcome.TEMP_FAILURE, String.valueOf(e)));
            }
        });
    }

    private List<String> ptrNames(DnsLookup<String> lookup) {
        return lookup.records().stream().limit(options.maxPtrNames())
                .map(SpfNames::fromAnswer).flatMap(Optional::stream).toList();
    }

    private boolean confirms(DnsLookup<InetAddress> lookup) {
        return lookup.hasRecords() && lookup.records().stream().anyMatch(a -> Arrays.equals(a.getAddress(), ipBytes));
    }

    private boolean anyInNetwork(List<InetAddress> addresses, int prefix) {
        for (InetAddress address : addresses) {
            if (IpLiterals.inNetwork(ipBytes, address.getAddress(), prefix)) {
                return true;
            }
        }
        return false;
    }

    // ---- outcomes -----------------------------------------------------------------------------------------

    private Outcome matched(Directive directive, SpfRecord record, String domain) {
        String qualifier = switch (directive.result()) {
            case FAIL -> "-";
            case SOFTFAIL -> "~";
            case NEUTRAL -> "?";
            default -> "+";
        };
        return new Outcome(directive.result(), directive.text(), domain, record,
                ipText + " matched " + qualifier + directive.text() + " in the SPF record of " + domain);
    }

    private static Outcome error(SpfStatus result, String domain, String reason) {
        return new Outcome(result, null, domain, null, reason);
    }

    /** The temperror of a failed lookup, marked when this server's resolver did not send it. */
    private static Outcome lookupError(String domain, String reason, DnsLookup<?> lookup) {
        return new Outcome(SpfStatus.TEMPERROR, null, domain, null, reason, lookup.localOverload());
    }

    private static String lookupFailed(Directive directive, DnsLookup<?> lookup) {
        return lookup.type() + " lookup of " + lookup.name() + " for '" + directive.text() + "' failed: "
                + describe(lookup);
    }

    private static String describe(DnsLookup<?> lookup) {
        if (lookup.localOverload()) {
            // not the name's DNS: this server did not ask
            String why = lookup.detail().isEmpty() ? "" : " (" + lookup.detail() + ")";
            return "not sent, this server's DNS resolver is overloaded" + why;
        }
        String outcome = lookup.outcome().name().toLowerCase(Locale.ROOT).replace('_', ' ');
        return lookup.detail().isEmpty() ? outcome : outcome + " (" + lookup.detail() + ")";
    }

    private static <T> CompletableFuture<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }

    private static CompletableFuture<Void> allOf(List<? extends CompletableFuture<?>> futures) {
        return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new));
    }
}
