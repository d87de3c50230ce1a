package dev.authpack.relay;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.authpack.fuzz.FuzzInput;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

import static dev.authpack.fuzz.FuzzInput.check;

/**
 * {@link RelayPolicyParser} on arbitrary policy file text; an accepted policy then answers a few relay questions.
 *
 * <p>Allowed: {@link RelayPolicyException}, whose line number lies within the text. Invariants: an accepted
 * policy answers every question with a decision and a reason (never throws); it never lets a stranger without
 * any rule for its address relay to a domain it has no section for.
 */
class RelayPolicyFuzzTest {
    private static final List<RelayRequest> REQUESTS = List.of(
            request("192.0.2.7", "mx.example.net", "a@example.com", "b@example.org", null),
            request("2001:db8::7", null, "", "<b@sub.example.com>", "alice@example.com"),
            request("10.1.2.3", "client.example.com", "<>", "postmaster", null));
    private static final RelayRequest STRANGER = request("203.0.113.250", null, "x@stranger.invalid",
            "victim@elsewhere.invalid", null);

    @FuzzTest
    void parse(byte[] data) {
        fuzzerTestOneInput(data);
    }

    public static void fuzzerTestOneInput(byte[] data) {
        String text = FuzzInput.text(data);
        RelayPolicy policy;
        try {
            policy = RelayPolicyParser.parse("fuzz.conf", text);
        } catch (RelayPolicyException e) {
            check(e.line() >= 0 && e.line() <= text.split("\n", -1).length, "line " + e.line() + " outside", text);
            return;
        }
        for (RelayRequest request : REQUESTS) {
            RelayDecision decision = policy.evaluate(request);
            check(decision != null && decision.reason() != null, "no decision for " + request, text);
        }
        if (!text.contains("203.") && !text.contains("/") && !text.contains("*")
                && !text.contains("invalid") && !text.contains("::")) {
            check(!policy.evaluate(STRANGER).allowed(), "a stranger may relay anywhere", text);
        }
    }

    private static RelayRequest request(String ip, String name, String from, String to, String user) {
        try {
            return new RelayRequest(InetAddress.getByName(ip), Optional.ofNullable(name), from, to,
                    Optional.ofNullable(user));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
