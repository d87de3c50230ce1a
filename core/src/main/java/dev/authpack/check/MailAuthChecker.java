package dev.authpack.check;

import dev.authpack.arc.ArcResult;
import dev.authpack.arc.ArcStatus;
import dev.authpack.arc.ArcVerifier;
import dev.authpack.arc.ArcVerifyOptions;
import dev.authpack.dkim.DkimPrefetch;
import dev.authpack.dkim.DkimReport;
import dev.authpack.dkim.DkimVerifier;
import dev.authpack.dkim.internal.BodyHasher;
import dev.authpack.dkim.internal.BodyTail;
import dev.authpack.dmarc.DmarcEvaluator;
import dev.authpack.dmarc.DmarcResult;
import dev.authpack.dns.DnsResolver;
import dev.authpack.dns.IpLiterals;
import dev.authpack.iprev.IprevChecker;
import dev.authpack.iprev.IprevResult;
import dev.authpack.iprev.IprevStatus;
import dev.authpack.mail.MessageParseException;
import dev.authpack.mail.MessageStream;
import dev.authpack.mail.RawMessage;
import dev.authpack.spf.SpfChecker;
import dev.authpack.spf.SpfIdentity;
import dev.authpack.spf.SpfOptions;
import dev.authpack.spf.SpfStatus;
import dev.authpack.spf.SpfResult;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The orchestration behind the {@code MailAuthCheck} mailet and {@code authpack check}: starts every enabled
 * check at once, DMARC's policy discovery included (their DNS lookups run concurrently over the shared resolver, so
 * a message waits for its longest chain of lookups, not their sum), evaluates DMARC when SPF and DKIM are in
 * ({@link DmarcEvaluator#prepare}), and combines the results. Each check is bounded by its own budget
 * ({@link CheckBudgets}, derived from the engines' own bounds): a check that fails, throws or runs out of time
 * gives {@code temperror} (ARC: {@code fail}), never silence. Thread-safe; one instance serves all mail.
 */
public final class MailAuthChecker {
    private static final Logger LOG = LoggerFactory.getLogger(MailAuthChecker.class);
    private final SpfChecker spf;
    private final IprevChecker iprev;
    private final DkimVerifier dkim;
    private final DmarcEvaluator dmarc;
    private final ArcVerifier arc;
    private final CheckBudgets budgets;

    /**
     * How much longer than {@link #deadline()} a caller waits for a report before it cuts the run off itself
     * ({@link CheckRun#cutOff}): a safety net, as every check already ends within its budget.
     */
    public static final Duration AWAIT_GRACE = Duration.ofSeconds(1);

    /**
     * The one way to build the engine: every check over one resolver, each bounded by {@code settings}' time
     * bounds, all judging time by its clock. The {@code MailAuthCheck} mailet, {@code authpack check} and
     * {@code authpack arc-seal} build theirs here.
     */
    public static MailAuthChecker create(DnsResolver dns, CheckerSettings settings) {
        CheckTimeouts timeouts = settings.timeouts();
        SpfChecker spf = new SpfChecker(dns, SpfOptions.defaults().withReceiver(settings.receiverName())
                .withTimeout(timeouts.spf()).withClock(settings.clock()));
        DkimVerifier dkim = new DkimVerifier(dns, settings.dkim().withKeyLookupTimeout(timeouts.keyLookup())
                .withClock(settings.clock()));
        ArcVerifier arc = new ArcVerifier(dns, ArcVerifyOptions.defaults().withKeyLookupTimeout(timeouts.keyLookup())
                .withClock(settings.clock()));
        // DMARC ends within its own budget with its fail-closed result; the checker's cut-off is only a safety net
        DmarcEvaluator dmarc = new DmarcEvaluator(dns, settings.dmarc().withTimeBudget(timeouts.dmarc()));
        return new MailAuthChecker(spf, new IprevChecker(dns), dkim, dmarc, arc,
                CheckBudgets.of(spf, dkim, timeouts.iprev(), timeouts.dmarc(), arc));
    }

    public MailAuthChecker(SpfChecker spf, IprevChecker iprev, DkimVerifier dkim, DmarcEvaluator dmarc,
                           ArcVerifier arc) {
        this(spf, iprev, dkim, dmarc, arc, CheckBudgets.of(spf, dkim, CheckBudgets.DEFAULT_IPREV,
                CheckBudgets.DEFAULT_DMARC, arc));
    }

    public MailAuthChecker(SpfChecker spf, IprevChecker iprev, DkimVerifier dkim, DmarcEvaluator dmarc,
                           ArcVerifier arc, CheckBudgets budgets) {
        this.spf = spf;
        this.iprev = iprev;
        this.dkim = dkim;
        this.dmarc = dmarc;
        this.arc = arc;
        this.budgets = budgets;
    }

    /**
     * The same checks, configured alike, over another resolver: {@link SessionChecks} runs one transaction's checks
     * over that transaction's answers, and iprev over the connection's ({@code iprevDns}). The engines'
     * parsed-record and key caches (keyed by record text, so independent of who answered) are this checker's.
     */
    MailAuthChecker over(DnsResolver dns, DnsResolver iprevDns) {
        return new MailAuthChecker(spf.over(dns), new IprevChecker(iprevDns, iprev.maxNames()), dkim.over(dns),
                dmarc.over(dns), arc.over(dns), budgets);
    }

    /**
     * The same checks, configured alike and sharing this checker's parsed-record and key caches, over {@code dns}:
     * {@code MailAuthCheck} asks through a view that keeps part of the DNS transport for the SMTP sessions
     * ({@link dev.authpack.dns.TransportShare#SPOOL}).
     */
    public MailAuthChecker over(DnsResolver dns) {
        return over(dns, dns);
    }

    SpfChecker spf() {
        return spf;
    }

    IprevChecker iprev() {
        return iprev;
    }

    DkimVerifier dkim() {
        return dkim;
    }

    DmarcEvaluator dmarc() {
        return dmarc;
    }

    public CheckBudgets budgets() {
        return budgets;
    }

    /** The longest one message's checks can take: {@link CheckBudgets#overall()}. */
    public Duration deadline() {
        return budgets.overall();
    }

    /** How long a caller waits for one message's report: {@link #deadline()} plus {@link #AWAIT_GRACE}. */
    public Duration awaitLimit() {
        return deadline().plus(AWAIT_GRACE);
    }

    /** {@link #start}, as a future of the report. */
    public CompletableFuture<AuthCheckReport> check(Envelope envelope, byte[] message, CheckOptions options) {
        return start(envelope, message, options).report();
    }

    /**
     * Starts the checks of one message.
     *
     * @param message the message exactly as received (CRLF or LF line ends); DKIM, DMARC and ARC read it, so it
     *                may be null when none of them runs
     */
    public CheckRun start(Envelope envelope, byte[] message, CheckOptions options) {
        return start(envelope, message, options, CheckTimer.NONE);
    }

    /** {@link #start(Envelope, byte[], CheckOptions)}, each check timed by {@code timer} (an adapter's metrics). */
    public CheckRun start(Envelope envelope, byte[] message, CheckOptions options, CheckTimer timer) {
        return start(envelope, message, options, null, null, timer, EarlyResults.NONE);
    }

    /**
     * Results of this very envelope's SPF and iprev checks already under way ({@link SessionChecks}: started at
     * MAIL FROM and at connect, over the same answers: they depend on the envelope alone); a null future means the
     * check runs here as usual. From the message, only the DMARC reading of the {@code header} section collected
     * during DATA is taken over, and only when the message as it is now has exactly its From fields
     * ({@link CollectedHeaderSection}); null: none. DKIM takes over from {@code dkim} (its start on the collected
     * header section, null: none) the parse of each DKIM-Signature field whose octets are the same now
     * ({@link DkimVerifier#verify(RawMessage, DkimPrefetch)}). Everything else is read from the message here, as it
     * is now.
     */
    record EarlyResults(CompletableFuture<SpfResult> mailFromSpf, CompletableFuture<SpfResult> heloSpf,
                        CompletableFuture<IprevResult> iprev, CollectedHeaderSection header, DkimPrefetch dkim) {
        static final EarlyResults NONE = new EarlyResults(null, null, null, null, null);

        /** The DMARC reading of the collected header section, when {@code message} has exactly its From fields. */
        DmarcEvaluator.Prepared dmarcFor(byte[] message, RawMessage parsed) {
            return header == null || message == null || parsed == null ? null : header.dmarcFor(message, parsed);
        }
    }

    /** {@link #start(Envelope, byte[], CheckOptions)} taking over the {@code early} results instead of rerunning them. */
    CheckRun start(Envelope envelope, byte[] message, CheckOptions options, EarlyResults early) {
        return start(envelope, message, options, null, null, CheckTimer.NONE, early);
    }

    /**
     * Starts the checks of a message that could not be read (an I/O error on our side): DKIM, DMARC and ARC end
     * at once with a temporary error saying {@code why}; the envelope checks run as usual.
     */
    public CheckRun startUnreadable(Envelope envelope, CheckOptions options, String why) {
        return startUnreadable(envelope, options, why, CheckTimer.NONE);
    }

    /** {@link #startUnreadable(Envelope, CheckOptions, String)}, each check that runs timed by {@code timer}. */
    public CheckRun startUnreadable(Envelope envelope, CheckOptions options, String why, CheckTimer timer) {
        return start(envelope, null, options, why, null, timer, EarlyResults.NONE);
    }

    /**
     * Starts the checks of a message whose body is not read, because it is larger than the caller's bound
     * ({@code why} says so): {@code headerSection} is its header section alone, up to and including the empty line
     * (a prefix read from the message, so memory stays bounded whatever the message's size). The envelope checks run
     * as usual; DKIM reports each signature {@code policy} with {@code why} ({@link DkimVerifier#unverified}), ARC
     * {@code none} without ARC fields and otherwise {@code fail} ({@link ArcVerifier#unverified}); DMARC is evaluated
     * over the header's From with that DKIM report, so it sees no DKIM pass: never cheaper for an attacker than a
     * message whose signatures fail. With the body streamed, see
     * {@link #startHeaderOnly(Envelope, byte[], boolean, CheckOptions, String, CheckTimer, StreamedBody)}.
     *
     * <p>{@code clean}: the header section's end was found for every reader (the first CR LF CR LF as well as the
     * first empty line of an LF-only reader) within the caller's bound, and it has CRLF lines alone. Otherwise other
     * readers may read From fields not in {@code headerSection} (past the bound, or where a CRLF-only reader's header
     * runs on: review s18 H1/H2): DMARC counts the authors incomplete, and fails closed (an unverifiable result with
     * the {@code reject} disposition, under {@code strictest}).
     */
    public CheckRun startHeaderOnly(Envelope envelope, byte[] headerSection, boolean clean, CheckOptions options,
                                    String why, CheckTimer timer) {
        return start(envelope, headerSection, options, null, why, timer, EarlyResults.NONE, unread(clean));
    }

    /**
     * {@link #startHeaderOnly(Envelope, byte[], boolean, CheckOptions, String, CheckTimer)} with the body hashes of
     * the message's body streamed once ({@link #hashBody}): DKIM and ARC verify the message as they would the whole
     * message (the real verdict: pass or fail), over the header section and these hashes. When {@code body} has no
     * hashes (nothing to hash, a header section that is not clean, a body that could not be read: its
     * {@link StreamedBody#problem()} is added to {@code why}), the signatures are not verified, as without it.
     */
    public CheckRun startHeaderOnly(Envelope envelope, byte[] headerSection, boolean clean, CheckOptions options,
                                    String why, CheckTimer timer, StreamedBody body) {
        return start(envelope, headerSection, options, null, why, timer, EarlyResults.NONE, unread(clean),
                clean ? body : null);
    }

    /** {@link #startHeaderOnly}, taking over the {@code early} results as the session's end of DATA does. */
    CheckRun startHeaderOnly(Envelope envelope, byte[] headerSection, boolean clean, CheckOptions options, String why,
                             EarlyResults early, StreamedBody body) {
        return start(envelope, headerSection, options, null, why, CheckTimer.NONE, early, unread(clean),
                clean ? body : null);
    }

    /**
     * The body hashes a check of this header section needs (every DKIM signature it verifies, every canonicalization
     * of its ARC-Message-Signatures), computed from {@code message} read again from its start, once, in bounded
     * memory ({@link BodyHasher#streaming}): for a message too large to read whole, checked by
     * {@link #startHeaderOnly(Envelope, byte[], boolean, CheckOptions, String, CheckTimer, StreamedBody)}. The
     * message's first octets must be {@code headerSection} (else it changed between the reads: not hashed). Nothing is
     * read when nothing needs hashing (no signature to verify, no ARC Set, DKIM and ARC off), nor for a header
     * section that is not {@code clean} (its signatures stay unverified: review s18 H1/H2). Never throws: a body that
     * cannot be read gives {@link StreamedBody#problem()}.
     */
    public StreamedBody hashBody(byte[] headerSection, boolean clean, CheckOptions options, MessageStream message) {
        if (!clean || !options.needsMessage() || !options.dkim() && !options.arc()) {
            return StreamedBody.NONE;
        }
        try {
            RawMessage header = RawMessage.parse(headerSection);
            Set<BodyHasher.Key> keys = bodyKeys(header, options);
            if (keys.isEmpty()) {
                return StreamedBody.NONE;
            }
            BodyHasher.Streaming hashes = BodyHasher.streaming(keys);
            BodyTail tail = new BodyTail(headerSection, header.bodyOffset(), hashes);
            message.writeTo(tail);
            tail.checkComplete();
            BodyHasher.Computed computed = hashes.finish();
            return new StreamedBody(computed, null, hashes.octets());
        } catch (MessageParseException e) {
            // the check reports the header section unreadable
            return StreamedBody.NONE;
        } catch (IOException | RuntimeException e) {
            LOG.warn("body of a message checked from its header section not hashed: {}", e.toString());
            return StreamedBody.failed("body unreadable: " + e.getMessage());
        }
    }

    /**
     * Whether {@link #hashBody} of this header section reads the message: a caller that must bound that work (a
     * thread it blocks) asks first. Never throws: a header section that cannot be parsed is not hashed.
     */
    public boolean hashesBody(byte[] headerSection, boolean clean, CheckOptions options) {
        if (!clean || !options.needsMessage() || !options.dkim() && !options.arc()) {
            return false;
        }
        try {
            return !bodyKeys(RawMessage.parse(headerSection), options).isEmpty();
        } catch (MessageParseException | RuntimeException e) {
            return false;
        }
    }

    /** The body hashes the header section's DKIM signatures and ARC-Message-Signatures need, as checked. */
    private Set<BodyHasher.Key> bodyKeys(RawMessage header, CheckOptions options) {
        Set<BodyHasher.Key> keys = new LinkedHashSet<>();
        if (options.dkim()) {
            keys.addAll(dkim.bodyKeys(header));
        }
        if (options.arc()) {
            keys.addAll(arc.bodyKeys(header));
        }
        return keys;
    }

    /** Why DMARC may not see every From field of a header section read alone that is not clean. */
    static String unread(boolean clean) {
        return clean ? null : "header section read alone not ended within its bound or not CRLF lines alone:"
                + " other readers may see From fields not read";
    }

    private CheckRun start(Envelope envelope, byte[] message, CheckOptions options, String readError,
                           String bodyUnread, CheckTimer timer, EarlyResults early) {
        return start(envelope, message, options, readError, bodyUnread, timer, early, null, null);
    }

    private CheckRun start(Envelope envelope, byte[] message, CheckOptions options, String readError,
                           String bodyUnread, CheckTimer timer, EarlyResults early, String fromUnread) {
        return start(envelope, message, options, readError, bodyUnread, timer, early, fromUnread, null);
    }

    /**
     * @param readError  the message could not be read at all: DKIM, DMARC and ARC end with it at once
     * @param bodyUnread {@code message} is the header section alone, the body not read ({@link #startHeaderOnly})
     * @param fromUnread  the message may hold From fields not in {@code message} ({@link #unread}), or null
     * @param body        the body hashes of a message checked from its header section ({@link #hashBody}), or null
     */
    private CheckRun start(Envelope envelope, byte[] message, CheckOptions options, String readError,
                           String bodyUnread, CheckTimer timer, EarlyResults early, String fromUnread,
                           StreamedBody body) {
        // a header section with its body streamed: DKIM and ARC verify it over the body's hashes
        BodyHasher.Computed streamed = bodyUnread == null || body == null ? null : body.hashes();
        String unverified = bodyUnread == null || body == null || body.problem() == null ? bodyUnread
                : bodyUnread + " (" + body.problem() + ")";
        RawMessage raw = null;
        String unreadable = null;
        if (options.needsMessage() && readError == null) {
            try {
                raw = message == null ? null : RawMessage.parse(message);
                unreadable = message == null ? "no message" : null;
            } catch (MessageParseException e) {
                unreadable = "message header unreadable: " + e.getMessage();
            }
        }
        RawMessage parsed = raw;
        String why = unreadable;
        byte[] bytes = message == null ? new byte[0] : message;

        BoundedCheck<DkimReport> signatures = !options.dkim() ? BoundedCheck.skipped()
                : BoundedCheck.of("DKIM", DkimReport::temperror);
        BoundedCheck<SpfResult> mailFrom = !options.spf() ? BoundedCheck.skipped()
                : BoundedCheck.of("SPF", reason -> spfTemperror(SpfIdentity.MAILFROM, mailFromDomain(envelope),
                reason));
        BoundedCheck<SpfResult> helo = !options.spf() || envelope.helo().isEmpty() ? BoundedCheck.skipped()
                : BoundedCheck.of("SPF (HELO)", reason -> spfTemperror(SpfIdentity.HELO, envelope.helo(), reason));
        BoundedCheck<IprevResult> reverse = !options.iprev() ? BoundedCheck.skipped()
                : BoundedCheck.of("iprev", reason -> iprevTemperror(envelope, reason));
        BoundedCheck<ArcResult> chain = !options.arc() ? BoundedCheck.skipped()
                : BoundedCheck.of("ARC validation", MailAuthChecker::arcFail);
        BoundedCheck<DmarcResult> policy = !options.dmarc() ? BoundedCheck.skipped()
                : BoundedCheck.of("DMARC", reason -> DmarcResult.temperror(reason, dmarc.options()));
        List<BoundedCheck<?>> checks = List.of(signatures, mailFrom, helo, reverse, chain, policy);
        signatures.timedBy(timer, "dkim");
        mailFrom.timedBy(timer, "spf");
        helo.timedBy(timer, "spf-helo");
        reverse.timedBy(timer, "iprev");
        chain.timedBy(timer, "arc");
        policy.timedBy(timer, "dmarc");
        if (readError != null) {
            signatures.cutOff(readError);
            chain.cutOff(readError);
            policy.cutOff(readError);
        }

        // The lookups that need only the message and the envelope all start now, so that a message waits for its
        // longest chain of DNS round trips, not their sum. DMARC's policy discovery (RFC 9989 §4.10.1) needs only
        // the author domain: it starts here, the evaluation waits for SPF and DKIM below. Network first, then
        // the CPU work (DKIM hashes the body while its key lookups are under way).
        // a header section that may not hold every From field is not the one read during DATA: never taken over
        DmarcEvaluator.Prepared takenOver = !options.dmarc() || readError != null || fromUnread != null ? null
                : early.dmarcFor(message, parsed);
        DmarcEvaluator.Prepared discovery = !options.dmarc() || readError != null ? null
                : takenOver != null ? takenOver : parsed == null ? dmarc.prepare(bytes, fromUnread)
                : dmarc.prepare(parsed, fromUnread);
        mailFrom.start(() -> early.mailFromSpf() != null ? early.mailFromSpf()
                : spf.checkMailFrom(envelope.clientIp(), envelope.mailFrom(), envelope.helo()), budgets.spf());
        helo.start(() -> early.heloSpf() != null ? early.heloSpf()
                : spf.checkHelo(envelope.clientIp(), envelope.helo()), budgets.spf());
        reverse.start(() -> early.iprev() != null ? early.iprev() : iprev.check(envelope.clientIp()),
                budgets.iprev());
        signatures.start(() -> parsed == null ? CompletableFuture.completedFuture(DkimReport.unreadable(why))
                : streamed != null ? dkim.verify(parsed, early.dkim(), streamed)
                : bodyUnread != null ? CompletableFuture.completedFuture(dkim.unverified(parsed, unverified))
                : dkim.verify(parsed, early.dkim()), budgets.dkim());
        chain.start(() -> parsed == null ? arc.verify(bytes)
                : streamed != null ? arc.verify(parsed, streamed)
                : bodyUnread != null ? CompletableFuture.completedFuture(arc.unverified(parsed, unverified))
                : arc.verify(parsed), budgets.arc());
        // RFC 9989 §4.7: DMARC combines the SPF (MAIL FROM) and DKIM results, so its evaluation (and its budget)
        // starts when both are in
        CompletableFuture.allOf(mailFrom.result(), signatures.result()).whenComplete((ignored, error) ->
                policy.start(() -> discovery.evaluate(mailFrom.now(), signatures.now()), budgets.dmarc()));
        Optional<SmtpAuthResult> auth = options.smtpAuth()
                ? Optional.of(SmtpAuthResult.of(envelope.authUser()))
                : Optional.empty();
        // a From field only some readers see is signed by no sealer: no override for it (review s22)
        boolean hiddenFrom = discovery != null && discovery.hasFromOutsideEverySignature();
        return new CheckRun(checks, () -> {
            Optional<ArcResult> a = chain.now();
            // a trusted sealer's chain our overload left unvalidated: no fail (DmarcOverride#unlessUndecided)
            Optional<DmarcResult> d = policy.now().map(r -> a.isEmpty() ? r
                    : DmarcOverride.unlessUndecided(r, a.get(), options.trustedArcSealers(), dmarc.options(),
                    hiddenFrom));
            Optional<DmarcOverride> override = d.isPresent() && a.isPresent()
                    ? DmarcOverride.find(d.get(), a.get(), options.trustedArcSealers(), hiddenFrom)
                    : Optional.empty();
            return new AuthCheckReport(signatures.now(), mailFrom.now(), helo.now(), reverse.now(), auth, d, a,
                    override);
        });
    }

    /**
     * The report of a message that could not be checked at all ({@code why}: the client's address is not an IP, an
     * internal error of the caller), review s20: what a run cut off before it began reports. Every check the options
     * run is a {@code temperror} with {@code why} (ARC {@code fail}: RFC 8617 §5.2 has no temporary result), and
     * DMARC's, which knows no author, carries the disposition of authors not evaluated
     * ({@link DmarcResult#temperror}: {@code reject} under {@code strictest}), so a check that cannot be made is never
     * cheaper for an attacker than a {@code fail}. SMTP AUTH is reported from the envelope. {@code envelope} may have
     * no client address ({@code iprev} then names none).
     */
    public AuthCheckReport unchecked(Envelope envelope, CheckOptions options, String why) {
        Optional<SpfResult> helo = options.spf() && !envelope.helo().isEmpty()
                ? Optional.of(spfTemperror(SpfIdentity.HELO, envelope.helo(), why)) : Optional.empty();
        return new AuthCheckReport(
                options.dkim() ? Optional.of(DkimReport.temperror(why)) : Optional.empty(),
                options.spf() ? Optional.of(spfTemperror(SpfIdentity.MAILFROM, mailFromDomain(envelope), why))
                        : Optional.empty(),
                helo,
                options.iprev() ? Optional.of(iprevTemperror(envelope, why)) : Optional.empty(),
                options.smtpAuth() ? Optional.of(SmtpAuthResult.of(envelope.authUser())) : Optional.empty(),
                options.dmarc() ? Optional.of(DmarcResult.temperror(why, dmarc.options())) : Optional.empty(),
                options.arc() ? Optional.of(arcFail(why)) : Optional.empty(),
                Optional.empty());
    }

    /** iprev cut off: {@code temperror}, naming the client's address when the envelope has one. */
    private static IprevResult iprevTemperror(Envelope envelope, String reason) {
        String ip = envelope.clientIp() == null ? null : IpLiterals.text(envelope.clientIp());
        return new IprevResult(IprevStatus.TEMPERROR, ip, List.of(), reason);
    }

    /** ARC validation cut off: {@code fail} (RFC 8617 §5.2: every validation failure is permanent). */
    private static ArcResult arcFail(String reason) {
        return new ArcResult(ArcStatus.FAIL, reason, -1, List.of(), 0, false);
    }

    private static SpfResult spfTemperror(SpfIdentity identity, String domain, String reason) {
        return new SpfResult(SpfStatus.TEMPERROR, identity, domain, null, null, 0, 0, reason);
    }

    /** RFC 7208 §2.4: the MAIL FROM domain, or the HELO name for the null sender. */
    private static String mailFromDomain(Envelope envelope) {
        String from = envelope.mailFrom();
        return from.isEmpty() ? envelope.helo() : from.substring(from.lastIndexOf('@') + 1);
    }
}
