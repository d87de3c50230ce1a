package dev.authpack.check;

import dev.authpack.authres.AuthResultsParser;
import dev.authpack.authres.AuthResultsWriter;
import dev.authpack.authres.MethodResult;
import dev.authpack.authres.ParsedAuthResults;
import dev.authpack.dkim.DkimReport;
import dev.authpack.dkim.DkimResult;
import dev.authpack.dkim.DkimStatus;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class AuthCheckReportTest {
    private static DkimResult signature(int i, DkimStatus status) {
        return new DkimResult(status, status == DkimStatus.PASS ? null : "not verified: more than 10 signatures"
                + " to verify in the message " + "x".repeat(100), "d" + i + ".example", "@d" + i + ".example",
                "selector" + i, "rsa-sha256", "AbCdEfGh", false, i);
    }

    private static AuthCheckReport report(DkimReport dkim) {
        return new AuthCheckReport(Optional.of(dkim), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    @Test
    void nineHundredNinetySignaturesGiveAFieldOurOwnParserReads() {
        List<DkimResult> results = new ArrayList<>();
        for (int i = 0; i < 990; i++) {
            DkimStatus status = i == 500 || i == 989 ? DkimStatus.PASS : i % 100 == 7 ? DkimStatus.FAIL
                    : i % 3 == 0 ? DkimStatus.PERMERROR : DkimStatus.POLICY;
            results.add(signature(i, status));
        }
        List<MethodResult> written = report(new DkimReport(results, null, 1)).methodResults();
        assertThat(written).hasSize(AuthCheckReport.MAX_DKIM_RESULTS + 1);
        // the passes and the fails are kept, in field order; the rest is counted in one resinfo
        assertThat(written.subList(0, AuthCheckReport.MAX_DKIM_RESULTS)).extracting(MethodResult::result)
                .containsExactly("fail", "fail", "fail", "fail", "fail", "pass", "fail", "fail", "fail", "pass");
        assertThat(written.get(5).properties().get(0).value()).isEqualTo("d500.example");
        MethodResult summary = written.get(AuthCheckReport.MAX_DKIM_RESULTS);
        assertThat(summary.result()).isEqualTo("policy");
        assertThat(summary.reason()).isEqualTo("980 more DKIM signatures not listed: 2 fail, 327 permerror,"
                + " 651 policy");

        String field = AuthResultsWriter.headerValue("mx.example.org", written);
        assertThat(field.length()).isLessThan(AuthResultsWriter.MAX_FIELD_CHARS);
        ParsedAuthResults parsed = AuthResultsParser.parse(field);
        assertThat(parsed.error()).isEmpty();
        assertThat(parsed.header().orElseThrow().results()).hasSize(11);
    }

    @Test
    void aFewSignaturesAreAllListed() {
        List<DkimResult> results = new ArrayList<>();
        for (int i = 0; i < AuthCheckReport.MAX_DKIM_RESULTS; i++) {
            results.add(signature(i, DkimStatus.POLICY));
        }
        assertThat(report(new DkimReport(results, null, 1)).methodResults()).hasSize(AuthCheckReport.MAX_DKIM_RESULTS)
                .allMatch(r -> r.result().equals("policy") && r.reason().startsWith("not verified"));
    }
}
