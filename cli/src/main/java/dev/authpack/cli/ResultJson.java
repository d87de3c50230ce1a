package dev.authpack.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.authpack.arc.ArcResult;
import dev.authpack.arc.ArcSet;
import dev.authpack.check.AuthCheckReport;
import dev.authpack.dkim.DkimReport;
import dev.authpack.dmarc.DmarcResult;
import dev.authpack.dkim.DkimResult;
import dev.authpack.check.SmtpAuthResult;
import dev.authpack.iprev.IprevResult;
import dev.authpack.spf.SpfResult;

/**
 * The JSON members of CLI.md for each engine result: snake_case names, RFC 8601 result words, nulls kept. Every
 * result that can be of this server's own DNS overload (SPF, DKIM, iprev, DMARC, ARC) has {@code local_overload}, true or
 * false, as its {@code localOverload()} says.
 */
final class ResultJson {
    private ResultJson() {
    }

    /** The {@code spf} command's object: no {@code identity} (it is always the MAIL FROM identity). */
    static ObjectNode spfCommand(SpfResult verdict) {
        ObjectNode node = JsonOutput.object();
        node.put("result", verdict.status().word());
        putSpfDetails(node, verdict);
        return node;
    }

    /** The {@code spf} and {@code spf_helo} members of {@code check}: as the spf command, plus {@code identity}. */
    static ObjectNode spfMember(SpfResult verdict) {
        ObjectNode node = JsonOutput.object();
        node.put("result", verdict.status().word());
        node.put("identity", verdict.identity().word());
        putSpfDetails(node, verdict);
        return node;
    }

    private static void putSpfDetails(ObjectNode node, SpfResult verdict) {
        node.put("domain", verdict.domain());
        node.put("mechanism", verdict.mechanism());
        node.put("explanation", verdict.explanation());
        node.put("lookups", verdict.lookups());
        node.put("void_lookups", verdict.voidLookups());
        node.put("reason", verdict.reason());
        node.put("local_overload", verdict.localOverload());
    }

    static ObjectNode iprev(IprevResult result) {
        ObjectNode node = JsonOutput.object();
        node.put("result", result.status().word());
        node.put("ip", result.ip());
        ArrayNode names = node.putArray("names");
        result.names().forEach(names::add);
        node.put("reason", result.reason());
        node.put("local_overload", result.localOverload());
        return node;
    }

    static ObjectNode smtpAuth(SmtpAuthResult result) {
        ObjectNode node = JsonOutput.object();
        node.put("result", result.status().word());
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
            node.put("local_overload", r.localOverload());
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

    /** CLI.md: result, domain, policy, disposition, spf_aligned, dkim_aligned (and what led there). */
    static ObjectNode dmarc(DmarcResult result, AuthCheckReport report) {
        ObjectNode node = JsonOutput.object();
        node.put("result", result.status().word());
        node.put("domain", result.fromDomain());
        node.put("policy", result.policy() == null ? null : result.policy().word());
        node.put("disposition", report.dmarcDisposition().word());
        node.put("requested_disposition", result.disposition().word());
        node.put("spf_aligned", result.spfAligned());
        node.put("dkim_aligned", result.dkimAligned());
        node.put("policy_domain", result.policyDomain());
        node.put("test_mode", result.testMode());
        node.put("override", report.dmarcOverride().map(o -> "local_policy").orElse(null));
        node.put("override_reason", report.dmarcOverride().map(o -> o.reason()).orElse(null));
        node.put("reason", result.reason());
        node.put("local_overload", result.localOverload());
        return node;
    }

    /** CLI.md: result, sets, reason (and the chain). */
    static ObjectNode arc(ArcResult result) {
        ObjectNode node = JsonOutput.object();
        node.put("result", result.status().word());
        node.put("sets", result.sets().size());
        node.put("reason", result.reason());
        node.put("oldest_pass", result.oldestPass() < 0 ? null : result.oldestPass());
        node.put("local_overload", result.localOverload());
        ArrayNode chain = node.putArray("chain");
        for (ArcSet set : result.sets()) {
            ObjectNode s = chain.addObject();
            s.put("instance", set.instance());
            s.put("seal_domain", set.sealDomain());
            s.put("cv", set.cv());
            s.put("authserv_id", set.authservId());
            s.put("auth_results", set.authResults());
        }
        return node;
    }
}
