package dev.authpack.james.smtp;

import dev.authpack.james.FakeFileSystem;
import dev.authpack.james.MailRelayRequests;
import dev.authpack.james.RelayTestSupport;
import dev.authpack.dns.DnsLookup;
import dev.authpack.dns.DnsOutcome;
import dev.authpack.dns.DnsResolver;
import dev.authpack.dns.DnsType;
import dev.authpack.dns.MxHost;
import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.core.Username;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.AbstractAuthRequiredToRelayRcptHook;
import org.apache.james.protocols.smtp.core.AbstractHookableCmdHandler;
import org.apache.james.protocols.smtp.core.RcptCmdHandler;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.RcptHook;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RelayPolicyRcptHookTest {
    private static final Set<String> LOCAL = Set.of("local.example");
    private static final String ACCEPTED = "250 accepted";
    private static final String DENIED = "550 5.7.1 Requested action not taken: relaying denied";

    @TempDir
    Path dir;
    private final FakeDns dns = new FakeDns();
    private RelayPolicyRcptHook hook;
    /** RCPT hooks configured after ours (a limit, a DNSBL, ...): how often the chain reached it. */
    private final AtomicInteger laterHookCalls = new AtomicInteger();

    @BeforeEach
    void setUp() throws Exception {
        RelayTestSupport.writePolicy(dir, RelayTestSupport.POLICY);
        hook = hook("file://conf/relay-policy.conf");
    }

    private RelayPolicyRcptHook hook(String policyFile, String... settings) throws ConfigurationException {
        RelayPolicyRcptHook h = new RelayPolicyRcptHook(Optional.of(FakeFileSystem.under(dir)),
                (Domain d) -> LOCAL.contains(d.asString()), settingsUsed -> dns);
        BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
        if (policyFile != null) {
            config.addProperty("policyFile", policyFile);
        }
        for (int i = 0; i < settings.length; i += 2) {
            config.addProperty(settings[i], settings[i + 1]);
        }
        h.init(config);
        return h;
    }

    /** An SMTPSession that answers what the hooks ask: client address, user, session id, attachments. */
    static SMTPSession session(InetAddress clientIp, String user) {
        InetSocketAddress remote = new InetSocketAddress(clientIp, 40000);
        Map<String, Object> attachments = new HashMap<>();
        return (SMTPSession) Proxy.newProxyInstance(SMTPSession.class.getClassLoader(), new Class<?>[] {SMTPSession.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getRemoteAddress" -> remote;
                    case "getUsername" -> user == null ? null : Username.of(user);
                    case "getSessionID" -> "test-session";
                    case "isRelayingAllowed" -> false;
                    case "isAuthAnnounced" -> false;
                    case "getAttachment" -> Optional.ofNullable(attachments.get(args[0] + "/" + args[1]));
                    case "setAttachment" -> Optional.ofNullable(attachments.put(args[0] + "/" + args[2], args[1]));
                    case "removeAttachment" -> Optional.ofNullable(attachments.remove(args[0] + "/" + args[1]));
                    case "toString" -> "FakeSMTPSession";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static SMTPSession session(String clientIp, String user) throws Exception {
        return session(InetAddress.getByName(clientIp), user);
    }

    /**
     * One RCPT through a chain like James 3.8.1's (AbstractHookableCmdHandler.processHooks): our hook, a hook
     * configured after it, then James' own relay check (a core handler, so always last); each result passes
     * through our {@code onHookResult}. Returns the SMTP reply.
     */
    private String rcpt(SMTPSession session, String sender, String rcpt) throws Exception {
        MaybeSender from = sender == null ? MaybeSender.nullSender() : MaybeSender.of(new MailAddress(sender));
        MailAddress to = new MailAddress(rcpt);
        session.setAttachment(RcptCmdHandler.CURRENT_RECIPIENT, to, State.Transaction);
        RcptHook later = answering(() -> {
            laterHookCalls.incrementAndGet();
            return HookResult.DECLINED;
        });
        RcptHook jamesRelayCheck = new AbstractAuthRequiredToRelayRcptHook() {
            @Override
            protected boolean isLocalDomain(Domain domain) {
                return LOCAL.contains(domain.asString());
            }
        };
        for (RcptHook h : List.of(hook, later, jamesRelayCheck)) {
            HookResult result = hook.onHookResult(session, h.doRcpt(session, from, to), 0, h);
            if (result.getResult().getAction() == HookReturnCode.Action.OK) {
                return ACCEPTED;
            }
            SMTPResponse response = AbstractHookableCmdHandler.calcDefaultSMTPResponse(result);
            if (response != null) {
                return String.join(" ", response.getLines());
            }
        }
        return ACCEPTED;
    }

    private static RcptHook answering(java.util.function.Supplier<HookResult> answer) {
        return new RcptHook() {
            @Override
            public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress rcpt) {
                return answer.get();
            }
        };
    }

    private String rcpt(String clientIp, String user, String sender, String rcpt) throws Exception {
        return rcpt(session(clientIp, user), sender, rcpt);
    }

    @Test
    void strangerToRemoteDomainGets550At571() throws Exception {
        assertThat(rcpt("203.0.113.9", null, "a@elsewhere.example", "victim@remote.example")).isEqualTo(DENIED);
    }

    @Test
    void relayToAndRelayFromAreAccepted() throws Exception {
        assertThat(rcpt("203.0.113.9", null, null, "x@inbound.example")).isEqualTo(ACCEPTED);
        assertThat(rcpt("192.0.2.7", null, "me@us.example", "x@remote.example")).isEqualTo(ACCEPTED);
        assertThat(rcpt("192.0.2.7", null, "me@elsewhere.example", "x@remote.example")).isEqualTo(DENIED);
    }

    /** Attacker finding "Threads": OK ended the RCPT hook chain, so later hooks (limits, DNSBLs) were skipped. */
    @Test
    void relayToSaysNoObjectionSoLaterHooksRun() throws Exception {
        SMTPSession session = session("203.0.113.9", null);
        MailAddress rcpt = new MailAddress("x@inbound.example");
        assertThat(hook.doRcpt(session, MaybeSender.nullSender(), rcpt)).isEqualTo(HookResult.DECLINED);
        assertThat(rcpt(session, null, "x@inbound.example")).isEqualTo(ACCEPTED);
        assertThat(laterHookCalls).hasValue(1);
        assertThat(rcpt("203.0.113.9", null, null, "y@remote.example")).isEqualTo(DENIED);
        assertThat(laterHookCalls).as("a refused recipient ends the chain at our hook").hasValue(1);
    }

    @Test
    void jamesRelayCheckIsOverruledOnlyForTheRecipientThePolicyAllowed() throws Exception {
        SMTPSession session = session("203.0.113.9", null);
        RcptHook jamesRelayCheck = new AbstractAuthRequiredToRelayRcptHook() {
            @Override
            protected boolean isLocalDomain(Domain domain) {
                return false;
            }
        };
        MailAddress allowed = new MailAddress("x@inbound.example");
        MailAddress other = new MailAddress("x@remote.example");
        assertThat(hook.doRcpt(session, MaybeSender.nullSender(), allowed)).isEqualTo(HookResult.DECLINED);
        assertThat(session.getAttachment(RelayPolicyRcptHook.RELAY_ALLOWED, State.Transaction)).contains(allowed);
        session.setAttachment(RcptCmdHandler.CURRENT_RECIPIENT, other, State.Transaction);
        HookResult refusal = jamesRelayCheck.doRcpt(session, MaybeSender.nullSender(), other);
        assertThat(hook.onHookResult(session, refusal, 0, jamesRelayCheck)).isSameAs(refusal);
        session.setAttachment(RcptCmdHandler.CURRENT_RECIPIENT, allowed, State.Transaction);
        assertThat(hook.onHookResult(session, refusal, 0, jamesRelayCheck)).isEqualTo(HookResult.DECLINED);
        // any other hook's refusal stands, even for that recipient
        RcptHook otherHook = answering(() -> refusal);
        assertThat(hook.onHookResult(session, refusal, 0, otherHook)).isSameAs(refusal);
        // the next RCPT, refused by the policy, clears the permission
        hook.doRcpt(session, MaybeSender.nullSender(), other);
        assertThat(hook.onHookResult(session, refusal, 0, jamesRelayCheck)).isSameAs(refusal);
    }

    @Test
    void authenticatedUsersAndIpv6Clients() throws Exception {
        assertThat(rcpt("203.0.113.9", "root@us.example", null, "x@remote.example")).isEqualTo(ACCEPTED);
        assertThat(rcpt("203.0.113.9", "bob@us.example", null, "x@remote.example")).isEqualTo(DENIED);
        assertThat(rcpt("203.0.113.9", "bob@us.example", null, "x@partner.example")).isEqualTo(ACCEPTED);
        assertThat(rcpt("::1", null, null, "x@remote.example")).isEqualTo(ACCEPTED);
        assertThat(rcpt("2001:db8::5", null, null, "x@remote.example")).isEqualTo(DENIED);
    }

    /**
     * Review s21: a client address with a zone (as the JDK reports a link-local peer, {@code fe80::1%2}) matches no
     * host entry by its bytes, and is not translated; it relays as an authenticated user.
     */
    @Test
    void aZonedClientMatchesNoHostEntry() throws Exception {
        RelayTestSupport.writePolicy(dir, "relay_hosts = 2001:db8::/32, 192.0.2.7\nrelay_users = root@us.example\n"
                + "translator_prefixes = 2001:db8:64::/48\n");
        hook = hook("file://conf/relay-policy.conf");
        byte[] global = InetAddress.getByName("2001:db8::5").getAddress();
        byte[] translated = InetAddress.getByName("2001:db8:64:c000:2:700::").getAddress();
        byte[] linkLocal = InetAddress.getByName("fe80::5").getAddress();
        for (byte[] address : new byte[][] {global, translated}) {
            assertThat(rcpt(session(InetAddress.getByAddress(address), null), null, "x@remote.example"))
                    .isEqualTo(ACCEPTED);
        }
        for (byte[] address : new byte[][] {global, translated, linkLocal}) {
            InetAddress zoned = java.net.Inet6Address.getByAddress(null, address, 2);
            assertThat(rcpt(session(zoned, null), null, "x@remote.example")).as("%s", zoned).isEqualTo(DENIED);
            assertThat(rcpt(session(zoned, "root@us.example"), null, "x@remote.example")).as("%s", zoned)
                    .isEqualTo(ACCEPTED);
        }
    }

    /**
     * translator_prefixes in the policy file: an IPv4 client of the operator's SIIT/NAT64 translator (here 192.0.2.7
     * under the network-specific 2001:db8:64::/48, RFC 6052 §2.2) is matched as its IPv4 address, and its name is
     * looked up under in-addr.arpa; without the key it is the IPv6 address it arrives from.
     */
    @Test
    void aClientOfTheTranslatorIsMatchedAsItsIpv4Address() throws Exception {
        String client = "2001:db8:64:c000:2:700::";
        assertThat(rcpt(client, null, "me@us.example", "x@remote.example")).isEqualTo(DENIED);
        RelayTestSupport.writePolicy(dir, "translator_prefixes = 2001:db8:64::/48\n" + RelayTestSupport.POLICY);
        hook = hook("file://conf/relay-policy.conf");
        assertThat(rcpt(client, null, "me@us.example", "x@remote.example")).isEqualTo(ACCEPTED);
        assertThat(rcpt(client, null, "me@elsewhere.example", "x@remote.example")).isEqualTo(DENIED);

        RelayTestSupport.writePolicy(dir, "translator_prefixes = 2001:db8:64::/48\n" + NAMED_POLICY);
        hook = hook("file://conf/relay-policy.conf");
        dns.ptr.put("192.0.2.7", List.of("mx.partner.example"));
        dns.a.put("mx.partner.example", List.of(InetAddress.getByName("192.0.2.7")));
        assertThat(rcpt(client, null, null, "x@remote.example")).isEqualTo(ACCEPTED);
    }

    @Test
    void aBadTranslatorPrefixStopsInit() throws Exception {
        RelayTestSupport.writePolicy(dir, "translator_prefixes = 64:ff9b::/97\n" + RelayTestSupport.POLICY);
        assertThatThrownBy(() -> hook("file://conf/relay-policy.conf")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("translator_prefixes").hasMessageContaining("32, 40, 48, 56, 64 or 96");
    }

    @Test
    void localDomainsAreLeftToJames() throws Exception {
        SMTPSession session = session("203.0.113.9", null);
        assertThat(hook.doRcpt(session, MaybeSender.nullSender(), new MailAddress("user@local.example")))
                .isEqualTo(HookResult.DECLINED);
        assertThat(hook.doRcpt(session, MaybeSender.nullSender(), new MailAddress("User@LOCAL.example")))
                .isEqualTo(HookResult.DECLINED);
        assertThat(session.getAttachment(RelayPolicyRcptHook.RELAY_ALLOWED, State.Transaction)).isEmpty();
    }

    @Test
    void routingTricksAreRefusedEvenToLocalAndRelayToDomains() throws Exception {
        for (String trick : new String[] {"user%victim.example@local.example", "victim.example!user@local.example",
                "\"user@victim.example\"@local.example", "user%victim.example@inbound.example",
                "victim.example!user@inbound.example", "\"user@victim.example\"@inbound.example"}) {
            assertThat(rcpt("203.0.113.9", null, "a@elsewhere.example", trick)).as(trick).isEqualTo(DENIED);
        }
        // trusted clients: both go on through the chain
        assertThat(rcpt("127.0.0.1", null, null, "user%victim.example@local.example")).isEqualTo(ACCEPTED);
        assertThat(rcpt("127.0.0.1", null, null, "user%victim.example@inbound.example")).isEqualTo(ACCEPTED);
    }

    // ------------------------------------------------------------------ host-name rules: our resolver, a deadline

    private static final String NAMED_POLICY = "relay_hosts = mx.partner.example\n[domain inbound.example]\nrelay_to = true\n";
    private static final byte[] CLIENT = {(byte) 203, 0, 113, 7};

    /** Attacker finding "Threads": the JDK's name of the client (a blocking lookup) must not be what decides. */
    @Test
    void theJdkNameOfTheClientIsNeverUsed() throws Exception {
        RelayTestSupport.writePolicy(dir, NAMED_POLICY);
        hook = hook("file://conf/relay-policy.conf");
        InetAddress namedByJdk = InetAddress.getByAddress("mx.partner.example", CLIENT);
        assertThat(rcpt(session(namedByJdk, null), null, "x@remote.example")).isEqualTo(DENIED);
        assertThat(dns.ptrQueries).as("the name came from the pack's resolver").hasValue(1);
    }

    @Test
    void aNameVerifiedThroughOurResolverMatches() throws Exception {
        RelayTestSupport.writePolicy(dir, NAMED_POLICY);
        hook = hook("file://conf/relay-policy.conf");
        dns.ptr.put("203.0.113.7", List.of("other.example", "mx.partner.example"));
        dns.a.put("other.example", List.of(InetAddress.getByAddress(CLIENT)));
        dns.a.put("mx.partner.example", List.of(InetAddress.getByAddress(CLIENT)));
        SMTPSession session = session(InetAddress.getByAddress(CLIENT), null);
        assertThat(rcpt(session, null, "x@remote.example")).isEqualTo(ACCEPTED);
        assertThat(rcpt(session, null, "y@remote.example")).isEqualTo(ACCEPTED);
        assertThat(dns.ptrQueries).as("one lookup per connection").hasValue(1);
        // a PTR name that does not resolve back is no name
        dns.a.put("mx.partner.example", List.of());
        assertThat(rcpt(session(InetAddress.getByAddress(CLIENT), null), null, "x@remote.example")).isEqualTo(DENIED);
    }

    @Test
    void theVerifiedNamesGoOnTheMailForRelayAllowed() throws Exception {
        RelayTestSupport.writePolicy(dir, NAMED_POLICY);
        hook = hook("file://conf/relay-policy.conf");
        dns.ptr.put("203.0.113.7", List.of("mx.partner.example"));
        dns.a.put("mx.partner.example", List.of(InetAddress.getByAddress(CLIENT)));
        SMTPSession session = session(InetAddress.getByAddress(CLIENT), null);
        org.apache.mailet.Mail before = org.apache.mailet.base.test.FakeMail.builder().name("m0").build();
        assertThat(hook.onMessage(session, before)).isEqualTo(HookResult.DECLINED);
        assertThat(before.getAttribute(MailRelayRequests.VERIFIED_CLIENT_NAMES)).as("no lookup, no attribute").isEmpty();
        assertThat(rcpt(session, null, "x@remote.example")).isEqualTo(ACCEPTED);
        org.apache.mailet.Mail mail = org.apache.mailet.base.test.FakeMail.builder().name("m1").build();
        assertThat(hook.onMessage(session, mail)).isEqualTo(HookResult.DECLINED);
        assertThat(MailRelayRequests.clientNames(mail)).containsExactly(Optional.of("mx.partner.example"));
    }

    @Test
    void noDnsWhenNoHostNameRuleCouldDecide() throws Exception {
        RelayTestSupport.writePolicy(dir, NAMED_POLICY);
        hook = hook("file://conf/relay-policy.conf");
        dns.never = true;
        assertThat(rcpt("203.0.113.9", null, null, "x@inbound.example")).isEqualTo(ACCEPTED);
        assertThat(rcpt("203.0.113.9", null, null, "user@local.example")).isEqualTo(ACCEPTED);
        assertThat(dns.ptrQueries).hasValue(0);
        // the sample policy has no host names: never any DNS
        RelayTestSupport.writePolicy(dir, RelayTestSupport.POLICY);
        hook = hook("file://conf/relay-policy.conf");
        assertThat(rcpt("203.0.113.9", null, null, "x@remote.example")).isEqualTo(DENIED);
        assertThat(dns.ptrQueries).hasValue(0);
    }

    @Test
    void aLookupThatDoesNotFinishInTimeIsATemporaryRefusalAtTheDeadline() throws Exception {
        RelayTestSupport.writePolicy(dir, NAMED_POLICY);
        hook = hook("file://conf/relay-policy.conf", "nameLookupTimeout", "200");
        dns.never = true;
        SMTPSession session = session(InetAddress.getByAddress(CLIENT), null);
        long t0 = System.nanoTime();
        assertThat(rcpt(session, null, "x@remote.example")).startsWith("451 4.7.25 ");
        long firstMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(firstMs).isBetween(190L, 2000L);
        // the deadline is per connection: a second RCPT does not wait again
        long t1 = System.nanoTime();
        assertThat(rcpt(session, null, "y@remote.example")).startsWith("451 4.7.25 ");
        assertThat((System.nanoTime() - t1) / 1_000_000).isLessThan(150L);
        assertThat(dns.ptrQueries).hasValue(1);
    }

    @Test
    void aDnsFailureIsATemporaryRefusalNeverARelay() throws Exception {
        RelayTestSupport.writePolicy(dir, NAMED_POLICY);
        hook = hook("file://conf/relay-policy.conf");
        dns.servfail = true;
        assertThat(rcpt(session(InetAddress.getByAddress(CLIENT), null), null, "x@remote.example"))
                .isEqualTo("451 4.7.25 Cannot verify your host name now (reverse DNS); try again later");
    }

    @Test
    void badConfigurationFailsInit() throws Exception {
        assertThatThrownBy(() -> hook(null)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("no relay policy file given");
        assertThatThrownBy(() -> hook("file://conf/none.conf")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("none.conf: no such file");
        assertThatThrownBy(() -> hook("file://conf/relay-policy.conf", "nameLookupTimeout", "0"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("nameLookupTimeout must be a whole number from 2 to 30000, not '0'");
        assertThatThrownBy(() -> hook("file://conf/relay-policy.conf", "nameLookupTimeout", "30001"))
                .isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> hook("file://conf/relay-policy.conf", "dnsTimeout", "soon"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("RelayPolicyRcptHook: bad dnsTimeout: ");
        assertThatThrownBy(() -> hook("file://conf/relay-policy.conf", "dnsTimeout", "600000"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("RelayPolicyRcptHook: bad dnsTimeout: ")
                .hasMessageContaining("from 1 to 60000");
        RelayTestSupport.writePolicy(dir, "[domain x.example]\nrelay_to = maybe\n");
        assertThatThrownBy(() -> hook("file://conf/relay-policy.conf")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("relay-policy.conf:2: relay_to must be true or false, not 'maybe'");
    }

    @Test
    void aBadDnsServerFailsInitSayingBadDnsServersAndWhatIsAccepted() {
        // before: refused only when the policy had host-name rules, and not at all with this test's resolver
        for (String bad : new String[] {"no-such-host.invalid", "127.0.0.1:0", "127.0.0.1:x"}) {
            assertThatThrownBy(() -> hook("file://conf/relay-policy.conf", "dnsServers", bad)).as(bad)
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageStartingWith("RelayPolicyRcptHook: bad dnsServers: ")
                    .hasMessageContaining("accepted: ");
        }
    }

    @Test
    void anUnknownParameterFailsInitListingTheAcceptedOnes() {
        // <nameLookupTimeOut> for <nameLookupTimeout>: without the check the default would be used without a word
        assertThatThrownBy(() -> hook("file://conf/relay-policy.conf", "bogus", "1", "nameLookupTimeOut", "500"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("RelayPolicyRcptHook: unknown parameter(s) [bogus, nameLookupTimeOut]; accepted:"
                        + " [dnsServers, dnsTimeout, maxWaiting, nameLookupTimeout, policyFile]");
    }

    @Test
    void theHandlersClassAttributeIsNotAParameter() throws Exception {
        // James hands a handler its own <handler class="..."> element: the attribute is no parameter
        RelayPolicyRcptHook h = new RelayPolicyRcptHook(Optional.of(FakeFileSystem.under(dir)),
                (Domain d) -> LOCAL.contains(d.asString()), settingsUsed -> dns);
        BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
        config.addProperty("[@class]", RelayPolicyRcptHook.class.getName());
        config.addProperty("policyFile", "file://conf/relay-policy.conf");
        h.init(config);
        assertThat(h.policy()).isNotNull();
    }

    @Test
    void unexpectedErrorsRefuseTemporarily() throws Exception {
        RelayPolicyRcptHook broken = new RelayPolicyRcptHook(Optional.empty(), d -> {
            throw new IllegalStateException("boom");
        }, settings -> dns);
        HookResult r = broken.doRcpt(session("203.0.113.9", null), MaybeSender.nullSender(),
                new MailAddress("x@inbound.example"));
        assertThat(r.getResult().getAction()).isEqualTo(HookReturnCode.Action.DENYSOFT);
        assertThat(AbstractHookableCmdHandler.calcDefaultSMTPResponse(r).getRetCode()).isEqualTo("451");
    }

    /** PTR and A answers from maps; or SERVFAIL; or never an answer. Counts PTR queries. */
    private static final class FakeDns implements DnsResolver {
        final Map<String, List<String>> ptr = new HashMap<>();
        final Map<String, List<InetAddress>> a = new HashMap<>();
        final AtomicInteger ptrQueries = new AtomicInteger();
        volatile boolean never;
        volatile boolean servfail;

        private <T> CompletableFuture<DnsLookup<T>> answer(String name, DnsType type, List<T> records) {
            if (never) {
                return new CompletableFuture<>();
            }
            if (servfail) {
                return CompletableFuture.completedFuture(DnsLookup.failed(name, type, DnsOutcome.TEMP_FAILURE, "SERVFAIL"));
            }
            return CompletableFuture.completedFuture(records == null
                    ? DnsLookup.failed(name, type, DnsOutcome.NXDOMAIN, "")
                    : DnsLookup.of(name, type, records, 60));
        }

        @Override
        public CompletableFuture<DnsLookup<String>> ptr(InetAddress address) {
            ptrQueries.incrementAndGet();
            return answer(address.getHostAddress(), DnsType.PTR, ptr.get(address.getHostAddress()));
        }

        @Override
        public CompletableFuture<DnsLookup<InetAddress>> a(String name) {
            return answer(name, DnsType.A, a.get(name));
        }

        @Override
        public CompletableFuture<DnsLookup<InetAddress>> aaaa(String name) {
            return answer(name, DnsType.AAAA, new ArrayList<>());
        }

        @Override
        public CompletableFuture<DnsLookup<String>> txt(String name) {
            return answer(name, DnsType.TXT, new ArrayList<>());
        }

        @Override
        public CompletableFuture<DnsLookup<MxHost>> mx(String name) {
            return answer(name, DnsType.MX, new ArrayList<>());
        }
    }
}
