package dev.authpack.james.smtp;

import dev.authpack.arc.ArcVerifier;
import dev.authpack.check.MailAuthChecker;
import dev.authpack.dkim.DkimVerifier;
import dev.authpack.dmarc.DmarcEvaluator;
import dev.authpack.dns.DnsLookup;
import dev.authpack.dns.DnsOutcome;
import dev.authpack.dns.CachingDnsResolver;
import dev.authpack.dns.DnsResolver;
import dev.authpack.dns.DnsjavaResolver;
import dev.authpack.dns.MxHost;
import dev.authpack.dns.ZoneFileResolver;
import dev.authpack.iprev.IprevChecker;
import dev.authpack.james.MailAttributes;
import dev.authpack.james.MimeMessageBytes;
import dev.authpack.james.PendingChecks;
import dev.authpack.james.SessionCheckedMail;
import dev.authpack.spf.SpfChecker;
import dev.authpack.testkit.dns.LoopbackDnsServer;
import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.core.Username;
import org.apache.james.protocols.api.BaseRequest;
import dev.authpack.check.SessionChecks;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SessionAuthCheckTest {
    /** reject.example's signing key, published at big._domainkey.reject.example. */
    static final dev.authpack.dkim.DkimSigningKey KEY = key();
    static final String ZONE = """
            $ORIGIN .
            $TTL 300
            ok.example. IN TXT "v=spf1 ip4:192.0.2.1 -all"
            _dmarc.ok.example. IN TXT "v=DMARC1; p=reject"
            reject.example. IN TXT "v=spf1 ip4:192.0.2.1 -all"
            _dmarc.reject.example. IN TXT "v=DMARC1; p=reject"
            quar.example. IN TXT "v=spf1 -all"
            _dmarc.quar.example. IN TXT "v=DMARC1; p=quarantine"
            other.example. IN TXT "v=spf1 -all"
            flakydmarc.example. IN TXT "v=spf1 -all"
            1.2.0.192.in-addr.arpa. IN PTR mx.ok.example.
            mx.ok.example. IN A 192.0.2.1
            """ + "big._domainkey.reject.example. IN TXT \"" + KEY.publicKeyRecord() + "\"\n";

    private static dev.authpack.dkim.DkimSigningKey key() {
        try {
            byte[] seed = new byte[32];
            java.util.Arrays.fill(seed, (byte) 19);
            return dev.authpack.dkim.DkimKeys.ed25519(seed);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Records every question, answers from the zone. */
    static final class Counting implements DnsResolver {
        final List<String> asked = new CopyOnWriteArrayList<>();
        private final DnsResolver zone = new ZoneFileResolver(ZONE)
                .withFailure("flaky.example", DnsOutcome.TEMP_FAILURE)
                .withFailure("_dmarc.flakydmarc.example", DnsOutcome.TEMP_FAILURE);

        private <T> T asked(String question, T answer) {
            asked.add(question);
            return answer;
        }

        @Override public CompletableFuture<DnsLookup<String>> txt(String n) { return asked("TXT " + n, zone.txt(n)); }
        @Override public CompletableFuture<DnsLookup<InetAddress>> a(String n) { return asked("A " + n, zone.a(n)); }
        @Override public CompletableFuture<DnsLookup<InetAddress>> aaaa(String n) {
            return asked("AAAA " + n, zone.aaaa(n));
        }
        @Override public CompletableFuture<DnsLookup<MxHost>> mx(String n) { return asked("MX " + n, zone.mx(n)); }
        @Override public CompletableFuture<DnsLookup<String>> ptr(InetAddress ip) {
            return asked("PTR " + ip.getHostAddress(), zone.ptr(ip));
        }
    }

    private final Counting dns = new Counting();

    /** Answers nothing until {@link #open}: then every question held and every later one, from {@code zone}. */
    static final class Gated implements DnsResolver {
        private final DnsResolver zone;
        private final List<Runnable> held = new ArrayList<>();
        private boolean open;

        Gated(DnsResolver zone) {
            this.zone = zone;
        }

        private <T> CompletableFuture<DnsLookup<T>> hold(java.util.function.Supplier<CompletableFuture<DnsLookup<T>>> q) {
            CompletableFuture<DnsLookup<T>> answer = new CompletableFuture<>();
            Runnable pass = () -> q.get().whenComplete((v, e) -> answer.complete(v));
            synchronized (this) {
                if (!open) {
                    held.add(pass);
                    return answer;
                }
            }
            pass.run();
            return answer;
        }

        void open() {
            List<Runnable> now;
            synchronized (this) {
                open = true;
                now = new ArrayList<>(held);
                held.clear();
            }
            now.forEach(Runnable::run);
        }

        synchronized int held() {
            return held.size();
        }

        @Override public CompletableFuture<DnsLookup<String>> txt(String n) { return hold(() -> zone.txt(n)); }
        @Override public CompletableFuture<DnsLookup<InetAddress>> a(String n) { return hold(() -> zone.a(n)); }
        @Override public CompletableFuture<DnsLookup<InetAddress>> aaaa(String n) { return hold(() -> zone.aaaa(n)); }
        @Override public CompletableFuture<DnsLookup<MxHost>> mx(String n) { return hold(() -> zone.mx(n)); }
        @Override public CompletableFuture<DnsLookup<String>> ptr(InetAddress ip) { return hold(() -> zone.ptr(ip)); }
    }

    private SessionAuthCheck hook(String... parameters) throws ConfigurationException {
        return hook(dns, parameters);
    }

    static SessionAuthCheck hook(DnsResolver dns, String... parameters) throws ConfigurationException {
        MailAuthChecker checker = new MailAuthChecker(new SpfChecker(dns), new IprevChecker(dns), new DkimVerifier(dns),
                new DmarcEvaluator(dns), new ArcVerifier(dns));
        SessionAuthCheck hook = new SessionAuthCheck(settings -> checker, settings -> dns);
        BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
        config.addProperty("[@class]", SessionAuthCheck.class.getName());
        config.addProperty("serverId", "mx.test");
        for (int i = 0; i < parameters.length; i += 2) {
            config.addProperty(parameters[i], parameters[i + 1]);
        }
        hook.init(config);
        return hook;
    }

    /** An SMTPSession that answers what the hook asks. */
    static SMTPSession session(String clientIp, String user, boolean relayingAllowed) throws Exception {
        InetSocketAddress remote = clientIp == null ? null
                : new InetSocketAddress(InetAddress.getByName(clientIp), 40000);
        Map<String, Object> attachments = new HashMap<>();
        attachments.put(SMTPSession.CURRENT_HELO_NAME + "/" + "Connection", "mx.ok.example");
        return (SMTPSession) Proxy.newProxyInstance(SMTPSession.class.getClassLoader(),
                new Class<?>[] {SMTPSession.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getRemoteAddress" -> remote;
                    case "getUsername" -> user == null ? null : Username.of(user);
                    case "getSessionID" -> "test-session";
                    case "isRelayingAllowed" -> relayingAllowed;
                    case "getAttachment" -> Optional.ofNullable(attachments.get(args[0] + "/" + args[1]));
                    case "setAttachment" -> Optional.ofNullable(attachments.put(args[0] + "/" + args[2], args[1]));
                    case "removeAttachment" -> Optional.ofNullable(attachments.remove(args[0] + "/" + args[1]));
                    // James' SMTPSessionImpl: set by its ReceivedDataLineFilter, reset with the transaction
                    case "headerComplete" -> attachments.containsKey("headerComplete");
                    case "setHeaderComplete" -> {
                        if ((Boolean) args[0]) {
                            attachments.put("headerComplete", true);
                        } else {
                            attachments.remove("headerComplete");
                        }
                        yield null;
                    }
                    case "toString" -> "FakeSMTPSession";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    static byte[] message(String from) {
        return ("From: a@" + from + "\r\nTo: b@example.net\r\nSubject: hi\r\n\r\n.leading dot\r\nbody\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** The reply to MAIL FROM, or the one at the end of DATA; lines sent dot-stuffed through the filter. */
    private record Transaction(HookResult mailFrom, HookResult endOfData, Mail mail, int askedBeforeEndOfData) {
    }

    private Transaction send(SessionAuthCheck hook, SMTPSession session, String mailFrom, byte[] message)
            throws Exception {
        return send(hook, session, mailFrom, message, true);
    }

    private Transaction send(SessionAuthCheck hook, SMTPSession session, String mailFrom, byte[] message,
                             boolean settle) throws Exception {
        hook.doHelo(session, "mx.ok.example");
        HookResult atMail = hook.doMail(session, MaybeSender.of(new MailAddress(mailFrom)));
        if (atMail.getResult().getAction() != HookReturnCode.Action.DECLINED) {
            return new Transaction(atMail, null, null, dns.asked.size());
        }
        List<byte[]> seen = new ArrayList<>();
        String text = new String(message, StandardCharsets.US_ASCII);
        session.setHeaderComplete(false);   // James' resetState at the end of the previous transaction
        for (String line : text.split("(?<=\r\n)")) {
            String stuffed = line.startsWith(".") ? "." + line : line;
            hook.onLine(session, stuffed.getBytes(StandardCharsets.US_ASCII), (s, l) -> {
                // James' ReceivedDataLineFilter, after the hook, marks the header complete at the empty line
                if (!s.headerComplete() && (l.length == 2 && l[0] == '\r' || l.length == 1 && l[0] == '\n')) {
                    s.setHeaderComplete(true);
                }
                seen.add(l);
                return null;
            });
        }
        hook.onLine(session, ".\r\n".getBytes(StandardCharsets.US_ASCII), (s, l) -> {
            seen.add(l);
            return null;
        });
        assertThat(seen).hasSize(text.split("(?<=\r\n)").length + 1);
        if (settle) {
            Thread.sleep(50);
        }
        int before = dns.asked.size();
        // as at James' end of DATA: the client address, HELO and AUTH user are not on the mail yet (James' own
        // AddDefaultAttributesMessageHook, a core handler, runs after ours): the hook reads them from the session
        FakeMail mail = FakeMail.builder().name("m1").sender(mailFrom).recipient("b@example.net")
                .remoteAddr("127.0.0.1").mimeMessage(MimeMessageBytes.from(message)).build();
        HookResult atEnd = hook.onMessage(session, mail);
        hook.onDisconnect(session);
        SENT.add(mail);
        return new Transaction(atMail, atEnd, mail, before);
    }

    @Test
    void aDmarcRejectFailureIsRefusedAtTheEndOfDataNamingTheDomain() throws Exception {
        Transaction t = send(hook(), session("192.0.2.1", null, false), "x@other.example",
                message("reject.example"));
        assertThat(t.endOfData().getResult()).isEqualTo(HookReturnCode.deny());
        assertThat(t.endOfData().getSmtpRetCode()).isEqualTo("550");
        assertThat(t.endOfData().getSmtpDescription()).startsWith("5.7.1 ").contains("reject.example");
    }

    @Test
    void passingMailIsAcceptedWithItsResultsStoredForMailAuthCheckAndItsLookupsStartedEarly() throws Exception {
        Transaction t = send(hook(), session("192.0.2.1", null, false), "b@ok.example", message("ok.example"));
        assertThat(t.endOfData()).isEqualTo(HookResult.DECLINED);
        assertThat(MailAttributes.results(t.mail()).orElseThrow().toString()).contains("spf", "pass", "dmarc");
        assertThat(MailAttributes.authservId(t.mail())).contains("mx.test");
        // the envelope came from the session: client 192.0.2.1 (iprev pass), its HELO name
        assertThat(MailAttributes.results(t.mail()).orElseThrow().toString()).contains("property=helo, value=mx.ok.example")
                .contains("method=iprev, result=pass");
        assertThat(SessionCheckedMail.results(t.mail(), "mx.test", dev.authpack.check.CheckOptions.ALL))
                .isPresent();
        assertThat(SessionCheckedMail.results(t.mail(), "other.id", dev.authpack.check.CheckOptions.ALL))
                .isEmpty();
        // PTR, SPF (MAIL FROM, HELO), DMARC: all asked before the end of DATA, nothing asked twice
        assertThat(dns.asked).contains("PTR 192.0.2.1", "TXT ok.example", "TXT _dmarc.ok.example");
        assertThat(t.askedBeforeEndOfData()).isEqualTo(dns.asked.size());
        assertThat(dns.asked).doesNotHaveDuplicates();
    }

    /** The session, counting the hook's attachment look-ups. */
    private static SMTPSession counting(SMTPSession session, java.util.concurrent.atomic.AtomicInteger lookups) {
        return (SMTPSession) Proxy.newProxyInstance(SMTPSession.class.getClassLoader(),
                new Class<?>[] {SMTPSession.class}, (proxy, method, args) -> {
                    if (method.getName().endsWith("Attachment")) {
                        lookups.incrementAndGet();
                    }
                    return method.invoke(session, args);
                });
    }

    private static final org.apache.james.protocols.api.handler.LineHandler<SMTPSession> STORED = (s, l) -> null;

    @Test
    void bodyLinesCostNoLookupOnceJamesMarkedTheHeaderCompleteAndAnEmptyLineIsAlwaysOffered() throws Exception {
        SessionAuthCheck hook = hook();
        java.util.concurrent.atomic.AtomicInteger lookups = new java.util.concurrent.atomic.AtomicInteger();
        SMTPSession session = counting(session("192.0.2.1", null, false), lookups);
        hook.doHelo(session, "mx.ok.example");
        hook.doMail(session, MaybeSender.of(new MailAddress("b@ok.example")));
        hook.onLine(session, "From: a@ok.example\r\n".getBytes(StandardCharsets.US_ASCII), STORED);
        hook.onLine(session, "Subject: hi\r\n".getBytes(StandardCharsets.US_ASCII), STORED);
        // a hook placed after James' separation: the mark is set before the empty line reaches the hook
        session.setHeaderComplete(true);
        assertThat(dns.asked).doesNotContain("TXT _dmarc.ok.example");
        hook.onLine(session, "\r\n".getBytes(StandardCharsets.US_ASCII), STORED);
        assertThat(dns.asked).contains("TXT _dmarc.ok.example");   // the header section was collected
        int before = lookups.get();
        for (int i = 0; i < 100; i++) {
            hook.onLine(session, ("body line " + i + " From: x@evil.example\r\n").getBytes(StandardCharsets.US_ASCII),
                    STORED);
        }
        assertThat(lookups.get()).isEqualTo(before);
        hook.onLine(session, "\r\n".getBytes(StandardCharsets.US_ASCII), STORED);   // offered, collects nothing
        assertThat(dns.asked).doesNotContain("TXT _dmarc.evil.example").doesNotHaveDuplicates();
        hook.onDisconnect(session);
    }

    @Test
    void quarantineIsNotRefused() throws Exception {
        Transaction t = send(hook(), session("192.0.2.1", null, false), "x@quar.example", message("quar.example"));
        assertThat(t.endOfData()).isEqualTo(HookResult.DECLINED);
        assertThat(t.mail().getAttribute(MailAttributes.DMARC_DISPOSITION).orElseThrow().getValue().value())
                .isEqualTo("quarantine");
    }

    @Test
    void authenticatedAndRelayingClientsAreNeverRefused() throws Exception {
        Transaction authenticated = send(hook("refuseSpfFail", "mailfrom"), session("192.0.2.1", "alice", false),
                "x@other.example", message("reject.example"));
        assertThat(authenticated.mailFrom()).isEqualTo(HookResult.DECLINED);
        assertThat(authenticated.endOfData()).isEqualTo(HookResult.DECLINED);
        // never refused, so not awaited in the session: MailAuthCheck takes the results
        assertThat(SessionCheckedMail.results(authenticated.mail(), "mx.test", dev.authpack.check.CheckOptions.ALL))
                .isPresent();
        Transaction relaying = send(hook(), session("192.0.2.1", null, true), "x@other.example",
                message("reject.example"));
        assertThat(relaying.endOfData()).isEqualTo(HookResult.DECLINED);
    }

    @Test
    void spfFailIsRefusedAtMailFromWhenStrictAndAtTheEndOfDataWhenSoft() throws Exception {
        Transaction strict = send(hook("refuseSpfFail", "strict", "refuseDmarcReject", "false"),
                session("192.0.2.1", null, false), "x@other.example", message("ok.example"));
        assertThat(strict.mailFrom().getSmtpRetCode()).isEqualTo("550");
        assertThat(strict.mailFrom().getSmtpDescription()).isEqualTo("5.7.23 SPF validation failed for other.example");
        Transaction soft = send(hook("refuseSpfFail", "data", "refuseDmarcReject", "false"),
                session("192.0.2.1", null, false), "x@other.example", message("ok.example"));
        assertThat(soft.mailFrom()).isEqualTo(HookResult.DECLINED);
        assertThat(soft.endOfData().getSmtpRetCode()).isEqualTo("550");
        assertThat(soft.endOfData().getSmtpDescription()).startsWith("5.7.23 ");
        Transaction never = send(hook("refuseDmarcReject", "false"), session("192.0.2.1", null, false),
                "x@other.example", message("ok.example"));
        assertThat(never.endOfData()).isEqualTo(HookResult.DECLINED);
    }

    @Test
    void temperrorIsDeferredOnlyWhenConfigured() throws Exception {
        Transaction accepted = send(hook("refuseSpfFail", "data", "refuseDmarcReject", "false"),
                session("192.0.2.1", null, false), "x@flaky.example", message("ok.example"));
        assertThat(accepted.endOfData()).isEqualTo(HookResult.DECLINED);
        assertThat(MailAttributes.results(accepted.mail()).orElseThrow().toString()).contains("temperror");
        Transaction deferred = send(hook("refuseSpfFail", "data", "temperror", "defer", "refuseDmarcReject", "false"),
                session("192.0.2.1", null, false), "x@flaky.example", message("ok.example"));
        assertThat(deferred.endOfData().getResult()).isEqualTo(HookReturnCode.denySoft());
        assertThat(deferred.endOfData().getSmtpRetCode()).isEqualTo("451");
        assertThat(deferred.endOfData().getSmtpDescription()).startsWith("4.7.24 ");
        Transaction dmarcDeferred = send(hook("temperror", "defer"), session("192.0.2.1", null, false),
                "x@flakydmarc.example", message("flakydmarc.example"));
        assertThat(dmarcDeferred.endOfData().getSmtpRetCode()).isEqualTo("451");
        assertThat(dmarcDeferred.endOfData().getSmtpDescription()).startsWith("4.7.1 ")
                .contains("flakydmarc.example");
        Transaction dmarcAccepted = send(hook(), session("192.0.2.1", null, false), "x@flakydmarc.example",
                message("flakydmarc.example"));
        assertThat(dmarcAccepted.endOfData()).isEqualTo(HookResult.DECLINED);
    }

    @Test
    void noExceptionLeavesAHook() throws Exception {
        SessionAuthCheck hook = hook();
        SMTPSession session = session("192.0.2.1", null, false);
        Mail broken = FakeMail.builder().name("broken").sender("x@other.example").recipient("b@example.net").build();
        assertThat(hook.onMessage(session, broken)).isEqualTo(HookResult.DECLINED);
        Mail noAddress = FakeMail.builder().name("n").sender("x@other.example").recipient("b@example.net")
                .mimeMessage(MimeMessageBytes.from(message("reject.example"))).build();
        assertThat(hook.onMessage(session(null, null, false), noAddress)).isEqualTo(HookResult.DECLINED);
        assertThat(hook.doMail(session, (MaybeSender) null)).isEqualTo(HookResult.DECLINED);
        hook.onDisconnect(session);
        hook.onDisconnect(session);
    }

    @Test
    void badParametersStopJamesWithWhatIsAccepted() {
        assertThatThrownBy(() -> hook("refuseSpfFail", "sometimes")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("never, mailfrom (strict) or data (soft)").hasMessageContaining("sometimes");
        assertThatThrownBy(() -> hook("temperror", "retry")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("accept or defer");
        assertThatThrownBy(() -> hook("refuseDmarcReject", "maybe")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("true or false");
        assertThatThrownBy(() -> hook("spfTimeout", "0")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("spfTimeout must be milliseconds from 1 to");
        assertThatThrownBy(() -> hook("refuseSPFFail", "data")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("unknown parameter(s) [refuseSPFFail]").hasMessageContaining("refuseSpfFail");
    }

    @Test
    void aBadDnsServerSaysBadDnsServersAndWhatIsAccepted() {
        // before: accepted without a word when the resolver came from elsewhere (the one it would use was never built)
        for (String bad : new String[] {"no-such-host.invalid", "127.0.0.1:70000", "[::1]x"}) {
            assertThatThrownBy(() -> hook("dnsServers", bad)).as(bad).isInstanceOf(ConfigurationException.class)
                    .hasMessageStartingWith("SessionAuthCheck: bad dnsServers: ")
                    .hasMessageContaining("accepted: ");
        }
    }

    @Test
    void aLabelOnlyHookDoesNotWaitAtDataAndMailAuthCheckTakesTheSameResultsOnceTheAnswersArrive() throws Exception {
        Gated gated = new Gated(dns);
        SessionAuthCheck labelOnly = hook(gated, "refuseDmarcReject", "false");
        SMTPSession session = session("192.0.2.1", null, false);
        // no DNS answer at all yet: a hook that waited would block until the checks' budgets ran out
        Transaction t = send(labelOnly, session, "b@ok.example", message("ok.example"), false);
        assertThat(t.endOfData()).isEqualTo(HookResult.DECLINED);
        assertThat(gated.held()).isPositive();
        assertThat(MailAttributes.results(t.mail())).isEmpty();
        assertThat(t.mail().getAttribute(SessionCheckedMail.PENDING)).isPresent();
        // the client has left (send() disconnects); the answers arrive afterwards, and the spool takes the checks
        gated.open();
        var results = SessionCheckedMail.results(t.mail(), "mx.test", dev.authpack.check.CheckOptions.ALL)
                .orElseThrow();
        // the same results as a hook that waits, over the same answers
        Transaction awaited = send(hook("refuseDmarcReject", "false", "awaitAtData", "always"),
                session("192.0.2.1", null, false), "b@ok.example", message("ok.example"));
        assertThat(awaited.mail().getAttribute(SessionCheckedMail.PENDING)).isEmpty();
        assertThat(results).isEqualTo(MailAttributes.results(awaited.mail()).orElseThrow());
        assertThat(results.toString()).contains("method=spf, result=pass", "method=dmarc, result=pass",
                "method=iprev, result=pass").doesNotContain("temperror");
        assertThat(t.mail().getAttribute(SessionCheckedMail.PENDING)).isEmpty();
    }

    /**
     * Review s18: the label-only hook hands the octets its checks read over with them, and MailAuthCheck takes the
     * checks only for exactly those octets (one octet changed: checked again); taken, they are stored bound by the
     * message's SHA-256.
     */
    @Test
    void aLabelOnlyHookHandsOverTheOctetsItCheckedAndTheChecksAreTakenOnlyForThem() throws Exception {
        SessionAuthCheck labelOnly = hook("refuseDmarcReject", "false");
        Transaction changed = send(labelOnly, session("192.0.2.1", null, false), "b@ok.example", message("ok.example"));
        assertThat(changed.mail().getAttribute(SessionCheckedMail.PENDING)).isPresent();
        // bound by the octets the table keeps: nothing made at the hand-over
        assertThat(changed.mail().getAttribute(SessionCheckedMail.CHECKED_MESSAGE)).isEmpty();
        byte[] other = MimeMessageBytes.of(changed.mail().getMessage()).clone();
        other[other.length - 3] ^= 1;
        changed.mail().setMessage(MimeMessageBytes.from(other));
        assertThat(SessionCheckedMail.results(changed.mail(), "mx.test", dev.authpack.check.CheckOptions.ALL))
                .isEmpty();
        assertThat(changed.mail().getAttribute(SessionCheckedMail.PENDING)).isEmpty();

        Transaction same = send(labelOnly, session("192.0.2.1", null, false), "b@ok.example", message("ok.example"));
        byte[] octets = MimeMessageBytes.of(same.mail().getMessage());
        same.mail().setMessage(MimeMessageBytes.from(octets.clone()));
        assertThat(SessionCheckedMail.results(same.mail(), "mx.test", dev.authpack.check.CheckOptions.ALL)
                .orElseThrow().toString()).contains("method=dmarc, result=pass");
        assertThat(same.mail().getAttribute(SessionCheckedMail.CHECKED_MESSAGE).orElseThrow().getValue().value())
                .isEqualTo(dev.authpack.james.MessageBinding.digest(octets));
    }

    @Test
    void anEnforcingHookHandsOverOnlyForClientsItNeverRefuses() throws Exception {
        Gated gated = new Gated(dns);
        SessionAuthCheck enforcing = hook(gated);
        Transaction authenticated = send(enforcing, session("192.0.2.1", "alice", false), "x@other.example",
                message("reject.example"), false);
        assertThat(authenticated.endOfData()).isEqualTo(HookResult.DECLINED);
        assertThat(authenticated.mail().getAttribute(SessionCheckedMail.PENDING)).isPresent();
        gated.open();
        assertThat(SessionCheckedMail.results(authenticated.mail(), "mx.test", dev.authpack.check.CheckOptions.ALL)
                .orElseThrow().toString()).contains("method=dmarc, result=fail");
        // an anonymous client is still refused at the end of DATA
        Transaction anonymous = send(enforcing, session("192.0.2.1", null, false), "x@other.example",
                message("reject.example"));
        assertThat(anonymous.endOfData().getSmtpRetCode()).isEqualTo("550");
        assertThat(anonymous.mail().getAttribute(SessionCheckedMail.PENDING)).isEmpty();
    }

    @Test
    void awaitAtDataIsReadAndCheckedAtInit() {
        assertThatThrownBy(() -> hook("awaitAtData", "sometimes")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("awaitAtData must be auto or always");
    }

    /**
     * translatorPrefixes: an IPv4 client of the operator's SIIT/NAT64 translator (192.0.2.1 under the network-specific
     * 2001:db8:122::/48, RFC 6052 §2.2) is checked as its IPv4 address from the start: iprev under in-addr.arpa at
     * EHLO, SPF at MAIL FROM, the envelope at DATA (the same address MailAuthCheck reads, configured alike); the
     * stored results are for a check with the same prefixes only. Without the parameter it is the IPv6 address:
     * SPF fails and the p=reject domain is refused.
     */
    @Test
    void aClientOfAListedTranslatorPrefixIsCheckedAsItsIpv4Address() throws Exception {
        String client = "2001:db8:122:c000:2:100::";
        Transaction plain = send(hook(dns), session(client, null, false), "b@ok.example", message("ok.example"));
        assertThat(plain.endOfData().getSmtpRetCode()).isEqualTo("550");
        dns.asked.clear();
        Transaction t = send(hook(dns, "translatorPrefixes", "2001:db8:122::/48"), session(client, null, false),
                "b@ok.example", message("ok.example"));
        assertThat(t.endOfData()).isEqualTo(HookResult.DECLINED);
        assertThat(MailAttributes.results(t.mail()).orElseThrow().toString())
                .contains("method=iprev, result=pass").contains("method=spf, result=pass")
                .contains("method=dmarc, result=pass").doesNotContain("2001:db8");
        assertThat(dns.asked).contains("PTR 192.0.2.1").noneMatch(q -> q.contains("2001:db8"));
        assertThat(t.askedBeforeEndOfData()).isEqualTo(dns.asked.size());
        dev.authpack.check.CheckOptions alike = dev.authpack.check.CheckOptions.ALL.withTranslatorPrefixes(
                dev.authpack.dns.TranslatorPrefixes.parse("translatorPrefixes", "2001:db8:122::/48"));
        assertThat(SessionCheckedMail.results(t.mail(), "mx.test", dev.authpack.check.CheckOptions.ALL)).isEmpty();
        assertThat(SessionCheckedMail.results(t.mail(), "mx.test", alike)).isPresent();
        FakeMail fromJames = FakeMail.builder().name("e").sender("b@ok.example").recipient("b@example.net")
                .remoteAddr(client).build();
        assertThat(SessionAuthCheck.envelope(session(client, null, false), fromJames, alike.translatorPrefixes())
                .clientIp()).isEqualTo(dev.authpack.james.MailEnvelopes.of(fromJames, alike.translatorPrefixes())
                .clientIp()).isEqualTo(InetAddress.getByName("192.0.2.1"));
    }

    @Test
    void aBadTranslatorPrefixStopsInit() {
        assertThatThrownBy(() -> hook(dns, "translatorPrefixes", "64:ff9b::/97"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("translatorPrefixes")
                .hasMessageContaining("32, 40, 48, 56, 64 or 96");
    }

    /** The session's client is the one MailAuthCheck reads from James' remote address (MailEnvelopes), any family. */
    @Test
    void theSessionsClientIsTheOneTheMailetReadsForEveryAddressFamily() throws Exception {
        for (String ip : new String[] {"192.0.2.1", "::ffff:192.0.2.7", "2001:db8::1", "fe80::1%1"}) {
            SMTPSession session = session(ip, null, false);
            Mail mail = FakeMail.builder().name("e").sender("a@ok.example").recipient("b@example.net")
                    .remoteAddr(session.getRemoteAddress().getAddress().getHostAddress()).build();
            assertThat(SessionAuthCheck.envelope(session, mail).clientIp()).as(ip)
                    .isEqualTo(dev.authpack.james.MailEnvelopes.of(mail).clientIp())
                    .satisfies(a -> assertThat(a.getHostAddress()).doesNotContain("%"));
        }
    }

    /**
     * Review F1 through the hook: one client pipelines RSET + MAIL FROM at names whose servers never answer, never
     * sending DATA, against a resolver of 8 transport slots; another client then sends a message spoofing a
     * {@code p=reject} domain under a random label. It must be refused (550 5.7.1), not accepted as a temperror.
     */
    @Test
    void anRsetAndMailFromLoopAtSilentNamesDoesNotGetASpoofedRejectAccepted() throws Exception {
        try (LoopbackDnsServer server = LoopbackDnsServer.builder().zoneText("""
                $ORIGIN .
                $TTL 300
                victim.example. IN TXT "v=spf1 ip4:203.0.113.0/24 -all"
                _dmarc.victim.example. IN TXT "v=DMARC1; p=reject"
                """).start()) {
            server.drop("*.blackhole.example");
            DnsjavaResolver network = new DnsjavaResolver(List.of(server.address()), Duration.ofSeconds(4), 8);
            SessionAuthCheck hook = hook(new CachingDnsResolver(network));
            SMTPSession attacker = session("198.51.100.66", null, false);
            hook.doHelo(attacker, "h.example");
            for (int i = 0; i < 100; i++) {
                hook.doMail(attacker, MaybeSender.of(new MailAddress("x@n" + i + ".blackhole.example")));
                rset(hook, attacker);
            }
            Transaction victim = send(hook, session("192.0.2.44", null, false), "x@spoof.example",
                    message("r4711.victim.example"));
            assertThat(victim.endOfData()).as(String.valueOf(MailAttributes.results(victim.mail())))
                    .isNotEqualTo(HookResult.DECLINED);
            assertThat(victim.endOfData().getSmtpRetCode()).isEqualTo("550");
            assertThat(victim.endOfData().getSmtpDescription()).startsWith("5.7.1 ").contains("r4711.victim.example");
            hook.onDisconnect(attacker);
        }
    }

    /** RSET as James dispatches it: the hook's command handler first (it answers nothing), then James' own. */
    private static void rset(SessionAuthCheck hook, SMTPSession session) {
        assertThat(hook.onCommand(session, new BaseRequest("RSET", null))).isNull();
        session.removeAttachment(SessionAuthCheck.HEADER, State.Transaction);   // James' resetState
    }

    /** Never answers; keeps every future it hands out. */
    static final class Silent implements DnsResolver {
        final List<CompletableFuture<?>> handedOut = new CopyOnWriteArrayList<>();

        private <T> CompletableFuture<DnsLookup<T>> never() {
            CompletableFuture<DnsLookup<T>> f = new CompletableFuture<>();
            handedOut.add(f);
            return f;
        }

        @Override public CompletableFuture<DnsLookup<String>> txt(String n) { return never(); }
        @Override public CompletableFuture<DnsLookup<InetAddress>> a(String n) { return never(); }
        @Override public CompletableFuture<DnsLookup<InetAddress>> aaaa(String n) { return never(); }
        @Override public CompletableFuture<DnsLookup<MxHost>> mx(String n) { return never(); }
        @Override public CompletableFuture<DnsLookup<String>> ptr(InetAddress ip) { return never(); }

        long open() {
            return handedOut.stream().filter(f -> !f.isDone()).count();
        }
    }

    @Test
    void rsetEndsTheTransactionsLookupsAndLeavesTheReplyToJames() throws Exception {
        Silent silent = new Silent();
        SessionAuthCheck hook = hook(silent);
        assertThat(hook.getImplCommands()).containsExactly("RSET");
        SMTPSession session = session("192.0.2.1", null, false);
        hook.doHelo(session, "mx.ok.example");
        assertThat(silent.open()).isEqualTo(1);   // iprev's PTR
        hook.doMail(session, MaybeSender.of(new MailAddress("x@one.example")));
        assertThat(silent.open()).isEqualTo(3);   // and SPF for MAIL FROM and HELO
        // an RSET with an argument is a syntax error for James, who keeps the transaction: so does the hook
        assertThat(hook.onCommand(session, new BaseRequest("RSET", "now"))).isNull();
        assertThat(silent.open()).isEqualTo(3);
        rset(hook, session);
        assertThat(silent.open()).as("the transaction's queries are cancelled, the connection's stay").isEqualTo(1);
        // a second EHLO resets the transaction too
        hook.doMail(session, MaybeSender.of(new MailAddress("x@two.example")));
        assertThat(silent.open()).isEqualTo(3);
        hook.doHelo(session, "mx.ok.example");
        assertThat(silent.open()).isEqualTo(1);
        hook.onDisconnect(session);
        assertThat(silent.open()).isZero();
        // an RSET before any command, or after the session closed: nothing to end, no error
        assertThat(hook.onCommand(session("192.0.2.1", null, false), new BaseRequest("RSET", null))).isNull();
    }

    @Test
    void pastThreeTransactionsWithoutAMessageMailFromStartsNoLookupsButStrictSpfIsStillRefused() throws Exception {
        SessionAuthCheck hook = hook();
        SMTPSession session = session("192.0.2.1", null, false);
        hook.doHelo(session, "mx.ok.example");
        for (int i = 0; i < 10; i++) {
            hook.doMail(session, MaybeSender.of(new MailAddress("x@n" + i + ".example")));
            rset(hook, session);
        }
        assertThat(dns.asked).filteredOn(q -> q.startsWith("TXT n")).containsExactly("TXT n0.example",
                "TXT n1.example", "TXT n2.example");
        hook.onDisconnect(session);
        // refuseSpfFail=mailfrom awaits SPF at MAIL FROM: started whatever the count, so still refused
        SessionAuthCheck strict = hook("refuseSpfFail", "mailfrom");
        SMTPSession looping = session("192.0.2.1", null, false);
        strict.doHelo(looping, "mx.ok.example");
        for (int i = 0; i < 10; i++) {
            strict.doMail(looping, MaybeSender.of(new MailAddress("x@m" + i + ".example")));
            rset(strict, looping);
        }
        HookResult refused = strict.doMail(looping, MaybeSender.of(new MailAddress("x@other.example")));
        assertThat(refused.getSmtpRetCode()).isEqualTo("550");
        assertThat(refused.getSmtpDescription()).startsWith("5.7.23 ");
        strict.onDisconnect(looping);
        // and a message after the loop gets the plain check's results, SPF run at the end of DATA
        Transaction t = send(hook(), session, "b@ok.example", message("ok.example"));
        assertThat(MailAttributes.results(t.mail()).orElseThrow().toString()).contains("method=spf, result=pass",
                "method=dmarc, result=pass");
    }

    @Test
    void aLineWithOneLeadingDotIsKeptAsJamesKeepsItAndStartsNoLookup() throws Exception {
        SessionAuthCheck hook = hook();
        SMTPSession session = session("192.0.2.1", null, false);
        hook.doHelo(session, "mx.ok.example");
        hook.doMail(session, MaybeSender.of(new MailAddress("b@ok.example")));
        // as sent on the wire: not dot-stuffed by the client, so James stores ".From" and ".DKIM-Signature" fields
        for (String line : new String[] {"From: a@ok.example\r\n", ".From: x@dot-from.example\r\n",
                ".DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=dot-sig.example; s=sel; h=from;"
                        + " bh=AAAA; b=AAAA\r\n",
                "..From: y@stuffed.example\r\n", "\r\n"}) {
            hook.onLine(session, line.getBytes(StandardCharsets.US_ASCII), STORED);
        }
        assertThat(dns.asked).contains("TXT _dmarc.ok.example")
                .doesNotContain("TXT _dmarc.dot-from.example", "TXT sel._domainkey.dot-sig.example")
                // a stuffed ".From" line is ".From" for James as well: a field no reader sees as From
                .doesNotContain("TXT _dmarc.stuffed.example");
        hook.onDisconnect(session);
    }

    /** Never answers for names under {@code blackhole.example}; every other question from {@code zone}. */
    static final class Blackholed implements DnsResolver {
        private final DnsResolver zone;
        private final Silent silent = new Silent();

        Blackholed(DnsResolver zone) {
            this.zone = zone;
        }

        private DnsResolver of(String name) {
            return name.endsWith("blackhole.example") || name.endsWith("blackhole.example.") ? silent : zone;
        }

        @Override public CompletableFuture<DnsLookup<String>> txt(String n) { return of(n).txt(n); }
        @Override public CompletableFuture<DnsLookup<InetAddress>> a(String n) { return of(n).a(n); }
        @Override public CompletableFuture<DnsLookup<InetAddress>> aaaa(String n) { return of(n).aaaa(n); }
        @Override public CompletableFuture<DnsLookup<MxHost>> mx(String n) { return of(n).mx(n); }
        @Override public CompletableFuture<DnsLookup<String>> ptr(InetAddress ip) { return zone.ptr(ip); }
    }

    /**
     * Answers from {@code zone}, but {@code millis} late (on another thread, as a network resolver would): a check
     * over these names is not finished when the end of DATA starts it, so it needs one of the waits.
     */
    static final class Delayed implements DnsResolver {
        private final DnsResolver zone;
        private final java.util.concurrent.Executor later;

        Delayed(DnsResolver zone, long millis) {
            this.zone = zone;
            this.later = CompletableFuture.delayedExecutor(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
        }

        private <T> CompletableFuture<DnsLookup<T>> late(CompletableFuture<DnsLookup<T>> answer) {
            return answer.thenApplyAsync(a -> a, later);
        }

        @Override public CompletableFuture<DnsLookup<String>> txt(String n) { return late(zone.txt(n)); }
        @Override public CompletableFuture<DnsLookup<InetAddress>> a(String n) { return late(zone.a(n)); }
        @Override public CompletableFuture<DnsLookup<InetAddress>> aaaa(String n) { return late(zone.aaaa(n)); }
        @Override public CompletableFuture<DnsLookup<MxHost>> mx(String n) { return late(zone.mx(n)); }
        @Override public CompletableFuture<DnsLookup<String>> ptr(InetAddress ip) { return late(zone.ptr(ip)); }
    }

    /** A hook over {@code dns} whose checks have the given budget for every check (not the 25 s defaults). */
    static SessionAuthCheck hookWithBudget(DnsResolver dns, Duration budget, String... parameters)
            throws ConfigurationException {
        MailAuthChecker checker = checkerWithBudget(dns, budget);
        return configured(new SessionAuthCheck(settings -> checker, settings -> dns), parameters);
    }

    /** A checker whose checks have {@code budget} each, over {@code dns}. */
    static MailAuthChecker checkerWithBudget(DnsResolver dns, Duration budget) {
        return MailAuthChecker.create(dns, dev.authpack.check.CheckerSettings.defaults("mx.test")
                .withTimeouts(new dev.authpack.check.CheckTimeouts(budget, budget, budget, budget)));
    }

    /** {@code hook} initialised with {@code serverId=mx.test} and {@code parameters} (name, value, ...). */
    static SessionAuthCheck configured(SessionAuthCheck hook, String... parameters) throws ConfigurationException {
        BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
        config.addProperty("serverId", "mx.test");
        for (int i = 0; i < parameters.length; i += 2) {
            config.addProperty(parameters[i], parameters[i + 1]);
        }
        hook.init(config);
        return hook;
    }

    /** The DATA lines of {@code message} through the hook, then its end of DATA; the reply. */
    static HookResult data(SessionAuthCheck hook, SMTPSession session, String mailFrom, byte[] message,
                                   long size) throws Exception {
        session.setHeaderComplete(false);
        for (String line : new String(message, StandardCharsets.US_ASCII).split("(?<=\r\n)")) {
            String stuffed = line.startsWith(".") ? "." + line : line;
            hook.onLine(session, stuffed.getBytes(StandardCharsets.US_ASCII), STORED);
        }
        FakeMail mail = FakeMail.builder().name("m-" + mailFrom).sender(mailFrom).recipient("b@example.net")
                .size(size).mimeMessage(MimeMessageBytes.from(message)).build();
        lastMail = mail;
        SENT.add(mail);
        return hook.onMessage(session, mail);
    }

    static volatile Mail lastMail;
    /** The mails of this class's tests: their checks handed over are dropped after each test. */
    private static final List<Mail> SENT = new CopyOnWriteArrayList<>();

    /**
     * Drops the checks the test handed over ({@link PendingChecks#shared()}, one table for the JVM): nothing takes
     * them here, and left until their deadline (up to the 40 s budget and grace) they took room from, then gave it
     * back in the middle of, a later class's test of the table's byte bound (SessionClientQuotasTest).
     */
    @AfterEach
    void dropHandedOver() {
        for (Mail mail : SENT) {
            mail.getAttribute(SessionCheckedMail.PENDING)
                    .ifPresent(token -> PendingChecks.shared().discard(token.getValue().value().toString()));
        }
        SENT.clear();
    }

    /** {@code call} on another thread, which must return within {@code limit}. */
    static <T> T within(Duration limit, java.util.concurrent.Callable<T> call) throws Exception {
        var executor = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            return executor.submit(call).get(limit.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } finally {
            executor.shutdownNow();
        }
    }

    static void awaitTaken(SessionAuthCheck hook) throws InterruptedException {
        // the waiting threads have reached their waits (no assertion here: the replies below are what is tested)
        for (int i = 0; i < 100 && hook.freeWaits() > 0; i++) {
            Thread.sleep(10);
        }
        Thread.sleep(200);
    }

    /**
     * Review F2 at MAIL FROM: with {@code refuseSpfFail=mailfrom}, the attacker's MAIL FROMs at a name whose servers
     * never answer hold every wait; another client's MAIL FROM, whose SPF answers take 300 ms, must be answered at
     * once (not after the SPF budget) and its SPF fail still refused, at the end of DATA. A MAIL FROM wait never
     * lasts longer than mailFromWait. (Waits do not yield here: the other messages come well within
     * waitYieldAfter, 2999 ms.)
     */
    @Test
    void withEveryWaitTakenAMailFromGoesOnAtOnceAndItsSpfFailIsRefusedAtTheEndOfData() throws Exception {
        Blackholed blackholed = new Blackholed(new Delayed(dns, 300));
        SessionAuthCheck hook = hookWithBudget(blackholed, Duration.ofSeconds(25), "refuseSpfFail", "mailfrom",
                "refuseDmarcReject", "false", "maxWaiting", "1", "mailFromWait", "3000", "waitYieldAfter", "2999");
        SMTPSession attacker = session("198.51.100.66", null, false);
        hook.doHelo(attacker, "h.example");
        long started = System.nanoTime();
        var held = CompletableFuture.supplyAsync(() -> {
            try {
                return hook.doMail(attacker, MaybeSender.of(new MailAddress("a@x.blackhole.example")));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        awaitTaken(hook);
        SMTPSession other = session("192.0.2.1", null, false);
        hook.doHelo(other, "mx.ok.example");
        HookResult atMail = within(Duration.ofSeconds(1),
                () -> hook.doMail(other, MaybeSender.of(new MailAddress("x@other.example"))));
        assertThat(atMail).isEqualTo(HookResult.DECLINED);
        // its end of DATA, while the wait is still taken: a temporary refusal at once, never an unchecked 250
        HookResult busy = within(Duration.ofSeconds(1),
                () -> data(hook, other, "x@other.example", message("ok.example"), 100));
        assertThat(busy.getResult()).isEqualTo(HookReturnCode.denySoft());
        assertThat(busy.getSmtpRetCode()).isEqualTo("451");
        assertThat(busy.getSmtpDescription()).startsWith("4.7.1 ");
        // it tries again, still while the wait is taken: MAIL FROM goes on at once, undecided
        SMTPSession retry = session("192.0.2.1", null, false);
        hook.doHelo(retry, "mx.ok.example");
        assertThat(within(Duration.ofSeconds(1),
                () -> hook.doMail(retry, MaybeSender.of(new MailAddress("x@other.example")))))
                .isEqualTo(HookResult.DECLINED);
        // the attacker's MAIL FROM gives up after mailFromWait (3 s), not the SPF budget (26 s)
        assertThat(held.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(HookResult.DECLINED);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(6));
        // the wait is free again: the SPF fail left from MAIL FROM is refused at the end of DATA
        HookResult refused = within(Duration.ofSeconds(5),
                () -> data(hook, retry, "x@other.example", message("ok.example"), 100));
        assertThat(refused.getSmtpRetCode()).isEqualTo("550");
        assertThat(refused.getSmtpDescription()).isEqualTo("5.7.23 SPF validation failed for other.example");
        // and a MAIL FROM with a free wait is refused at MAIL FROM, as before
        SMTPSession plain = session("192.0.2.1", null, false);
        hook.doHelo(plain, "mx.ok.example");
        assertThat(hook.doMail(plain, MaybeSender.of(new MailAddress("x@other.example"))).getSmtpRetCode())
                .isEqualTo("550");
        for (SMTPSession s : List.of(attacker, other, retry, plain)) {
            hook.onDisconnect(s);
        }
    }

    /**
     * Review F2 at the end of DATA: an enforcing hook's waits are held by messages whose DKIM key and DMARC policy
     * are at a name whose servers never answer, from two clients of two networks (one alone holds at most
     * maxWaitingPerClient of them, one network maxWaitingPerNetwork: SessionClientQuotasTest); another client's
     * message spoofing a p=reject domain, whose answers take 300 ms, gets 451 at once (neither a wait nor an
     * unchecked 250), and once a wait is free it is refused (550). (Waits do not yield here.)
     */
    @Test
    void withEveryWaitTakenAnEnforcingEndOfDataIsDeferredAtOnce() throws Exception {
        Blackholed blackholed = new Blackholed(new Delayed(dns, 300));
        SessionAuthCheck hook = hookWithBudget(blackholed, Duration.ofSeconds(3), "maxWaiting", "2",
                "waitYieldAfter", "4999");
        List<CompletableFuture<HookResult>> held = new ArrayList<>();
        List<SMTPSession> attackers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            SMTPSession attacker = session(i == 0 ? "198.51.100.66" : "203.0.113.66", null, false);
            attackers.add(attacker);
            hook.doHelo(attacker, "h.example");
            hook.doMail(attacker, MaybeSender.of(new MailAddress("a@ok.example")));
            held.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return data(hook, attacker, "a@ok.example", message("x.blackhole.example"), 100);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        awaitTaken(hook);
        SMTPSession victim = session("192.0.2.1", null, false);
        hook.doHelo(victim, "mx.ok.example");
        hook.doMail(victim, MaybeSender.of(new MailAddress("x@other.example")));
        HookResult busy = within(Duration.ofSeconds(1),
                () -> data(hook, victim, "x@other.example", message("reject.example"), 100));
        assertThat(busy.getResult()).isEqualTo(HookReturnCode.denySoft());
        assertThat(busy.getSmtpRetCode()).isEqualTo("451");
        assertThat(busy.getSmtpDescription()).startsWith("4.7.1 ");
        for (CompletableFuture<HookResult> h : held) {
            h.get(10, java.util.concurrent.TimeUnit.SECONDS);
        }
        hook.doMail(victim, MaybeSender.of(new MailAddress("x@other.example")));
        HookResult refused = data(hook, victim, "x@other.example", message("reject.example"), 100);
        assertThat(refused.getSmtpRetCode()).isEqualTo("550");
        attackers.forEach(hook::onDisconnect);
        hook.onDisconnect(victim);
    }

    /**
     * Review F3: a label-only hook neither checks nor hands over a message larger than handOverMaxSize (it would
     * stay on the heap until the spool takes it): MailAuthCheck checks it from the spool. An enforcing hook still
     * checks and refuses one.
     */
    @Test
    void aLargeMessageIsNotHandedOverButAnEnforcingHookStillRefusesIt() throws Exception {
        byte[] large = (new String(message("ok.example"), StandardCharsets.US_ASCII)
                + ("x".repeat(998) + "\r\n").repeat(200)).getBytes(StandardCharsets.US_ASCII);
        SessionAuthCheck labelOnly = hook("refuseDmarcReject", "false");
        SMTPSession session = session("192.0.2.1", null, false);
        labelOnly.doHelo(session, "mx.ok.example");
        labelOnly.doMail(session, MaybeSender.of(new MailAddress("b@ok.example")));
        assertThat(data(labelOnly, session, "b@ok.example", large, large.length)).isEqualTo(HookResult.DECLINED);
        assertThat(lastMail.getAttribute(SessionCheckedMail.PENDING)).isEmpty();
        assertThat(MailAttributes.results(lastMail)).isEmpty();
        // a small one still is
        labelOnly.doMail(session, MaybeSender.of(new MailAddress("b@ok.example")));
        byte[] small = message("ok.example");
        assertThat(data(labelOnly, session, "b@ok.example", small, small.length)).isEqualTo(HookResult.DECLINED);
        assertThat(lastMail.getAttribute(SessionCheckedMail.PENDING)).isPresent();
        labelOnly.onDisconnect(session);
        // the bound is a parameter
        SessionAuthCheck larger = hook("refuseDmarcReject", "false", "handOverMaxSize", "1048576");
        SMTPSession s2 = session("192.0.2.1", null, false);
        larger.doHelo(s2, "mx.ok.example");
        larger.doMail(s2, MaybeSender.of(new MailAddress("b@ok.example")));
        data(larger, s2, "b@ok.example", large, large.length);
        assertThat(lastMail.getAttribute(SessionCheckedMail.PENDING)).isPresent();
        larger.onDisconnect(s2);
        // enforcing: awaited and refused whatever its size
        byte[] spoof = (new String(message("reject.example"), StandardCharsets.US_ASCII)
                + ("x".repeat(998) + "\r\n").repeat(200)).getBytes(StandardCharsets.US_ASCII);
        SessionAuthCheck enforcing = hook();
        SMTPSession s3 = session("192.0.2.1", null, false);
        enforcing.doHelo(s3, "mx.ok.example");
        enforcing.doMail(s3, MaybeSender.of(new MailAddress("x@other.example")));
        assertThat(data(enforcing, s3, "x@other.example", spoof, spoof.length).getSmtpRetCode()).isEqualTo("550");
        enforcing.onDisconnect(s3);
    }

    /**
     * A message over maxCheckedSize (the same parameter as MailAuthCheck's) is checked from its header section alone,
     * never read whole: an enforcing hook still refuses a DMARC reject, and still labels the rest.
     */
    @Test
    void aMessageOverMaxCheckedSizeIsCheckedFromItsHeaderSectionAlone() throws Exception {
        SessionAuthCheck enforcing = hook("maxCheckedSize", "64K");
        for (String from : List.of("reject.example", "ok.example")) {
            byte[] large = (new String(message(from), StandardCharsets.US_ASCII)
                    + ("x".repeat(998) + "\r\n").repeat(200)).getBytes(StandardCharsets.US_ASCII);
            SMTPSession session = session("192.0.2.1", null, false);
            enforcing.doHelo(session, "mx.ok.example");
            String mailFrom = from.equals("ok.example") ? "b@ok.example" : "x@other.example";
            enforcing.doMail(session, MaybeSender.of(new MailAddress(mailFrom)));
            session.setHeaderComplete(false);
            for (String line : new String(large, StandardCharsets.US_ASCII).split("(?<=\r\n)")) {
                enforcing.onLine(session, line.getBytes(StandardCharsets.US_ASCII), STORED);
            }
            dev.authpack.james.CountingMessages.Counted counted = dev.authpack.james.CountingMessages.message(large);
            FakeMail mail = FakeMail.builder().name("large-" + from).sender(mailFrom).recipient("b@example.net")
                    .size(large.length).mimeMessage(counted.message()).build();

            HookResult result = enforcing.onMessage(session, mail);

            // the header section alone: no checksum over the whole message binding results for reuse (review s18
            // L1), so none are stored either: MailAuthCheck checks the header section itself
            assertThat(counted.read().get()).as(from).isLessThan(64 * 1024);
            assertThat(mail.getAttribute(dev.authpack.james.SessionCheckedMail.CHECKED_IN_SESSION)).isEmpty();
            assertThat(mail.getAttribute(dev.authpack.james.SessionCheckedMail.CHECKED_MESSAGE)).isEmpty();
            assertThat(MailAttributes.results(mail)).isEmpty();
            if (from.equals("reject.example")) {
                assertThat(result.getSmtpRetCode()).isEqualTo("550");
            } else {
                assertThat(result).isEqualTo(HookResult.DECLINED);
            }
            enforcing.onDisconnect(session);
        }
        assertThatThrownBy(() -> hook("maxCheckedSize", "lots")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("maxCheckedSize must be a size");
    }

    /**
     * A message over maxCheckedSize signed by its p=reject author domain, from a client SPF fails: its body streamed
     * once (a buffer at a time), the signature passes and DMARC with it, so the enforcing hook accepts it; the same
     * message with its body changed is refused. (Before, the body was not verified: both were refused.)
     */
    @Test
    void aSignedMessageOverMaxCheckedSizeIsVerifiedOverItsBodyStreamed() throws Exception {
        SessionAuthCheck enforcing = hook("maxCheckedSize", "64K");
        String head = dev.authpack.james.CountingMessages.signedHeader(
                "From: a@reject.example\r\nTo: b@example.net\r\nSubject: large\r\n\r\n", 512 * 1024,
                new dev.authpack.dkim.DkimSigner(KEY, dev.authpack.dkim.DkimSignOptions.of("reject.example", "big")));
        byte[] large = dev.authpack.james.CountingMessages.withBody(head, 512 * 1024);
        byte[] tampered = large.clone();
        tampered[tampered.length - 10] ^= 1;
        for (byte[] octets : List.of(large, tampered)) {
            SMTPSession session = session("198.51.100.7", null, false);
            enforcing.doHelo(session, "mx.other.example");
            enforcing.doMail(session, MaybeSender.of(new MailAddress("x@other.example")));
            session.setHeaderComplete(false);
            for (String line : new String(octets, StandardCharsets.US_ASCII).split("(?<=\r\n)")) {
                enforcing.onLine(session, line.getBytes(StandardCharsets.US_ASCII), STORED);
            }
            dev.authpack.james.CountingMessages.Counted counted = dev.authpack.james.CountingMessages.message(octets);
            FakeMail mail = FakeMail.builder().name("signed-large").sender("x@other.example")
                    .recipient("b@example.net").size(octets.length).mimeMessage(counted.message()).build();

            HookResult result = enforcing.onMessage(session, mail);

            assertThat(counted.largestRead().get()).isLessThan(256 * 1024);
            if (octets == large) {
                assertThat(result).isEqualTo(HookResult.DECLINED);
            } else {
                assertThat(result.getSmtpRetCode()).isEqualTo("550");
            }
            enforcing.onDisconnect(session);
        }
    }

    /**
     * Review s18 H1/H2 in the session: a message over maxCheckedSize whose header lines end with bare LFs before a
     * CRLF body: a CRLF-only reader's header runs on into it, to a From naming a p=reject domain. Not read as the
     * LF-only reader alone: DMARC fails closed, and the enforcing hook refuses it. James' own source (written as
     * received, octet for octet).
     */
    @Test
    void aHeaderSectionReadAloneThatIsNotCleanIsRefused() throws Exception {
        SessionAuthCheck enforcing = hook("maxCheckedSize", "64K");
        String head = "From: a@ok.example\nTo: b@example.net\nSubject: hi\n\nFrom: x@reject.example\r\n\r\n";
        SMTPSession session = session("192.0.2.1", null, false);
        enforcing.doHelo(session, "mx.ok.example");
        enforcing.doMail(session, MaybeSender.of(new MailAddress("b@ok.example")));
        session.setHeaderComplete(false);
        for (String line : head.split("(?<=\n)")) {
            enforcing.onLine(session, line.getBytes(StandardCharsets.US_ASCII), STORED);
        }
        dev.authpack.james.CountingMessages.GeneratedSource source =
                new dev.authpack.james.CountingMessages.GeneratedSource(head, 128 * 1024);
        FakeMail mail = FakeMail.builder().name("unclean").sender("b@ok.example").recipient("b@example.net")
                .size(source.getMessageSize())
                .mimeMessage(new org.apache.james.server.core.MimeMessageWrapper(source)).build();

        HookResult result = enforcing.onMessage(session, mail);

        assertThat(result.getSmtpRetCode()).isEqualTo("550");
        assertThat(source.read()).isLessThan(64 * 1024);
        enforcing.onDisconnect(session);
    }

    /** Review s18 L1: a label-only hook neither checks nor hands over a message over maxCheckedSize. */
    @Test
    void aLabelOnlyHookLeavesAMessageOverMaxCheckedSizeToMailAuthCheck() throws Exception {
        SessionAuthCheck labelOnly = hook("refuseDmarcReject", "false", "maxCheckedSize", "64K",
                "handOverMaxSize", "1048576");
        byte[] large = (new String(message("ok.example"), StandardCharsets.US_ASCII)
                + ("x".repeat(998) + "\r\n").repeat(200)).getBytes(StandardCharsets.US_ASCII);
        SMTPSession session = session("192.0.2.1", null, false);
        labelOnly.doHelo(session, "mx.ok.example");
        labelOnly.doMail(session, MaybeSender.of(new MailAddress("b@ok.example")));
        dev.authpack.james.CountingMessages.Counted counted = dev.authpack.james.CountingMessages.message(large);
        FakeMail mail = FakeMail.builder().name("large").sender("b@ok.example").recipient("b@example.net")
                .size(large.length).mimeMessage(counted.message()).build();

        assertThat(labelOnly.onMessage(session, mail)).isEqualTo(HookResult.DECLINED);

        assertThat(counted.read().get()).isZero();
        assertThat(mail.getAttribute(dev.authpack.james.SessionCheckedMail.PENDING)).isEmpty();
        assertThat(mail.getAttribute(dev.authpack.james.SessionCheckedMail.CHECKED_IN_SESSION)).isEmpty();
        labelOnly.onDisconnect(session);
    }

    @Test
    void messagesNotCheckedInTheSessionStillCountAsMessages() throws Exception {
        // four messages too large to hand over on one connection: none is a transaction without a message, so the
        // fifth MAIL FROM still starts its early lookups (review of the session's fixes, F3)
        byte[] large = (new String(message("ok.example"), StandardCharsets.US_ASCII)
                + ("x".repeat(998) + "\r\n").repeat(200)).getBytes(StandardCharsets.US_ASCII);
        SessionAuthCheck labelOnly = hook("refuseDmarcReject", "false");
        SMTPSession session = session("192.0.2.1", null, false);
        labelOnly.doHelo(session, "mx.ok.example");
        for (int i = 0; i < SessionChecks.MAX_TRANSACTIONS_WITHOUT_MESSAGE + 1; i++) {
            labelOnly.doMail(session, MaybeSender.of(new MailAddress("b@ok.example")));
            assertThat(data(labelOnly, session, "b@ok.example", large, large.length)).isEqualTo(HookResult.DECLINED);
        }
        labelOnly.doMail(session, MaybeSender.of(new MailAddress("b@ok.example")));
        assertThat(session.getAttachment(SessionAuthCheck.CHECKS, State.Connection).orElseThrow()
                .transactionsWithoutMessage()).isZero();
        labelOnly.onDisconnect(session);
    }

    @Test
    void theLimitsAreReadAndCheckedAtInit() {
        assertThatThrownBy(() -> hook("maxWaiting", "0")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("maxWaiting must be a whole number from 1");
        assertThatThrownBy(() -> hook("mailFromWait", "soon")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("mailFromWait");
        assertThatThrownBy(() -> hook("handOverMaxSize", "-1")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("handOverMaxSize");
    }

    /**
     * The zone, except that the shared resolver is at its bound for the names given: it sends no query for them and
     * answers a local overload ({@link DnsLookup#overloaded}), as {@code DnsjavaResolver} does past its in-flight
     * bound. Such an answer says nothing about the name.
     */
    static final class Overloaded implements DnsResolver {
        private final DnsResolver zone = new ZoneFileResolver(ZONE)
                .withFailure("_dmarc.flakydmarc.example", DnsOutcome.TEMP_FAILURE);
        private final java.util.Set<String> names;

        Overloaded(String... names) {
            this.names = java.util.Set.of(names);
        }

        private <T> CompletableFuture<DnsLookup<T>> or(String n, dev.authpack.dns.DnsType type,
                                                       java.util.function.Supplier<CompletableFuture<DnsLookup<T>>> q) {
            return names.contains(n) ? CompletableFuture.completedFuture(DnsLookup.overloaded(n, type,
                    "more than 256 DNS queries in flight")) : q.get();
        }

        @Override public CompletableFuture<DnsLookup<String>> txt(String n) {
            return or(n, dev.authpack.dns.DnsType.TXT, () -> zone.txt(n));
        }
        @Override public CompletableFuture<DnsLookup<InetAddress>> a(String n) {
            return or(n, dev.authpack.dns.DnsType.A, () -> zone.a(n));
        }
        @Override public CompletableFuture<DnsLookup<InetAddress>> aaaa(String n) {
            return or(n, dev.authpack.dns.DnsType.AAAA, () -> zone.aaaa(n));
        }
        @Override public CompletableFuture<DnsLookup<MxHost>> mx(String n) {
            return or(n, dev.authpack.dns.DnsType.MX, () -> zone.mx(n));
        }
        @Override public CompletableFuture<DnsLookup<String>> ptr(InetAddress ip) { return zone.ptr(ip); }
    }

    @Test
    void aDmarcTemperrorFromOurOwnOverloadIsDeferredWhateverTemperrorSaysAndBlamesNoDomain() throws Exception {
        // the attacker filled the resolver: the victim's _dmarc was not asked; reject.example publishes p=reject
        Overloaded overloaded = new Overloaded("_dmarc.reject.example");
        Transaction t = send(hook(overloaded), session("192.0.2.1", null, false), "x@other.example",
                message("reject.example"));
        assertThat(t.endOfData()).as(String.valueOf(MailAttributes.results(t.mail())))
                .isNotEqualTo(HookResult.DECLINED);
        assertThat(t.endOfData().getResult()).isEqualTo(HookReturnCode.denySoft());
        assertThat(t.endOfData().getSmtpRetCode()).isEqualTo("451");
        assertThat(t.endOfData().getSmtpDescription()).startsWith("4.7.1 ").containsIgnoringCase("try again later")
                .doesNotContain("reject.example");
        // the same with temperror=defer; and a real DNS failure at the author's names is still accepted by default
        assertThat(send(hook(overloaded, "temperror", "defer"), session("192.0.2.1", null, false),
                "x@other.example", message("reject.example")).endOfData().getSmtpRetCode()).isEqualTo("451");
        Transaction servfail = send(hook(overloaded), session("192.0.2.1", null, false), "x@flakydmarc.example",
                message("flakydmarc.example"));
        assertThat(servfail.endOfData()).isEqualTo(HookResult.DECLINED);
        assertThat(MailAttributes.results(servfail.mail()).orElseThrow().toString()).contains("temperror");
        // without refuseDmarcReject nothing is refused: the mail is labelled temperror as before
        Transaction labelled = send(hook(overloaded, "refuseDmarcReject", "false", "awaitAtData", "always"),
                session("192.0.2.1", null, false), "x@other.example", message("reject.example"));
        assertThat(labelled.endOfData()).isEqualTo(HookResult.DECLINED);
    }

    @Test
    void anSpfTemperrorFromOurOwnOverloadIsDeferredWhereSpfFailIsRefused() throws Exception {
        Overloaded overloaded = new Overloaded("reject.example");
        Transaction atMail = send(hook(overloaded, "refuseSpfFail", "mailfrom", "refuseDmarcReject", "false"),
                session("192.0.2.1", null, false), "x@reject.example", message("ok.example"));
        assertThat(atMail.mailFrom().getSmtpRetCode()).isEqualTo("451");
        assertThat(atMail.mailFrom().getSmtpDescription()).startsWith("4.7.1 ").doesNotContain("reject.example");
        Transaction atData = send(hook(overloaded, "refuseSpfFail", "data", "refuseDmarcReject", "false"),
                session("192.0.2.1", null, false), "x@reject.example", message("ok.example"));
        assertThat(atData.endOfData().getSmtpRetCode()).isEqualTo("451");
        assertThat(atData.endOfData().getSmtpDescription()).startsWith("4.7.1 ").doesNotContain("reject.example");
        // SPF not used for refusal: no objection from SPF
        Transaction unused = send(hook(overloaded, "refuseDmarcReject", "false", "awaitAtData", "always"),
                session("192.0.2.1", null, false), "x@reject.example", message("ok.example"));
        assertThat(unused.mailFrom()).isEqualTo(HookResult.DECLINED);
        assertThat(unused.endOfData()).isEqualTo(HookResult.DECLINED);
    }
}
