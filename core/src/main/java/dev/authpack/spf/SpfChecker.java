package dev.authpack.spf;

import dev.authpack.dns.Deadlines;
import dev.authpack.dns.IpLiterals;
import dev.authpack.dns.DnsResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * SPF, RFC 7208. Thread-safe and stateless between checks: one instance serves all mail; every DNS query goes
 * through the shared {@link DnsResolver} (and its cache). The returned futures never complete exceptionally:
 * bad input and internal failures become a verdict with a reason.
 */
public final class SpfChecker {
    private static final Logger LOG = LoggerFactory.getLogger(SpfChecker.class);

    private final DnsResolver dns;
    private final SpfOptions options;
    private final SpfRecordCache records;

    /** Default limits, receiver name "unknown". */
    public SpfChecker(DnsResolver dns) {
        this(dns, SpfOptions.defaults());
    }

    public SpfChecker(DnsResolver dns, SpfOptions options) {
        this(dns, options, new SpfRecordCache());
    }

    private SpfChecker(DnsResolver dns, SpfOptions options, SpfRecordCache records) {
        this.dns = Objects.requireNonNull(dns, "dns");
        this.options = Objects.requireNonNull(options, "options");
        this.records = records;
    }

    /**
     * The same checker asking {@code other} (an SMTP transaction's answers): same options, and the same parsed
     * records, so a record is parsed once for the server, not once per transaction.
     */
    public SpfChecker over(DnsResolver other) {
        return new SpfChecker(other, options, records);
    }

    /** SPF records parsed and kept (tests). */
    int cachedRecords() {
        return records.size();
    }

    public SpfOptions options() {
        return options;
    }

    /**
     * The MAIL FROM identity (RFC 7208 §2.4). A null or empty reverse-path means {@code postmaster@HELO}; a
     * reverse-path without "@" is taken as a domain with local-part "postmaster".
     */
    public CompletableFuture<SpfResult> checkMailFrom(InetAddress ip, String mailFrom, String helo) {
        String heloName = helo == null ? "" : helo.strip();
        String address = unbracket(mailFrom == null ? "" : mailFrom.strip());
        if (address.isEmpty()) {
            if (heloName.isEmpty()) {
                return done(none(SpfIdentity.MAILFROM, "", "null sender and no HELO name: no identity to check"));
            }
            return run(SpfIdentity.MAILFROM, ip, heloName, "postmaster@" + heloName, heloName);
        }
        int at = address.lastIndexOf('@');
        String domain = at < 0 ? address : address.substring(at + 1);
        return run(SpfIdentity.MAILFROM, ip, domain, address, heloName);
    }

    /**
     * The HELO identity (RFC 7208 §2.3), checked as {@code postmaster@HELO}. An address literal or a name that
     * is not a fully qualified domain name gives {@code none}.
     */
    public CompletableFuture<SpfResult> checkHelo(InetAddress ip, String helo) {
        String name = helo == null ? "" : helo.strip();
        if (name.isEmpty()) {
            return done(none(SpfIdentity.HELO, "", "no HELO name"));
        }
        if (name.startsWith("[")) {
            return done(none(SpfIdentity.HELO, name, "HELO " + name + " is an address literal (RFC 7208 §2.3)"));
        }
        if (SpfNames.checkHostDomain(name).isEmpty()) {
            return done(none(SpfIdentity.HELO, name, "HELO " + name + " is not a fully qualified domain name"));
        }
        return run(SpfIdentity.HELO, ip, name, "postmaster@" + name, name);
    }

    /**
     * {@code check_host(ip, domain, sender)} of RFC 7208 §4, reported as the MAIL FROM identity. An empty
     * sender means {@code postmaster@domain}.
     */
    public CompletableFuture<SpfResult> checkHost(InetAddress ip, String domain, String sender, String helo) {
        return run(SpfIdentity.MAILFROM, ip, domain == null ? "" : domain, sender, helo == null ? "" : helo);
    }

    private CompletableFuture<SpfResult> run(SpfIdentity identity, InetAddress ip, String domain, String sender,
                                              String helo) {
        try {
            Objects.requireNonNull(ip, "client address");
            Optional<String> checked = SpfNames.checkHostDomain(domain);
            if (checked.isEmpty()) {
                return done(none(identity, domain,
                        "'" + domain + "' is not a valid multi-label domain name (RFC 7208 §4.3)"));
            }
            String name = checked.get();
            String from = sender == null || sender.isEmpty() ? "postmaster@" + name : sender;
            int at = from.lastIndexOf('@');
            String local = at < 0 ? "" : from.substring(0, at);
            String fromDomain = at < 0 ? from : from.substring(at + 1);
            if (local.isEmpty()) {
                // §4.3: a sender without local-part is postmaster
                local = "postmaster";
                from = "postmaster@" + fromDomain;
            }
            SpfEvaluation evaluation = new SpfEvaluation(dns, options, records, IpLiterals.normalize(ip), from,
                    local, fromDomain, helo);
            CompletableFuture<SpfResult> verdict = evaluation.checkHost(name)
                    .thenCompose(outcome -> outcome.result() == SpfStatus.FAIL
                            ? evaluation.explain(outcome).thenApply(exp -> verdict(identity, name, outcome, exp,
                            evaluation))
                            : done(verdict(identity, name, outcome, null, evaluation)));
            if (!verdict.isDone()) {
                // §4.6.4: bound the elapsed time; answered from cache, the verdict is already there
                verdict = Deadlines.orTimeout(verdict, options.timeout());
            }
            return verdict.exceptionally(e -> failed(identity, name, evaluation, e));
        } catch (RuntimeException e) {
            LOG.error("SPF check of {} for {} failed", domain, ip, e);
            return done(new SpfResult(SpfStatus.TEMPERROR, identity, domain, null, null, 0, 0,
                    "internal error: " + e));
        }
    }

    private static SpfResult verdict(SpfIdentity identity, String domain, SpfEvaluation.Outcome outcome,
                                      String explanation, SpfEvaluation evaluation) {
        SpfResult verdict = new SpfResult(outcome.result(), identity, domain, outcome.mechanism(), explanation,
                evaluation.lookups(), evaluation.voidLookups(), outcome.reason(),
                outcome.result() == SpfStatus.TEMPERROR && outcome.localOverload());
        LOG.debug("SPF {} {}: {} ({})", identity.word(), domain, verdict.status().word(), verdict.reason());
        return verdict;
    }

    private SpfResult failed(SpfIdentity identity, String domain, SpfEvaluation evaluation, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        String reason;
        if (cause instanceof TimeoutException) {
            reason = "SPF evaluation of " + domain + " took longer than " + options.timeout();
        } else {
            LOG.error("SPF check of {} failed", domain, cause);
            reason = "internal error: " + cause;
        }
        return new SpfResult(SpfStatus.TEMPERROR, identity, domain, null, null, evaluation.lookups(),
                evaluation.voidLookups(), reason);
    }

    private static SpfResult none(SpfIdentity identity, String domain, String reason) {
        return new SpfResult(SpfStatus.NONE, identity, domain, null, null, 0, 0, reason);
    }

    private static String unbracket(String path) {
        return path.length() >= 2 && path.startsWith("<") && path.endsWith(">")
                ? path.substring(1, path.length() - 1).strip() : path;
    }

    private static <T> CompletableFuture<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }
}
