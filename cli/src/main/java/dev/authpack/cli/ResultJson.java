package dev.authpack.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.authpack.check.SmtpAuthResult;
import dev.authpack.iprev.IprevResult;
import dev.authpack.spf.SpfVerdict;

/** The JSON members of CLI.md for each engine result: snake_case names, RFC 8601 result words, nulls kept. */
final class ResultJson {
    private ResultJson() {
    }

    /** The {@code spf} command's object: no {@code identity} (it is always the MAIL FROM identity). */
    static ObjectNode spfCommand(SpfVerdict verdict) {
        ObjectNode node = JsonOutput.object();
        node.put("result", verdict.result().word());
        putSpfDetails(node, verdict);
        return node;
    }

    /** The {@code spf} and {@code spf_helo} members of {@code check}: as the spf command, plus {@code identity}. */
    static ObjectNode spfMember(SpfVerdict verdict) {
        ObjectNode node = JsonOutput.object();
        node.put("result", verdict.result().word());
        node.put("identity", verdict.identity().word());
        putSpfDetails(node, verdict);
        return node;
    }

    private static void putSpfDetails(ObjectNode node, SpfVerdict verdict) {
        node.put("domain", verdict.domain());
        node.put("mechanism", verdict.mechanism());
        node.put("explanation", verdict.explanation());
        node.put("lookups", verdict.lookups());
        node.put("void_lookups", verdict.voidLookups());
        node.put("reason", verdict.reason());
    }

    static ObjectNode iprev(IprevResult result) {
        ObjectNode node = JsonOutput.object();
        node.put("result", result.result());
        node.put("ip", result.ip());
        ArrayNode names = node.putArray("names");
        result.names().forEach(names::add);
        node.put("reason", result.reason());
        return node;
    }

    static ObjectNode smtpAuth(SmtpAuthResult result) {
        ObjectNode node = JsonOutput.object();
        node.put("result", result.result());
        node.put("user", result.user().orElse(null));
        return node;
    }
}
