package dev.authpack.check;

import dev.authpack.dkim.DkimPrefetch;
import dev.authpack.dkim.DkimVerifier;
import dev.authpack.dmarc.DmarcEvaluator;
import dev.authpack.dns.DnsResolver;
import dev.authpack.dns.TransportShare;
import dev.authpack.mail.MessageParseException;
import dev.authpack.mail.RawMessage;
import dev.authpack.spf.SpfIdentity;
import dev.authpack.spf.SpfStatus;
import dev.authpack.iprev.IprevResult;
import dev.authpack.spf.SpfResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The checks of one SMTP connection, with their DNS lookups started as soon as the session makes each identity
 * known, so that by the end of DATA the answers are there:
 * <ul>
 *   <li>at connect ({@link #connected}): iprev of the client address;</li>
 *   <li>at MAIL FROM ({@link #mailFrom}): SPF for MAIL FROM and for HELO;</li>
 *   <li>once the header section has arrived ({@link #headerSection}): the DKIM key records of the signatures and
 *       the DMARC policy discovery of the author domains (the From fields);</li>
 *   <li>at the end of DATA ({@link #endOfData}): the plain check of {@link MailAuthChecker}, with the same options
 *       and budgets, over the answers of the lookups already made.</li>
 * </ul>
 * The report is the one {@link MailAuthChecker} gives for the same envelope, message and DNS answers: the end-of-DATA
 * check is that very check, run over the transaction's {@link SessionResolver}, which asks the shared resolver each
 * question once and gives every later asker the same answer (failures and timeouts too). The early lookups ask only
 * questions the plain check asks as well, so the session never makes more lookups than the plain check:
 * <ul>
 *   <li>SPF and iprev run the engines themselves, early, over the same answers, and the end-of-DATA check takes
 *       their results over (for the same client, HELO and MAIL FROM) instead of running them a second time;</li>
 *   <li>DKIM starts the key lookups on the header section ({@link DkimVerifier#prefetchKeys}): those the
 *       verification of the whole message asks (the same fields, checks and cap decide them; the body only decides
 *       the hash), and nothing else (no body hash, no key decoded, no result); the end-of-DATA verification takes
 *       over the parse of each DKIM-Signature field whose octets have not changed ({@link DkimPrefetch}), so a
 *       field is parsed once;</li>
 *   <li>DMARC reads the author domains of the header section and starts their policy discovery (and the existence
 *       test where the record has {@code np}), which the plain check asks whatever SPF and DKIM say; the end-of-DATA
 *       check takes this reading over only when the message as it is then has exactly these From fields, read the
 *       same way ({@link CollectedHeaderSection}: the collected octets end its header section, and what is above
 *       them, such as James' {@code Received} field, is whole CRLF lines without a From field); otherwise it reads
 *       the From of the message as it is then (a From changed or added meanwhile is the one a reader sees) and
 *       finds the early answers in; the identifiers' alignment walks wait for the end of DATA;</li>
 *   <li>ARC is not started early: its key lookups are lazy by design (none for a chain whose newest body hash
 *       fails, docs/arc.md), and the body is not there yet; keys it shares with DKIM are answered already.</li>
 * </ul>
 * Bounded:
 * <ul>
 *   <li>each transaction remembers at most {@link SessionResolver#MAX_QUESTIONS} questions;</li>
 *   <li>a new MAIL FROM or {@link #reset()} (RSET, HELO/EHLO, the end of a message) ends the transaction's lookups
 *       and starts SPF again; {@link #close()} (the client went away, or never sent DATA) ends every lookup of the
 *       session at once, except those of end-of-DATA runs {@link #handOver handed over} to be awaited elsewhere,
 *       which end with their run. Ending them cancels the shared resolver's queries that no one else waits for
 *       (its in-flight table counts the callers, {@code CachingDnsResolver}), so their transport slots are free at
 *       once, not at their timeout;</li>
 *   <li>past {@link #MAX_TRANSACTIONS_WITHOUT_MESSAGE} transactions of the connection ended without a message, MAIL
 *       FROM starts no early lookups (unless its SPF result is awaited at MAIL FROM): the end of DATA runs SPF as
 *       the plain check does. A loop of RSET and MAIL FROM at names whose servers never answer would otherwise
 *       start queries without end, fill the transport and turn every other client's lookups into temporary
 *       failures;</li>
 *   <li>a local overload ({@link dev.authpack.dns.DnsLookup#localOverload()}: the resolver did not send the query)
 *       is not remembered as an answer, and no early result computed over one is taken over: the end-of-DATA check
 *       runs that check again and asks again;</li>
 *   <li>each client (IPv4 address or IPv6 /64), and each network (IPv4 /24, IPv6 /48), has at most its quota of
 *       early queries in flight, over all its connections ({@link ClientQuota}, given to {@link #connected(MailAuthChecker, DnsResolver, CheckOptions,
 *       InetAddress, ClientQuota)}): an early query beyond it is not sent (a local overload of ours, so as above:
 *       the end of DATA asks it, as the plain check does, never a failure for that). The end-of-DATA queries are
 *       all sent and counted to the client too ({@link #queriesAtQuota()}). No early query is sent while the shared
 *       resolver has three quarters of its transport in flight ({@link TransportShare#EARLY}), whoever sent them:
 *       the last quarter stays for the end-of-DATA checks and the spool.</li>
 * </ul>
 * Thread-safe.
 */
public final class SessionChecks implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SessionChecks.class);
    /**
     * Transactions of one connection that may end without a message (RSET, a new MAIL FROM, the client leaving
     * before the end of DATA) before its later MAIL FROMs start no early lookups: past it, SPF waits for the end of
     * DATA, where the plain check runs it as without the session. Each such transaction costs the client one line
     * and the server SPF's lookups, at names the client picks: a loop of RSET and MAIL FROM would otherwise start
     * lookups without end (docs/enforcement.md). A client sending message after message keeps its early lookups.
     */
    public static final int MAX_TRANSACTIONS_WITHOUT_MESSAGE = 3;

    private final MailAuthChecker checker;
    private final CheckOptions options;
    private final InetAddress client;
    private final SessionResolver connection;
    private final DnsResolver upstream;
    /** The client the session's queries are counted to. */
    private final ClientQuota.Client quota;
    private Transaction current;
    /** The early checks of the latest transaction, ended or not (tests). */
    private final List<CompletableFuture<?>> started = new ArrayList<>();
    /** The iprev check started at connect, which the end-of-DATA checks take over; null when not started. */
    private CompletableFuture<IprevResult> iprevStarted;
    private boolean closed;
    /**
     * End-of-DATA runs {@link #handOver handed over}, and transactions {@link #leaveToSpool left to the spool}, not
     * ended yet: the connection's answers stay for them.
     */
    private int handedOver;
    /** Transactions of this connection that ended without a message ({@link #MAX_TRANSACTIONS_WITHOUT_MESSAGE}). */
    private int withoutMessage;

    /** One transaction: its answers, its checker over them, and the early checks started. */
    private static final class Transaction {
        // iprev runs over the connection's answers (started at connect), every other check over the transaction's
        final SessionResolver answers;
        final MailAuthChecker checker;
        final List<CompletableFuture<?>> early = new ArrayList<>(4);
        final BoundedCheck<SpfResult> mailFromSpf;
        /** The envelope the SPF checks were started with, at MAIL FROM. */
        final String helo;
        final String mailFrom;
        /** Whether SPF for MAIL FROM was started at MAIL FROM (else the end-of-DATA check runs it). */
        boolean spfStarted;
        /** SPF for HELO started at MAIL FROM, or null. */
        CompletableFuture<SpfResult> heloSpf;
        boolean headerSeen;
        /** The header section collected during DATA with its DMARC reading, or null. */
        CollectedHeaderSection header;
        /** DKIM's start on the header section collected during DATA: its key lookups and parses, or null. */
        DkimPrefetch dkim;
        /** Whether an end of DATA was given {@link #dkim}'s parses (once: one message a transaction). */
        boolean dkimHandedOn;
        /** Whether the transaction reached the end of DATA (else it ends without a message). */
        boolean message;

        Transaction(SessionResolver answers, MailAuthChecker checker, BoundedCheck<SpfResult> mailFromSpf,
                    String helo, String mailFrom) {
            this.answers = answers;
            this.checker = checker;
            this.mailFromSpf = mailFromSpf;
            this.helo = helo;
            this.mailFrom = mailFrom;
        }

        void end() {
            answers.close();
            mailFromSpf.cutOff(SessionResolver.CLOSED);
            early.forEach(f -> f.cancel(false));
        }
    }

    private SessionChecks(MailAuthChecker checker, CheckOptions options, InetAddress client,
                          DnsResolver upstream, ClientQuota queries) {
        this.checker = checker;
        this.options = options;
        this.client = client;
        this.upstream = upstream;
        this.quota = queries.client(client);
        this.connection = new SessionResolver(upstream, quota);
    }

    /**
     * A client connected from {@code client}: starts its iprev lookups (when iprev is enabled). No bound on the
     * client's early queries.
     *
     * @param checker  the checker the mailet uses (same engines, options and budgets)
     * @param upstream the shared resolver {@code checker}'s engines use (its cache and in-flight table)
     */
    public static SessionChecks connected(MailAuthChecker checker, DnsResolver upstream,
                                          CheckOptions options, InetAddress client) {
        return connected(checker, upstream, options, client, ClientQuota.UNLIMITED);
    }

    /**
     * {@link #connected(MailAuthChecker, DnsResolver, CheckOptions, InetAddress)}, the session's DNS queries
     * counted to {@code client} in {@code queries}: early ones only within its quota.
     */
    public static SessionChecks connected(MailAuthChecker checker, DnsResolver upstream,
                                          CheckOptions options, InetAddress client, ClientQuota queries) {
        SessionChecks session = new SessionChecks(checker, options, client, upstream, queries);
        if (options.iprev() && client != null) {
            try {
                session.iprevStarted = checker.over(session.connection, session.connection).iprev().check(client);
            } catch (RuntimeException e) {
                LOG.warn("iprev of {} not started early: {}", client, e.toString());
            }
        }
        return session;
    }

    /**
     * MAIL FROM: ends the previous transaction's lookups (a new MAIL FROM, or one after RSET) and starts SPF for
     * MAIL FROM and for HELO (RFC 7208 §2.3, §2.4) with the session's client address; past
     * {@link #MAX_TRANSACTIONS_WITHOUT_MESSAGE} transactions of the connection ended without a message, it starts
     * nothing (the end of DATA runs SPF).
     *
     * @param mailFrom the reverse path without angle brackets; empty for the null sender
     * @return the SPF result for MAIL FROM, within SPF's budget (temperror past it); empty when SPF is disabled or
     *         not started, or when a query of it was not sent for the client's quota (then the end of DATA runs it)
     */
    public CompletableFuture<Optional<SpfResult>> mailFrom(String helo, String mailFrom) {
        return mailFrom(helo, mailFrom, false);
    }

    /**
     * {@link #mailFrom(String, String)}; {@code awaited}: the caller waits for the SPF result for MAIL FROM now (to
     * refuse SPF {@code fail} at MAIL FROM), so it is started whatever the number of transactions without a message
     * (the client waits for it before its next command); SPF for HELO is not.
     */
    public synchronized CompletableFuture<Optional<SpfResult>> mailFrom(String helo, String mailFrom,
                                                                        boolean awaited) {
        endTransaction();
        String heloName = helo == null ? "" : helo;
        String sender = mailFrom == null ? "" : mailFrom;
        Transaction t = begin(heloName, sender);
        boolean early = withoutMessage < MAX_TRANSACTIONS_WITHOUT_MESSAGE;
        if (closed || !options.spf() || client == null || !early && !awaited) {
            t.mailFromSpf.cutOff("SPF not started");
            if (!early && withoutMessage == MAX_TRANSACTIONS_WITHOUT_MESSAGE) {
                LOG.debug("{} transactions without a message from {}: no more early lookups", withoutMessage,
                        client);
            }
            return CompletableFuture.completedFuture(Optional.empty());
        }
        t.mailFromSpf.start(() -> t.checker.spf().checkMailFrom(client, sender, heloName),
                checker.budgets().spf());
        t.spfStarted = true;
        if (early && !heloName.isEmpty()) {
            try {
                t.heloSpf = t.checker.spf().checkHelo(client, heloName);
                early(t, t.heloSpf);
            } catch (RuntimeException e) {
                LOG.warn("early check not started: {}", e.toString());
            }
        }
        // a result over a question not asked (the client at its quota) is no verdict: SPF is decided at the end
        // of DATA
        return t.mailFromSpf.result().thenApply(result -> t.answers.deferredEarly() ? Optional.empty() : result);
    }

    /**
     * The header section has arrived (the octets up to and including the empty line, as received): starts the DKIM
     * key lookups and the DMARC policy discovery. Once per transaction; a header section that does not parse
     * starts nothing (the end-of-DATA check reads it its own way).
     */
    public synchronized void headerSection(byte[] header) {
        if (closed || current == null || current.headerSeen || header == null) {
            return;
        }
        Transaction t = current;
        t.headerSeen = true;
        if (!options.dkim() && !options.dmarc()) {
            return;
        }
        RawMessage parsed;
        try {
            parsed = RawMessage.parse(header);
        } catch (MessageParseException | RuntimeException e) {
            LOG.debug("header section not read early: {}", e.toString());
            return;
        }
        if (options.dkim()) {
            // the key lookups only: the parses wait for the end of DATA, which takes over those of unchanged fields
            try {
                t.dkim = t.checker.dkim().prefetchKeys(parsed);
                early(t, t.dkim.lookups());
            } catch (RuntimeException e) {
                LOG.warn("early check not started: {}", e.toString());
            }
        }
        if (options.dmarc()) {
            // the author domains and their policy discovery: the end-of-DATA check takes this reading over only
            // when the message then has exactly these From fields (CollectedHeaderSection), else reads its own
            try {
                DmarcEvaluator.Prepared reading = t.checker.dmarc().prepare(parsed);
                t.header = CollectedHeaderSection.of(header, parsed, reading);
                early(t, reading.discovered());
            } catch (RuntimeException e) {
                LOG.warn("early check not started: {}", e.toString());
            }
        }
    }

    /**
     * The end of DATA: the plain check of the message over the transaction's answers (a transaction is begun here
     * when MAIL FROM was not seen). Await the run ({@link CheckRun#await}), then {@link #reset()}.
     */
    public synchronized CheckRun endOfData(Envelope envelope, byte[] message) {
        Transaction t = atEndOfData(envelope);
        return t.checker.start(envelope, message, options, earlyResults(t, envelope));
    }

    /**
     * The SPF and iprev checks started earlier for this very envelope, for the end-of-DATA check to take over
     * instead of running them again (same engines, same answers: the same results, without the work twice). Each
     * is a copy, so that the end-of-DATA check cancelling it (past its budget) leaves the original to the others
     * waiting on it (iprev serves every transaction of the connection). None is taken over from answers that
     * included a local overload ({@link SessionResolver#sawOverload()}: the resolver did not send a query): those
     * checks run again, and ask again what was not answered.
     */
    private MailAuthChecker.EarlyResults earlyResults(Transaction t, Envelope envelope) {
        if (closed || !Objects.equals(envelope.clientIp(), client)) {
            return MailAuthChecker.EarlyResults.NONE;
        }
        boolean answered = !t.answers.sawOverload();
        boolean sameEnvelope = answered && t.spfStarted && t.mailFrom.equals(envelope.mailFrom())
                && t.helo.equals(envelope.helo());
        CompletableFuture<SpfResult> mailFrom = !sameEnvelope ? null
                : t.mailFromSpf.result().thenApply(result -> result.orElse(null));
        CompletableFuture<SpfResult> helo = !sameEnvelope || t.heloSpf == null ? null : t.heloSpf.copy();
        CompletableFuture<IprevResult> iprev = iprevStarted == null || connection.sawOverload() ? null
                : iprevStarted.copy();
        DkimPrefetch dkim = t.dkimHandedOn ? null : t.dkim;
        t.dkimHandedOn = true;
        return new MailAuthChecker.EarlyResults(mailFrom, helo, iprev, answered ? t.header : null, dkim);
    }

    /**
     * {@link #endOfData} for a message whose body is not read, larger than the caller's bound ({@code why}): its
     * {@code header} section alone ({@link MailAuthChecker#startHeaderOnly}, {@code clean} as there), over the
     * transaction's answers.
     */
    public synchronized CheckRun endOfDataHeaderOnly(Envelope envelope, byte[] header, boolean clean, String why) {
        return endOfDataHeaderOnly(envelope, header, clean, why, null);
    }

    /**
     * {@link #endOfDataHeaderOnly(Envelope, byte[], boolean, String)} with the hashes of the message's body streamed
     * ({@link MailAuthChecker#hashBody}, done by the caller before, outside this session's lock): DKIM and ARC verify
     * the message over them; null: not verified.
     */
    public synchronized CheckRun endOfDataHeaderOnly(Envelope envelope, byte[] header, boolean clean, String why,
                                                     StreamedBody body) {
        Transaction t = atEndOfData(envelope);
        return t.checker.startHeaderOnly(envelope, header, clean, options, why, earlyResults(t, envelope), body);
    }

    /** {@link #endOfData} for a message that could not be read ({@link MailAuthChecker#startUnreadable}). */
    public synchronized CheckRun endOfDataUnreadable(Envelope envelope, String why) {
        Transaction t = atEndOfData(envelope);
        return t.checker.startUnreadable(envelope, options, why);
    }

    /**
     * The transaction is over for the session, but its end-of-DATA {@code run} goes on without being awaited here
     * (a label-only hook hands it over to the mailet): the session forgets the transaction (a new MAIL FROM begins
     * another), while the transaction's answers, and the connection's, stay open until the run has ended, whether
     * the client sends another message, RSETs or leaves meanwhile. The run ends within its budgets (or when cut
     * off), so nothing outlives it.
     */
    public synchronized void handOver(CheckRun run) {
        Transaction t = current;
        current = null;
        if (t == null) {
            return;
        }
        handedOver++;
        run.report().whenComplete((report, error) -> runEnded(t));
    }

    /**
     * The transaction has a message the session does not check (a label-only hook leaves it to the mailet, which
     * checks it from the spool): the session forgets the transaction (a new MAIL FROM begins another), but its early
     * lookups are not cancelled: their answers go on into the shared resolver's cache, where the mailet's check of
     * the same message, which asks the same questions, finds them (or joins those still in flight) instead of asking
     * again. The transaction's answers close once its early checks have ended, and at the latest after
     * {@code within} (the check's deadline), whether the client sends another message, RSETs or leaves meanwhile;
     * then whatever is still in flight is cancelled as on {@link #reset()}.
     */
    public synchronized void leaveToSpool(Duration within) {
        Transaction t = current;
        current = null;
        if (t == null) {
            return;
        }
        t.message = true;
        handedOver++;
        List<CompletableFuture<?>> pending = new ArrayList<>(t.early);
        pending.add(t.mailFromSpf.result());
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
                .orTimeout(within.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((done, error) -> runEnded(t));
    }

    private void runEnded(Transaction t) {
        t.end();
        synchronized (this) {
            handedOver--;
            if (closed && handedOver == 0) {
                connection.close();
            }
        }
    }

    /**
     * The end of DATA came: the current transaction has a message, whether or not its checks run in the session
     * (a message too large to hand over, no wait free): it does not count towards
     * {@link #MAX_TRANSACTIONS_WITHOUT_MESSAGE}.
     */
    public synchronized void messageReceived() {
        if (current != null) {
            current.message = true;
        }
    }

    /**
     * RSET (or HELO/EHLO), or the transaction is over: ends its lookups, cancelling the queries no one else waits
     * for. The connection's (iprev) stay. A transaction that did not reach the end of DATA counts towards
     * {@link #MAX_TRANSACTIONS_WITHOUT_MESSAGE}.
     */
    public synchronized void reset() {
        endTransaction();
    }

    /**
     * The client went away: ends every lookup of the session, except those of runs {@link #handOver handed over}
     * (the connection's answers close when the last of them ends); later calls start nothing.
     */
    @Override
    public synchronized void close() {
        closed = true;
        endTransaction();
        if (handedOver == 0) {
            connection.close();
        }
    }

    /**
     * Whether the client, or its network, holds its quota of DNS queries in flight (over all its connections, early
     * and end-of-DATA ones), or the shared resolver has its early share of the transport in flight
     * ({@link TransportShare#EARLY}): a check that need not run now had better not start more (a label-only hook
     * leaves the message to {@code MailAuthCheck}).
     */
    public boolean queriesAtQuota() {
        return quota.atQuota() || TransportShare.reached(upstream, TransportShare.EARLY);
    }

    /** Transactions of the connection that ended without a message so far. */
    public synchronized int transactionsWithoutMessage() {
        return withoutMessage;
    }

    /** Distinct DNS questions the current transaction has asked (0 without one). */
    public synchronized int transactionQuestions() {
        return current == null ? 0 : current.answers.questions();
    }

    /** Whether the current transaction's end-of-DATA check took the header section's DMARC reading over (tests). */
    synchronized boolean dmarcReadingTakenOver() {
        return current != null && current.header != null && current.header.takenOver();
    }

    /** DKIM-Signature parses of the current transaction's header section taken over at the end of DATA (tests). */
    synchronized int dkimParsesReused() {
        return current == null || current.dkim == null ? 0 : current.dkim.reusedParses();
    }

    /** The iprev result of the check started at connect, once in (tests). */
    synchronized Optional<IprevResult> iprevStartedAtConnect() {
        return iprevStarted == null ? Optional.empty() : Optional.ofNullable(iprevStarted.getNow(null));
    }

    /** Completes when every early check of the connection and of the latest transaction has ended (tests). */
    synchronized CompletableFuture<Void> earlyChecks() {
        List<CompletableFuture<?>> all = new ArrayList<>(started);
        if (iprevStarted != null) {
            all.add(iprevStarted);
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    /** The transaction of the message, whose questions are now the plain check's: all asked. */
    private Transaction atEndOfData(Envelope envelope) {
        Transaction t = transactionFor(envelope);
        t.message = true;
        t.answers.endOfData();
        connection.endOfData();
        return t;
    }

    private Transaction transactionFor(Envelope envelope) {
        if (current == null || closed) {
            endTransaction();
            Transaction t = begin(envelope.helo(), envelope.mailFrom());
            t.mailFromSpf.cutOff("SPF not started");
            return t;
        }
        return current;
    }

    private Transaction begin(String helo, String mailFrom) {
        SessionResolver answers = new SessionResolver(upstream, quota);
        if (closed) {
            answers.close();
        }
        BoundedCheck<SpfResult> spf = BoundedCheck.of("SPF", reason -> new SpfResult(SpfStatus.TEMPERROR,
                SpfIdentity.MAILFROM, mailFrom.isEmpty() ? helo : mailFrom.substring(mailFrom.lastIndexOf('@') + 1),
                null, null, 0, 0, reason));
        current = new Transaction(answers, checker.over(answers, connection), spf, helo, mailFrom);
        started.clear();
        started.add(spf.result());
        return current;
    }

    private void early(Transaction t, CompletableFuture<?> check) {
        t.early.add(check);
        started.add(check);
    }

    private void endTransaction() {
        if (current != null) {
            if (!current.message) {
                withoutMessage++;
            }
            current.end();
            current = null;
        }
    }
}
