package dev.authpack.james;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.core.Username;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.AbstractHookableCmdHandler;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RelayPolicyRcptHookTest {
    private static final Set<String> LOCAL = Set.of("local.example");

    @TempDir
    Path dir;
    private RelayPolicyRcptHook hook;

    @BeforeEach
    void setUp() throws Exception {
        RelayTestSupport.writePolicy(dir, RelayTestSupport.POLICY);
        hook = hook("file://conf/relay-policy.conf");
    }

    private RelayPolicyRcptHook hook(String policyFile) throws ConfigurationException {
        RelayPolicyRcptHook h = new RelayPolicyRcptHook(Optional.of(RelayTestSupport.fileSystem(dir)),
                (Domain d) -> LOCAL.contains(d.asString()));
        BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
        if (policyFile != null) {
            config.addProperty("policyFile", policyFile);
        }
        h.init(config);
        return h;
    }

    /** An SMTPSession that answers only what the hook asks: client address, user, session id. */
    private static SMTPSession session(String clientIp, String user) throws Exception {
        InetSocketAddress remote = new InetSocketAddress(InetAddress.getByName(clientIp), 40000);
        return (SMTPSession) Proxy.newProxyInstance(SMTPSession.class.getClassLoader(), new Class<?>[] {SMTPSession.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getRemoteAddress" -> remote;
                    case "getUsername" -> user == null ? null : Username.of(user);
                    case "getSessionID" -> "test-session";
                    case "toString" -> "FakeSMTPSession";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private HookResult rcpt(String clientIp, String user, String sender, String rcpt) throws Exception {
        MaybeSender from = sender == null ? MaybeSender.nullSender() : MaybeSender.of(new MailAddress(sender));
        return hook.doRcpt(session(clientIp, user), from, new MailAddress(rcpt));
    }

    private static String smtpLine(HookResult result) {
        return AbstractHookableCmdHandler.calcDefaultSMTPResponse(result).getRetCode() + " "
                + result.getSmtpDescription();
    }

    @Test
    void strangerToRemoteDomainGets550At571() throws Exception {
        HookResult r = rcpt("203.0.113.9", null, "a@elsewhere.example", "victim@remote.example");
        assertThat(r.getResult().getAction()).isEqualTo(HookReturnCode.Action.DENY);
        assertThat(smtpLine(r)).isEqualTo("550 5.7.1 Requested action not taken: relaying denied");
    }

    @Test
    void relayToAndRelayFromAreAcceptedWithOk() throws Exception {
        assertThat(rcpt("203.0.113.9", null, null, "x@inbound.example")).isEqualTo(HookResult.OK);
        assertThat(rcpt("192.0.2.7", null, "me@us.example", "x@remote.example")).isEqualTo(HookResult.OK);
        assertThat(rcpt("192.0.2.7", null, "me@elsewhere.example", "x@remote.example").getResult().getAction())
                .isEqualTo(HookReturnCode.Action.DENY);
    }

    @Test
    void authenticatedUsersAndIpv6Clients() throws Exception {
        assertThat(rcpt("203.0.113.9", "root@us.example", null, "x@remote.example")).isEqualTo(HookResult.OK);
        assertThat(rcpt("203.0.113.9", "bob@us.example", null, "x@remote.example")).isEqualTo(RelayPolicyRcptHook.RELAY_DENIED);
        assertThat(rcpt("203.0.113.9", "bob@us.example", null, "x@partner.example")).isEqualTo(HookResult.OK);
        assertThat(rcpt("::1", null, null, "x@remote.example")).isEqualTo(HookResult.OK);
        assertThat(rcpt("2001:db8::5", null, null, "x@remote.example")).isEqualTo(RelayPolicyRcptHook.RELAY_DENIED);
    }

    @Test
    void localDomainsAreLeftToJames() throws Exception {
        assertThat(rcpt("203.0.113.9", null, "a@elsewhere.example", "user@local.example"))
                .isEqualTo(HookResult.DECLINED);
        assertThat(rcpt("203.0.113.9", null, "a@elsewhere.example", "User@LOCAL.example"))
                .isEqualTo(HookResult.DECLINED);
    }

    @Test
    void routingTricksAreRefusedEvenToLocalAndRelayToDomains() throws Exception {
        for (String trick : new String[] {"user%victim.example@local.example", "victim.example!user@local.example",
                "\"user@victim.example\"@local.example", "user%victim.example@inbound.example",
                "victim.example!user@inbound.example", "\"user@victim.example\"@inbound.example"}) {
            assertThat(rcpt("203.0.113.9", null, "a@elsewhere.example", trick)).as(trick)
                    .isEqualTo(RelayPolicyRcptHook.RELAY_DENIED);
        }
        // trusted clients: local domain goes on to James, remote is accepted
        assertThat(rcpt("127.0.0.1", null, null, "user%victim.example@local.example")).isEqualTo(HookResult.DECLINED);
        assertThat(rcpt("127.0.0.1", null, null, "user%victim.example@inbound.example")).isEqualTo(HookResult.OK);
    }

    @Test
    void badConfigurationFailsInit() throws Exception {
        assertThatThrownBy(() -> hook(null)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("no relay policy file given");
        assertThatThrownBy(() -> hook("file://conf/none.conf")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("none.conf: no such file");
        RelayTestSupport.writePolicy(dir, "[domain x.example]\nrelay_to = maybe\n");
        assertThatThrownBy(() -> hook("file://conf/relay-policy.conf")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("relay-policy.conf:2: relay_to must be true or false, not 'maybe'");
    }

    @Test
    void unexpectedErrorsRefuseTemporarily() throws Exception {
        RelayPolicyRcptHook broken = new RelayPolicyRcptHook(Optional.empty(), d -> {
            throw new IllegalStateException("boom");
        });
        HookResult r = broken.doRcpt(session("203.0.113.9", null), MaybeSender.nullSender(),
                new MailAddress("x@inbound.example"));
        assertThat(r.getResult().getAction()).isEqualTo(HookReturnCode.Action.DENYSOFT);
        assertThat(smtpLine(r)).startsWith("451 4.");
    }
}
