package dev.authpack.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.authpack.dkim.DkimReport;
import dev.authpack.dkim.DkimResult;
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

    /** CLI.md: one entry per signature, top to bottom; a single {"result": "none"} when unsigned. */
    static ArrayNode dkim(DkimReport report) {
        ArrayNode array = JsonOutput.array();
        for (DkimResult r : report.results()) {
            ObjectNode node = array.addObject();
            node.put("result", r.status().word());
            node.put("domain", r.domain());
            node.put("selector", r.selector());
            node.put("algorithm", r.algorithm());
            node.put("identity", r.identity());
            node.put("b", r.signatureStart());
            node.put("testing", r.testing());
            node.put("reason", r.reason());
        }
        if (report.error() != null) {
            ObjectNode node = array.addObject();
            node.put("result", "permerror");
            node.put("reason", report.error());
        } else if (report.results().isEmpty()) {
            array.addObject().put("result", "none");
        }
        return array;
    }
}
