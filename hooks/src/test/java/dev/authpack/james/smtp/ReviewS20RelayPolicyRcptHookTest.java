package dev.authpack.james.smtp;

import dev.authpack.james.FakeFileSystem;
import dev.authpack.james.RelayTestSupport;
import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review s20 (attacker's review of the relay control): routing hidden in address syntax that James 3.8.1 accepts at
 * RCPT and RFC 5321 does not. The hook leaves a local-domain recipient to James only when it is an address without
 * sender-specified routing; one our parser cannot read could carry routing it cannot see, so the policy decides it.
 */
class ReviewS20RelayPolicyRcptHookTest {
    @TempDir
    Path dir;
    private RelayPolicyRcptHook hook;

    @BeforeEach
    void setUp() throws Exception {
        RelayTestSupport.writePolicy(dir, RelayTestSupport.POLICY);
        hook = new RelayPolicyRcptHook(Optional.of(FakeFileSystem.under(dir)),
                (Domain d) -> d.asString().equals("local.example"), settings -> {
                    throw new AssertionError("no DNS in this policy");
                });
        BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
        config.addProperty("policyFile", "file://conf/relay-policy.conf");
        hook.init(config);
    }

    private HookResult rcpt(String client, String rcpt) throws Exception {
        SMTPSession session = RelayPolicyRcptHookTest.session(InetAddress.getByName(client), null);
        // new MailAddress(...) is how James 3.8.1's RcptCmdHandler reads the path
        return hook.doRcpt(session, MaybeSender.of(new MailAddress("someone@elsewhere.example")), new MailAddress(rcpt));
    }

    /**
     * Medium: a backslash outside quotes (not RFC 5321 syntax; James takes it) hid '%', '@' and '!' from the
     * routing check, and the hook declined as for local delivery; the same address without the backslash is refused.
     */
    @Test
    void escapedRoutingThroughALocalDomainIsRefused() throws Exception {
        for (String trick : new String[] {"alice\\%victim.example@local.example",
                "alice\\@victim.example@local.example", "victim.example\\!alice@local.example",
                "alice\\%victim.example@LOCAL.Example"}) {
            assertThat(rcpt("203.0.113.9", trick)).as(trick).isEqualTo(RelayPolicyRcptHook.RELAY_DENIED);
        }
    }

    /** A TAB inside quotes (RFC 5321 qtextSMTP has none; James takes it) hid an '@' the same way. */
    @Test
    void routingInAQuotedLocalPartWithATabIsRefused() throws Exception {
        assertThat(rcpt("203.0.113.9", "\"alice@victim.example\t\"@local.example"))
                .isEqualTo(RelayPolicyRcptHook.RELAY_DENIED);
        assertThat(rcpt("203.0.113.9", "\"alice\t%victim.example\"@inbound.example"))
                .isEqualTo(RelayPolicyRcptHook.RELAY_DENIED);
    }

    /**
     * The premise of the policy's refusal of all-numeric section names: James 3.8.1 writes an address literal
     * without its brackets, so the policy reads {@code user@192.0.2.1}; a stranger may not relay to it, a
     * relay_hosts client may.
     */
    @Test
    void anAddressLiteralReachesThePolicyWithoutBracketsAndOnlyTrustedClientsRelayToIt() throws Exception {
        assertThat(new MailAddress("user@[192.0.2.1]").asString()).isEqualTo("user@192.0.2.1");
        assertThat(rcpt("203.0.113.9", "user@[192.0.2.1]")).isEqualTo(RelayPolicyRcptHook.RELAY_DENIED);
        assertThat(rcpt("127.0.0.1", "user@[192.0.2.1]")).isEqualTo(HookResult.DECLINED);
    }

    /** What is refused is what our parser cannot read; a plain local address is still James' to judge. */
    @Test
    void plainAndQuotedLocalAddressesAreStillLeftToJames() throws Exception {
        assertThat(rcpt("203.0.113.9", "alice@local.example")).isEqualTo(HookResult.DECLINED);
        assertThat(rcpt("203.0.113.9", "\"alice smith\"@local.example")).isEqualTo(HookResult.DECLINED);
        assertThat(rcpt("203.0.113.9", "alice+tag@LOCAL.example")).isEqualTo(HookResult.DECLINED);
    }
}
