package dev.authpack.james.smtp;

import dev.authpack.check.AuthCheckReport;
import dev.authpack.check.CheckRun;
import dev.authpack.check.ClientQuota;
import dev.authpack.check.Envelope;
import dev.authpack.check.MailAuthChecker;
import dev.authpack.check.StreamedBody;
import dev.authpack.check.SessionChecks;
import dev.authpack.dns.DnsResolver;
import dev.authpack.dns.DnsSettings;
import dev.authpack.dns.TranslatorPrefixes;
import dev.authpack.james.AuthpackEngines;
import dev.authpack.james.InitParameters;
import dev.authpack.james.LogText;
import dev.authpack.james.CheckSettings;
import dev.authpack.james.MailEnvelopes;
import dev.authpack.james.MessageBinding;
import dev.authpack.james.MimeMessageBytes;
import dev.authpack.james.SessionCheckedMail;
import dev.authpack.james.WholeReadBudget;
import dev.authpack.spf.SpfResult;
import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.api.ProtocolSession.AttachmentKey;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.CommandHandler;
import org.apache.james.protocols.api.handler.DisconnectHandler;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.DataLineFilter;
import org.apache.james.protocols.smtp.hook.HeloHook;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.MailHook;
import org.apache.james.smtpserver.JamesMessageHook;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.inject.Inject;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Runs {@code MailAuthCheck}'s checks during the SMTP session, with their DNS lookups started as soon as the
 * session makes each identity known ({@link SessionChecks}: iprev at HELO/EHLO, SPF at MAIL FROM, DKIM keys and DMARC
 * policy discovery once the header section has arrived), and refuses in the session what policy says to refuse
 * (docs/enforcement.md). The results go on the mail, so {@code MailAuthCheck} configured alike does not check again
 * and only writes its {@code Authentication-Results} field.
 *
 * <pre>{@code
 * <handlerchain>
 *   <handler class="dev.authpack.james.smtp.SessionAuthCheck">
 *     <serverId>mx.example.net</serverId>          <!-- the same check parameters as MailAuthCheck -->
 *     <refuseDmarcReject>true</refuseDmarcReject>  <!-- 550 5.7.1 for DMARC reject (default true) -->
 *     <refuseSpfFail>never</refuseSpfFail>         <!-- never | mailfrom (strict) | data (soft) -->
 *     <temperror>accept</temperror>                <!-- accept (and label) | defer (451) -->
 *     <awaitAtData>auto</awaitAtData>              <!-- auto (wait only where DATA can be refused) | always -->
 *     <maxWaiting>2</maxWaiting>                   <!-- waits blocking IO threads at once (default: processors) -->
 *     <maxWaitingPerClient>1</maxWaitingPerClient> <!-- of them for one client (default: half of maxWaiting) -->
 *     <maxWaitingPerNetwork>1</maxWaitingPerNetwork> <!-- for one IPv4 /24 or IPv6 /48 (the same default) -->
 *     <waitYieldAfter>2000</waitYieldAfter>        <!-- ms: a wait this old yields to a message finding none -->
 *     <dataWait>10000</dataWait>                   <!-- ms: the longest wait at the end of DATA, then 451 -->
 *     <maxQueriesPerClient>32</maxQueriesPerClient> <!-- DNS queries in flight started for one client -->
 *     <maxQueriesPerNetwork>64</maxQueriesPerNetwork> <!-- and for one IPv4 /24 or IPv6 /48 -->
 *   </handler>
 * </handlerchain>
 * }</pre>
 *
 * <p>In James 3.8.1 handlers of {@code <handlerchain>} come before the core handlers, so this one sees the DATA
 * lines before James stores them, its MAIL hook runs before James' own, and so does its RSET handler (which answers
 * nothing: James' {@code RsetCmdHandler} replies). It is a {@link HeloHook}, {@link MailHook},
 * {@link DataLineFilter}, {@link JamesMessageHook}, {@link DisconnectHandler} and {@link CommandHandler} (RSET) at
 * once:
 * <ul>
 *   <li>the end-of-DATA check runs over the lookups started early, usually answered by then: a check finished
 *       when started (CPU work only) needs no wait; any other waits at most {@code dataWait} (10 s, below the
 *       checks' 40 s deadline), then that message gets {@code 451 4.7.1};</li>
 *   <li>it waits only where it may refuse ({@code refuseDmarcReject=true} or {@code refuseSpfFail=data}, and a
 *       client that is not exempt; or {@code awaitAtData=always}): otherwise (label-only) the checks are handed
 *       over unfinished to {@code MailAuthCheck} in the same JVM ({@code PendingChecks}), and the client gets
 *       its {@code 250} at once;</li>
 *   <li>at most {@code maxWaiting} waits block James' IO threads at once (MAIL FROM waits at most
 *       {@code mailFromWait}); past it nothing waits: MAIL FROM goes on (SPF refused at the end of DATA) and an end
 *       of DATA that could be refused gets {@code 451 4.7.1} ({@link SessionLimits}); the body of a message over
 *       {@code maxCheckedSize} streamed for its DKIM and ARC body hashes on the IO thread counts as one of them
 *       (taken before it is read, held through the check's wait, never yielded while it is read), its SHA-256 made
 *       in the same pass binding the results stored for {@code MailAuthCheck};</li>
 *   <li>one client (IPv4 address or IPv6 /64) holds at most {@code maxWaitingPerClient} of those waits, and one
 *       network (IPv4 /24, IPv6 /48) {@code maxWaitingPerNetwork}, as above past it; a wait held
 *       {@code waitYieldAfter} (2 s) yields to a message that finds none (that one, the slowest, gets the
 *       {@code 451});</li>
 *   <li>one client has at most {@code maxQueriesPerClient} DNS queries in flight for its sessions, one network
 *       {@code maxQueriesPerNetwork}, and no early lookup is sent while the transport has three quarters of its
 *       slots in flight: an early lookup beyond them starts at the end of DATA instead, and a label-only hook
 *       leaves the mail to {@code MailAuthCheck};</li>
 *   <li>the waits and queries a client or network holds are counted over every hook instance of the JVM
 *       ({@link SessionCounts}): one James' SMTP servers (ports 25 and 587, a hook each) share them, each applying
 *       its own limits; {@code maxWaiting} is each server's own;</li>
 *   <li>clients that authenticated or may relay ({@code isRelayingAllowed}) are checked but never refused;</li>
 *   <li>refusals are SMTP replies in the session, never bounces (no backscatter);</li>
 *   <li>a client that leaves, RSETs, says HELO/EHLO again or sends a new MAIL FROM ends the lookups its
 *       transaction started: the queries no other check waits for are cancelled, freeing the DNS transport at
 *       once;</li>
 *   <li>after {@link SessionChecks#MAX_TRANSACTIONS_WITHOUT_MESSAGE} transactions of a connection that ended without
 *       a message, its MAIL FROMs start no early lookups (SPF runs at the end of DATA; with
 *       {@code refuseSpfFail=mailfrom} it still runs at MAIL FROM, awaited): a loop of RSET and MAIL FROM cannot
 *       fill the resolver;</li>
 *   <li>no exception leaves a hook: an unexpected error accepts the mail without stored results, so
 *       {@code MailAuthCheck} checks it as usual (and matchers can still act on its results).</li>
 * </ul>
 * Bad parameters make {@link #init} throw a {@link ConfigurationException} naming what is accepted: James does not
 * start.
 */
public class SessionAuthCheck implements HeloHook, MailHook, DataLineFilter, JamesMessageHook,
        DisconnectHandler<SMTPSession>, CommandHandler<SMTPSession> {
    private static final Logger LOGGER = LoggerFactory.getLogger(SessionAuthCheck.class);
    /** Every parameter: the check's ({@link CheckSettings#PARAMETERS}), the refusals' and the limits'. */
    static final Set<String> PARAMETERS = Stream.of(CheckSettings.PARAMETERS, Enforcement.PARAMETERS,
            SessionLimits.PARAMETERS).flatMap(Set::stream).collect(Collectors.toUnmodifiableSet());
    /** How much longer than the checks' own deadline a hook waits before it cuts the checks off itself. */
    static final Duration AWAIT_GRACE = Duration.ofSeconds(1);

    static final AttachmentKey<SessionChecks> CHECKS = AttachmentKey.of("authpack.session-checks",
            SessionChecks.class);
    static final AttachmentKey<HeaderSectionCollector> HEADER = AttachmentKey.of("authpack.header-section",
            HeaderSectionCollector.class);
    /** Set on a transaction whose SPF refusal ({@code refuseSpfFail=mailfrom}) was not decided at MAIL FROM. */
    static final AttachmentKey<Boolean> SPF_AT_DATA = AttachmentKey.of("authpack.spf-at-data", Boolean.class);

    private final Function<CheckSettings, MailAuthChecker> checkers;
    private final Function<DnsSettings, DnsResolver> resolvers;
    private volatile CheckSettings settings;
    private volatile MailAuthChecker checker;
    private volatile DnsResolver resolver;
    private volatile Enforcement enforcement = Enforcement.DEFAULT;
    private volatile SessionLimits limits = SessionLimits.defaults();
    /** What each client and network holds of the waits and of the queries in flight: JVM-wide, or a test's. */
    private final SessionCounts counts;
    /** The waits that may block James' I/O threads at once, for this hook's SMTP server, and the client shares. */
    private volatile Waits waits;
    /** The DNS queries in flight that the sessions of each client started ({@code maxQueriesPerClient}). */
    private volatile ClientQuota queries;

    @Inject
    public SessionAuthCheck(AuthpackEngines engines) {
        this(settings -> settings.checker(engines), engines::resolver, SessionCounts.JVM);
    }

    /**
     * Tests: checkers and resolvers from elsewhere (a checker must use the resolver given for its DNS settings),
     * with counts of its own.
     */
    SessionAuthCheck(Function<CheckSettings, MailAuthChecker> checkers,
                     Function<DnsSettings, DnsResolver> resolvers) {
        this(checkers, resolvers, SessionCounts.fresh());
    }

    /** Tests: as above, over {@code counts} (shared with other hooks given them). */
    SessionAuthCheck(Function<CheckSettings, MailAuthChecker> checkers,
                     Function<DnsSettings, DnsResolver> resolvers, SessionCounts counts) {
        this.checkers = checkers;
        this.resolvers = resolvers;
        this.counts = counts;
        waits = limits.waits(counts);
        queries = limits.queries(counts);
    }

    public SessionAuthCheck() {
        this(AuthpackEngines.shared());
    }

    @Override
    public void init(Configuration config) throws ConfigurationException {
        Optional<String> unknown = InitParameters.unknown("SessionAuthCheck", config.getKeys(), PARAMETERS);
        if (unknown.isPresent()) {
            throw new ConfigurationException(unknown.get());
        }
        try {
            CheckSettings read = CheckSettings.read(key -> config.getString(key, null));
            enforcement = Enforcement.read(key -> config.getString(key, null));
            limits = SessionLimits.read(key -> config.getString(key, null));
            waits = limits.waits(counts);
            queries = limits.queries(counts);
            checker = checkers.apply(read);
            resolver = resolvers.apply(read.dns());
            settings = read;
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("SessionAuthCheck: " + e.getMessage(), e);
        }
        LOGGER.info("SessionAuthCheck ready: serverId={} checks={} {} {}", settings.serverId(), settings.options(),
                enforcement, limits);
    }

    /**
     * At the client's first command (HELO or EHLO): the iprev lookups start. (Not a connect handler: James 3.8.1's
     * JMX monitor of connect handlers fails on one that has no reply of its own.) A later HELO or EHLO ends the
     * transaction's lookups: James resets the transaction there too.
     */
    @Override
    public HookResult doHelo(SMTPSession session, String helo) {
        try {
            checks(session).reset();
        } catch (RuntimeException e) {
            LOGGER.warn("SessionAuthCheck: no early checks for session {}: {}", session.getSessionID(), e.toString());
        }
        return HookResult.DECLINED;
    }

    /** The commands this hook sees before James' own handler of each: RSET. */
    @Override
    public Collection<String> getImplCommands() {
        return List.of("RSET");
    }

    /**
     * RSET: ends the transaction's lookups (cancelling the queries no one else waits for), as James' own
     * {@code RsetCmdHandler}, which runs next, ends the transaction; like it, only for an RSET without an argument
     * (with one, James answers 501 and the transaction goes on). Answers nothing: James' handler gives the reply.
     */
    @Override
    public Response onCommand(SMTPSession session, Request request) {
        try {
            String argument = request.getArgument();
            if (argument == null || argument.isEmpty()) {
                session.getAttachment(CHECKS, State.Connection).ifPresent(SessionChecks::reset);
            }
        } catch (RuntimeException e) {
            LOGGER.warn("SessionAuthCheck: RSET not seen in session {}: {}", session.getSessionID(), e.toString());
        }
        return null;
    }

    @Override
    public void onDisconnect(SMTPSession session) {
        try {
            session.removeAttachment(CHECKS, State.Connection).ifPresent(SessionChecks::close);
        } catch (RuntimeException e) {
            LOGGER.warn("SessionAuthCheck: session {} not closed cleanly: {}", session.getSessionID(), e.toString());
        }
    }

    /**
     * At MAIL FROM: SPF starts (again), unless the connection has already ended
     * {@link SessionChecks#MAX_TRANSACTIONS_WITHOUT_MESSAGE} transactions without a message; with
     * {@code refuseSpfFail=mailfrom} its result is awaited here (and started whatever that count): at once when it
     * is in already (cached), else at most {@code mailFromWait} and only with one of the waits ({@link Waits}):
     * otherwise, or when the wait yields to another message, MAIL FROM goes on and SPF is refused at the end of DATA
     * instead ({@link #SPF_AT_DATA}).
     */
    @Override
    public HookResult doMail(SMTPSession session, MaybeSender sender) {
        try {
            session.removeAttachment(HEADER, State.Transaction);
            session.removeAttachment(SPF_AT_DATA, State.Transaction);
            String helo = session.getAttachment(SMTPSession.CURRENT_HELO_NAME, State.Connection).orElse("");
            String mailFrom = sender == null ? "" : sender.asOptional().map(MailAddress::asString).orElse("");
            boolean awaited = enforcement.refuseSpfFail() == Enforcement.SpfFailRefusal.MAILFROM && !exempt(session);
            var spf = checks(session).mailFrom(helo, mailFrom, awaited);
            if (!awaited) {
                return HookResult.DECLINED;
            }
            // until decided here, the SPF refusal is left to the end of DATA
            session.setAttachment(SPF_AT_DATA, Boolean.TRUE, State.Transaction);
            // answered already (from the cache): no wait needed
            if (!spf.isDone()) {
                try (Waits.Wait wait = waits.tryTake(client(session))) {
                    if (wait == null) {
                        LOGGER.info("SessionAuthCheck: no wait free ({}); SPF for MAIL FROM <{}> in session {} is"
                                + " decided at the end of DATA", waitLimits(), LogText.of(mailFrom), session.getSessionID());
                        return HookResult.DECLINED;
                    }
                    Duration budget = checker.budgets().spf().plus(AWAIT_GRACE);
                    Duration bound = budget.compareTo(limits.mailFromWait()) < 0 ? budget : limits.mailFromWait();
                    if (!wait.awaitDone(spf, bound)) {
                        LOGGER.info("SessionAuthCheck: SPF for MAIL FROM <{}> not known {} in session {}; decided at"
                                + " the end of DATA", LogText.of(mailFrom), wait.yielded() ? "when its wait yielded to another"
                                + " message" : "within " + bound.toMillis() + " ms", session.getSessionID());
                        return HookResult.DECLINED;
                    }
                }
            }
            Optional<SpfResult> verdict = spf.get();
            if (verdict.isEmpty() && settings.options().spf()) {
                // not started, or not asked for the client's quota of queries: decided at the end of DATA
                return HookResult.DECLINED;
            }
            session.removeAttachment(SPF_AT_DATA, State.Transaction);
            Optional<HookResult> refusal = enforcement.atMailFrom(verdict);
            refusal.ifPresent(r -> LOGGER.info("SessionAuthCheck: {} {} for MAIL FROM <{}> in session {}: {}",
                    r.getSmtpRetCode(), r.getSmtpDescription(), LogText.of(mailFrom), session.getSessionID(),
                    LogText.of(verdict.map(SpfResult::reason).orElse(""))));
            return refusal.orElse(HookResult.DECLINED);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return HookResult.DECLINED;
        } catch (ExecutionException | RuntimeException e) {
            LOGGER.warn("SessionAuthCheck: MAIL FROM not checked in session {} (left to the end of DATA): {}",
                    session.getSessionID(), e.toString());
            return HookResult.DECLINED;
        }
    }

    /**
     * Each DATA line passes on unchanged; the header section, once complete, starts the DKIM and DMARC lookups.
     * Body lines cost one field read: James' own {@code ReceivedDataLineFilter} (a core handler, after this one)
     * marks the session's header complete ({@link SMTPSession#headerComplete()}, reset with each transaction) when
     * the empty line has passed, so a later line other than an empty one has nothing to collect. (Where no such
     * filter runs the mark stays false and every line is offered, as before; an empty line is always offered, so
     * that a filter order with James' first still ends the collection.)
     */
    @Override
    public Response onLine(SMTPSession session, byte[] line, LineHandler<SMTPSession> next) {
        try {
            if (!session.headerComplete() || HeaderSectionCollector.isEmptyLine(line)) {
                collect(session, line);
            }
        } catch (RuntimeException e) {
            LOGGER.warn("SessionAuthCheck: header section not read early in session {}: {}", session.getSessionID(),
                    e.toString());
        }
        return next.onLine(session, line);
    }

    private void collect(SMTPSession session, byte[] line) {
        HeaderSectionCollector collector = session.getAttachment(HEADER, State.Transaction).orElse(null);
        if (collector == null) {
            collector = new HeaderSectionCollector();
            session.setAttachment(HEADER, collector, State.Transaction);
        }
        byte[] header = collector.offer(line);
        if (header != null) {
            checks(session).headerSection(header);
        }
    }

    /**
     * At the end of DATA: the checks end (over the answers of the lookups started earlier), the results go on the
     * mail, and the mail is refused when policy says so. Where nothing can be refused (label-only configuration,
     * or an exempt client: {@link Enforcement#awaitsAtData}) the checks are not awaited: they are handed over,
     * unfinished, to {@code MailAuthCheck} ({@link SessionCheckedMail#handOver}) and the client gets its reply at
     * once; a message larger than {@code handOverMaxSize} is neither checked nor handed over here (MailAuthCheck
     * checks it from the spool). A check finished when started needs no wait; any other is awaited only with one
     * of the waits, within {@code dataWait} and until the wait yields ({@link #await}); otherwise a reply that
     * depends on the checks is {@code 451 4.7.1} (try again later), and one that does not is given at once, the
     * checks left to MailAuthCheck. A message over maxCheckedSize whose body must be streamed for its signatures takes
     * one of the waits for that too, before it is read ({@link #startHeaderOnly}): with none free it is answered as
     * above, unread.
     */
    @Override
    public HookResult onMessage(SMTPSession session, Mail mail) {
        SessionChecks checks = null;
        boolean handedOver = false;
        // the transaction's early lookups left running for MailAuthCheck, which asks the same questions from the spool
        boolean leftToSpool = false;
        // what the message read whole holds of maxCheckedTotal, until the end of DATA: the run is finished or cut off
        // by then, and the octets handed over count against the hand-over table's own bound (PendingChecks.MAX_BYTES)
        WholeReadBudget.Hold hold = WholeReadBudget.Hold.NONE;
        // the end-of-DATA run, holding the wait its body was streamed with (if it was) until the end of DATA
        Started started = null;
        try {
            checks = checks(session);
            // whatever happens below, this transaction had a message: the client is not looping without one
            checks.messageReceived();
            boolean exempt = exempt(session);
            boolean spfLeftToData = session.getAttachment(SPF_AT_DATA, State.Transaction).isPresent();
            boolean refusable = !exempt && enforcement.refusesAtData(spfLeftToData);
            Envelope envelope = envelope(session, mail, settings.options().translatorPrefixes());
            if (!enforcement.awaitsAtData(exempt, spfLeftToData)) {
                // label-only: nothing to refuse here, so the client does not wait; MailAuthCheck takes the checks
                // (finished meanwhile, as a rule) when the spool reaches the mail
                if (!fitsHandOver(mail) || settings.options().needsMessage() && headerOnly(mail)) {
                    // not kept on the heap until the spool takes it (nor, when the checks read no message, hashed
                    // whole on this I/O thread to bind them: review s23): MailAuthCheck checks it from the spool,
                    // over the answers the early lookups got, which go on into the cache (not cancelled here)
                    checks.leaveToSpool(checker.deadline());
                    leftToSpool = true;
                    return HookResult.DECLINED;
                }
                if (checks.queriesAtQuota()) {
                    // the client or its network has its quota of DNS queries in flight, or the early lookups their
                    // share of the transport: its checks wait for a spool thread, as without the hook, instead of
                    // running here unawaited without end
                    LOGGER.debug("SessionAuthCheck: client of session {} at its DNS quota ({} per client, {} per"
                            + " network) or the early share of the transport; mail {} left to MailAuthCheck",
                            session.getSessionID(), limits.maxQueriesPerClient(), limits.maxQueriesPerNetwork(),
                            mail.getName());
                    return HookResult.DECLINED;
                }
                hold = wholeRead(mail);
                if (hold == null) {
                    // over what maxCheckedTotal leaves: not read here, as a message over maxCheckedSize
                    return HookResult.DECLINED;
                }
                started = start(checks, envelope, mail, hold);
                if (started.noWait()) {
                    // not checked here (not read whole, and no wait free to stream its body): MailAuthCheck does
                    return HookResult.DECLINED;
                }
                CheckRun run = started.run();
                // the run holds the message it reads until it finishes, and the table until MailAuthCheck takes it
                // (to compare the mail's message with, octet for octet): its octets count against the table's bound
                handedOver = SessionCheckedMail.handOver(mail, settings, run,
                        checker.deadline().plus(AWAIT_GRACE), started.message());
                if (handedOver) {
                    checks.handOver(run);
                    return HookResult.DECLINED;
                }
                // the table is full (by count or octets): the spool is far behind; waiting here slows the clients
                // down, when a wait is free (otherwise MailAuthCheck checks the mail)
                Awaited awaited = await(run, envelope, mail, session, started.streamedWith());
                if (awaited.report() != null) {
                    SessionCheckedMail.store(mail, settings, awaited.report());
                }
                return HookResult.DECLINED;
            }
            hold = wholeRead(mail);
            started = start(checks, envelope, mail, hold);
            if (started.noWait()) {
                // its body would block this I/O thread with every wait taken: as when a check cannot be waited for
                return refusable ? BUSY : HookResult.DECLINED;
            }
            Awaited awaited = await(started.run(), envelope, mail, session, started.streamedWith());
            if (awaited.report() == null) {
                // not finished here: a refusable message is deferred; otherwise (awaitAtData=always with nothing
                // to refuse) MailAuthCheck checks it from the spool
                return refusable ? awaited.busy() : HookResult.DECLINED;
            }
            AuthCheckReport report = awaited.report();
            // the reply first (review s21): a refused mail is not spooled, so nothing is stored on it (no pass over
            // it for its SHA-256), and a failure to store the results can no longer turn a refusal into an acceptance
            Optional<HookResult> refusal = exempt ? Optional.empty() : enforcement.atEndOfData(report, spfLeftToData);
            if (refusal.isPresent()) {
                HookResult r = refusal.get();
                LOGGER.info("SessionAuthCheck: {} {} for mail {} from <{}> in session {}", r.getSmtpRetCode(),
                        r.getSmtpDescription(), mail.getName(), LogText.of(envelope.mailFrom()),
                        session.getSessionID());
                return r;
            }
            store(mail, report, started);
            return HookResult.DECLINED;
        } catch (java.net.UnknownHostException | RuntimeException | StackOverflowError | OutOfMemoryError e) {
            LOGGER.warn("SessionAuthCheck: mail {} not checked in the session (MailAuthCheck will): {}",
                    mail.getName(), e.toString());
            return HookResult.DECLINED;
        } finally {
            try {
                if (checks != null && !handedOver && !leftToSpool) {
                    checks.reset();
                }
            } finally {
                if (hold != null) {
                    hold.close();
                }
                if (started != null && started.streamedWith() != null) {
                    started.streamedWith().close();
                }
            }
        }
    }

    /**
     * Stores the results of a mail accepted after the check was awaited, for MailAuthCheck: bound by the SHA-256 of the
     * pass that streamed its body, or by one made now; a message checked from its header section without such a
     * pass, or over maxCheckedSize (its checks read no message), gets none (MailAuthCheck checks it). A failure here leaves the mail to MailAuthCheck, marks taken off.
     */
    private void store(Mail mail, AuthCheckReport report, Started started) {
        try {
            if (started.binding() != null) {
                // its body streamed whole for the check: bound by the SHA-256 of that same pass, not read again
                SessionCheckedMail.store(mail, settings, report, started.binding());
            } else if (!started.headerOnly() && !settings.maxCheckedSize().mayExceed(messageSize(mail))) {
                // bound by the SHA-256 of the whole message, on this I/O thread: only within the size read whole
                // (checks that read no message read none, review s23: a message of any size was hashed here; one
                // of a size James cannot tell is not hashed either, review s23 B)
                SessionCheckedMail.store(mail, settings, report);
            }
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            LOGGER.warn("SessionAuthCheck: results of mail {} not stored (MailAuthCheck checks it): {}",
                    mail.getName(), e.toString());
            try {
                mail.removeAttribute(SessionCheckedMail.CHECKED_IN_SESSION);
            } catch (RuntimeException ignored) {
                // nothing more to do: without the mark's binding (CHECKED_MESSAGE) the results are not used
            }
        }
    }

    /**
     * The reply at the end of DATA when every wait is taken (or the one held yielded to another message): temporary,
     * the client tries again later.
     */
    static final HookResult BUSY = HookResult.builder()
            .hookReturnCode(org.apache.james.protocols.smtp.hook.HookReturnCode.denySoft())
            .smtpReturnCode(org.apache.james.protocols.smtp.SMTPRetCode.LOCAL_ERROR)
            .smtpDescription("4.7.1 Too many messages are being checked now; try again later")
            .build();

    /**
     * The reply at the end of DATA when the checks did not finish within {@code dataWait}: temporary; the answers
     * that came meanwhile are cached, so the retry finds more of them.
     */
    static final HookResult SLOW = HookResult.builder()
            .hookReturnCode(org.apache.james.protocols.smtp.hook.HookReturnCode.denySoft())
            .smtpReturnCode(org.apache.james.protocols.smtp.SMTPRetCode.LOCAL_ERROR)
            .smtpDescription("4.7.1 The checks of this message are taking too long; try again later")
            .build();

    /** A report awaited at the end of DATA, or (null) why there is none: the reply that defers the message. */
    private record Awaited(AuthCheckReport report, HookResult busy) {
    }

    /**
     * The report of {@code run}. A run that is finished when started (every answer was in: what is left is the CPU
     * work, done on this thread as James does its own) needs no wait; any other is awaited only with one of the
     * waits, within {@code dataWait} (or the checks' deadline, if shorter), and only until the wait yields to
     * another message. A run not finished then is cut off (its lookups end with the transaction) and gives no
     * report: the message is deferred, {@link #BUSY} or {@link #SLOW}, never judged on a partial report. {@code held}:
     * the wait its body was streamed with ({@link #startHeaderOnly}), awaited with instead of taking another; null
     * when none.
     */
    private Awaited await(CheckRun run, Envelope envelope, Mail mail, SMTPSession session, Waits.Wait held) {
        if (run.report().isDone()) {
            return new Awaited(awaitFinished(run, mail), null);
        }
        try (Waits.Wait wait = held != null ? held : waits.tryTake(envelope.clientIp())) {
            if (wait == null) {
                run.cutOff("no wait free");
                LOGGER.info("SessionAuthCheck: no wait free ({}) for mail {} from <{}> in session {}", waitLimits(),
                        mail.getName(), LogText.of(envelope.mailFrom()), session.getSessionID());
                return new Awaited(null, BUSY);
            }
            Duration deadline = checker.deadline().plus(AWAIT_GRACE);
            Duration bound = limits.dataWait().compareTo(deadline) < 0 ? limits.dataWait() : deadline;
            boolean done;
            try {
                done = wait.awaitDone(run.report(), bound);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                done = false;
            }
            if (done) {
                return new Awaited(awaitFinished(run, mail), null);
            }
            String why = wait.yielded() ? "its wait yielded to another message"
                    : "not finished within " + bound.toMillis() + " ms";
            run.cutOff(why);
            LOGGER.info("SessionAuthCheck: checks of mail {} from <{}> in session {}: {}", mail.getName(),
                    LogText.of(envelope.mailFrom()), session.getSessionID(), why);
            return new Awaited(null, wait.yielded() ? BUSY : SLOW);
        }
    }

    /** The report of a finished run (an internal error in it: the run cut off, as {@link CheckRun#await} does). */
    private AuthCheckReport awaitFinished(CheckRun run, Mail mail) {
        try {
            return run.await(Duration.ZERO);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOGGER.warn("SessionAuthCheck: checks of mail {} interrupted", mail.getName());
            return run.cutOff("interrupted");
        }
    }

    /** Whether the mail is at most {@code handOverMaxSize} octets (a size that cannot be read does not fit). */
    private boolean fitsHandOver(Mail mail) {
        long size = messageSize(mail);
        return size >= 0 && size <= limits.handOverMaxSize();
    }

    /** The mail's size in octets as James knows it without reading the message; -1 when it cannot say. */
    private static long messageSize(Mail mail) {
        try {
            return mail.getMessageSize();
        } catch (javax.mail.MessagingException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * The envelope MailAuthCheck will read from the mail ({@link MailEnvelopes#of}), taken from the session: James'
     * own {@code AddDefaultAttributesMessageHook}, a core handler that runs after this hook, is what copies the client
     * address, the HELO name and the SMTP AUTH user onto the mail, from the same session.
     */
    static Envelope envelope(SMTPSession session, Mail mail) throws java.net.UnknownHostException {
        return envelope(session, mail, TranslatorPrefixes.NONE);
    }

    /** {@link #envelope(SMTPSession, Mail)}, the client address read through {@code translators} as the mailet does. */
    static Envelope envelope(SMTPSession session, Mail mail, TranslatorPrefixes translators)
            throws java.net.UnknownHostException {
        InetSocketAddress remote = session.getRemoteAddress();
        if (remote == null || remote.getAddress() == null) {
            throw new java.net.UnknownHostException("the session has no client address");
        }
        InetAddress client = clientAddress(remote.getAddress(), translators);
        String helo = session.getAttachment(SMTPSession.CURRENT_HELO_NAME, State.Connection)
                .filter(h -> !h.isBlank()).orElse("");
        String mailFrom = mail.getMaybeSender().asOptional().map(MailAddress::asString).orElse("");
        Optional<String> user = Optional.ofNullable(session.getUsername()).map(org.apache.james.core.Username::asString)
                .filter(u -> !u.isBlank());
        return new Envelope(client, helo, mailFrom, mail.getRecipients().stream().map(MailAddress::asString).toList(),
                user);
    }

    /**
     * The end-of-DATA run (null: {@link #NO_WAIT}), the octets of the message it reads (null when it reads none), and
     * whether it reads the header section alone. A message checked from its header section whose body was streamed
     * (its DKIM and ARC body hashes) holds the wait taken for that ({@code streamedWith}, closed at the end of DATA)
     * and its SHA-256 made in the same pass ({@code binding}): its results are stored for MailAuthCheck, bound by it.
     * One whose body was not streamed has no binding: its results are not stored (review s18 L1: binding them would
     * be a pass over all of it on an I/O thread, where MailAuthCheck reads its header section alone).
     */
    private record Started(CheckRun run, byte[] message, boolean headerOnly, Waits.Wait streamedWith,
                           String binding) {
        Started(CheckRun run, byte[] message) {
            this(run, message, false, null, null);
        }

        /** Not started: its body needed streaming on this I/O thread, and no wait was free for that. */
        static final Started NO_WAIT = new Started(null, null, true, null, null);

        boolean noWait() {
            return run == null;
        }
    }

    /** Whether the mail's message is over maxCheckedSize: checked from its header section alone. */
    private boolean headerOnly(Mail mail) {
        return settings.maxCheckedSize().exceededBy(messageSize(mail));
    }

    /**
     * What reading the mail's message whole holds of {@code maxCheckedTotal} (nothing when it is not read whole: no
     * check needs it, or it is over maxCheckedSize); null when the budget has no room for it (never waits).
     */
    private WholeReadBudget.Hold wholeRead(Mail mail) {
        if (!settings.options().needsMessage()) {
            return WholeReadBudget.Hold.NONE;
        }
        long size = messageSize(mail);
        return settings.maxCheckedSize().exceededBy(size) ? WholeReadBudget.Hold.NONE
                : settings.maxCheckedTotal().tryHold(size, settings.maxCheckedSize());
    }

    /**
     * The end-of-DATA run; {@code hold} is what {@link #wholeRead} gave: null when {@code maxCheckedTotal} has no room
     * for the message, then checked as one over maxCheckedSize.
     */
    private Started start(SessionChecks checks, Envelope envelope, Mail mail, WholeReadBudget.Hold hold) {
        if (!settings.options().needsMessage()) {
            return new Started(checks.endOfData(envelope, null), null);
        }
        // never read a message over maxCheckedSize whole (MailAuthCheck's bound, the same parameter): its header
        // section alone is checked, as MailAuthCheck checks it, so memory stays bounded whatever its size
        long size = messageSize(mail);
        if (settings.maxCheckedSize().exceededBy(size)) {
            return overMaxChecked(checks, envelope, mail, size);
        }
        if (hold == null) {
            // the messages read whole at once are bounded JVM-wide (the budget logs at INFO once a minute)
            LOGGER.debug("SessionAuthCheck: mail {}: {}; checked from its header section", mail.getName(),
                    settings.maxCheckedTotal().reason(size));
            return startHeaderOnly(checks, envelope, mail, settings.maxCheckedTotal().reason(size));
        }
        try {
            byte[] message;
            if (size < 0) {
                // a size not known beforehand: read whole only within maxCheckedSize (review s18 L2)
                java.util.Optional<byte[]> within = MimeMessageBytes.ofAtMost(mail.getMessage(),
                        settings.maxCheckedSize().octets());
                if (within.isEmpty()) {
                    return overMaxChecked(checks, envelope, mail, size);
                }
                message = within.get();
            } else {
                message = MimeMessageBytes.of(mail.getMessage());
            }
            return new Started(checks.endOfData(envelope, message), message);
        } catch (javax.mail.MessagingException | java.io.IOException | RuntimeException e) {
            LOGGER.warn("SessionAuthCheck: mail {} unreadable: {}", mail.getName(), e.toString());
            return new Started(checks.endOfDataUnreadable(envelope, "message unreadable: " + e.getMessage()), null);
        }
    }

    /**
     * A message over maxCheckedSize (or of unknown size found over it): checked from its header section, as
     * MailAuthCheck checks it, its body streamed once for the DKIM and ARC body hashes (outside the session's lock),
     * so memory stays bounded whatever its size and the signatures get their real verdict.
     */
    private Started overMaxChecked(SessionChecks checks, Envelope envelope, Mail mail, long size) {
        LOGGER.info("SessionAuthCheck: mail {}: {}; checked from its header section, its body streamed for DKIM and"
                + " ARC", mail.getName(), settings.maxCheckedSize().reason(size));
        return startHeaderOnly(checks, envelope, mail, settings.maxCheckedSize().reason(size));
    }

    /**
     * {@link #overMaxChecked}, also for a message {@code maxCheckedTotal} leaves no room to read whole; {@code reason}
     * says why it is not read whole.
     */
    private Started startHeaderOnly(SessionChecks checks, Envelope envelope, Mail mail, String reason) {
        String why = reason + ": body not verified";
        Waits.Wait wait = null;
        try {
            // not clean (no end within the bound, or not CRLF lines alone): DMARC fails closed (review s18), and
            // the signatures are not verified
            javax.mail.internet.MimeMessage message = mail.getMessage();
            MimeMessageBytes.HeaderSection header = MimeMessageBytes.readHeaderSection(message,
                    dev.authpack.mail.MessageLimits.DEFAULT_MAX_HEADER_BYTES);
            MessageBinding.Digesting stream = MessageBinding.digesting(MimeMessageBytes.stream(message));
            if (checker.hashesBody(header.octets(), header.clean(), settings.options())) {
                // streaming the body blocks this I/O thread as a wait does: only with one of the waits, held until
                // the end of DATA (the check's wait, if any, is that one); none free: as a check not waited for
                wait = waits.tryTakeForWork(envelope.clientIp());
                if (wait == null) {
                    LOGGER.info("SessionAuthCheck: no wait free ({}) to stream the body of mail {} from <{}>",
                            waitLimits(), mail.getName(), LogText.of(envelope.mailFrom()));
                    return Started.NO_WAIT;
                }
            }
            StreamedBody body;
            try {
                body = checker.hashBody(header.octets(), header.clean(), settings.options(), stream);
            } finally {
                if (wait != null) {
                    wait.workDone();
                }
            }
            if (body.problem() != null) {
                LOGGER.warn("SessionAuthCheck: mail {}: body not hashed: {}", mail.getName(), body.problem());
            }
            String binding = body.hashes() == null || body.problem() != null ? null : stream.digest().orElse(null);
            Started started = new Started(checks.endOfDataHeaderOnly(envelope, header.octets(), header.clean(), why,
                    body), null, true, wait, binding);
            wait = null;
            return started;
        } catch (javax.mail.MessagingException | java.io.IOException | RuntimeException e) {
            LOGGER.warn("SessionAuthCheck: mail {} unreadable: {}", mail.getName(), e.toString());
            Started unreadable = new Started(checks.endOfDataUnreadable(envelope, "message unreadable: "
                    + e.getMessage()), null, false, wait, null);
            wait = null;
            return unreadable;
        } finally {
            // not handed to a Started (which frees it at the end of DATA): an Error while the body was streamed
            // (OutOfMemoryError), or endOfDataUnreadable threw; freed here, else it was held for good (review s20)
            if (wait != null) {
                wait.close();
            }
        }
    }

    /** Tests: the waits free now. */
    int freeWaits() {
        return waits.free();
    }

    /** The wait limits, for the log. */
    private String waitLimits() {
        return "maxWaiting " + limits.maxWaiting() + ", " + limits.maxWaitingPerClient() + " per client, "
                + limits.maxWaitingPerNetwork() + " per network";
    }

    /**
     * The session's client address as checked ({@link #clientAddress}), for the early checks and the quotas; null
     * when James does not know it or it cannot be read.
     */
    private InetAddress client(SMTPSession session) {
        InetSocketAddress remote = session.getRemoteAddress();
        if (remote == null || remote.getAddress() == null) {
            return null;
        }
        try {
            return clientAddress(remote.getAddress(), settings.options().translatorPrefixes());
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }

    /**
     * The address MailAuthCheck reads from James' remote address ({@link MailEnvelopes#of(Mail, TranslatorPrefixes)}):
     * an IPv4 address as it is; any other through the mailet's reading of its text (IPv4-mapped IPv6 to IPv4, no
     * zone), then through the translator prefixes (an IPv4 client of the operator's SIIT/NAT64 translator is its
     * IPv4 address, RFC 6052), so that the session and MailAuthCheck see the same client.
     */
    private static InetAddress clientAddress(InetAddress address, TranslatorPrefixes translators)
            throws java.net.UnknownHostException {
        return address instanceof java.net.Inet4Address ? address
                : translators.client(MailEnvelopes.literal(address.getHostAddress()));
    }

    /** RFC 5321 §3.9 / local policy: clients that authenticated or may relay are ours; never refused. */
    private static boolean exempt(SMTPSession session) {
        return session.getUsername() != null || session.isRelayingAllowed();
    }

    /** The session's checks, begun now if HELO/EHLO did not begin them. */
    private SessionChecks checks(SMTPSession session) {
        Optional<SessionChecks> existing = session.getAttachment(CHECKS, State.Connection);
        if (existing.isPresent()) {
            return existing.get();
        }
        SessionChecks created = SessionChecks.connected(checker, resolver, settings.options(), client(session),
                queries);
        session.setAttachment(CHECKS, created, State.Connection);
        return created;
    }
}
