package dev.authpack.cli;

import static dev.authpack.cli.CliRun.resource;
import static dev.authpack.cli.CliRun.run;
import static dev.authpack.cli.CliRun.runWithInput;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AuthresCommandTest {

    private static String message() {
        return resource("/messages/authres.eml");
    }

    private static JsonNode ok(CliRun run) {
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stderr()).as(run.toString()).isEmpty();
        return run.json();
    }

    @Test
    void fullOutputWithTrustPolicy() {
        CliRun run = run("authres", message(), "--trusted-authserv", "MX1.example.net",
                "--trusted-authserv", "mx2.example.net", "--trusted-authserv", "old.example.net",
                "--ignored-authserv", "old.example.net", "--authserv-id", "mx.example.org");
        ok(run);
        assertThat(run.stdout()).isEqualTo(EXPECTED);
    }

    static final String EXPECTED = """
            {
              "headers": [ {
                "authserv_id": "mx.example.org",
                "version": 1,
                "trusted": false,
                "trust": "own",
                "error": null,
                "results": [ {
                  "method": "spf",
                  "result": "pass",
                  "reason": null,
                  "properties": {
                    "smtp": {
                      "mailfrom": "forged.example"
                    }
                  }
                } ]
              }, {
                "authserv_id": "mx1.example.net",
                "version": 1,
                "trusted": true,
                "trust": "trusted",
                "error": null,
                "results": [ {
                  "method": "dkim",
                  "result": "pass",
                  "reason": "good signature",
                  "properties": {
                    "header": {
                      "d": "example.com",
                      "s": "s1",
                      "b": "dGhpcyBp"
                    }
                  }
                }, {
                  "method": "dkim",
                  "result": "fail",
                  "reason": null,
                  "properties": {
                    "header": {
                      "d": "other.example"
                    }
                  }
                }, {
                  "method": "spf",
                  "result": "softfail",
                  "reason": null,
                  "properties": {
                    "smtp": {
                      "mailfrom": "example.com"
                    }
                  }
                } ]
              }, {
                "authserv_id": "evil.example",
                "version": 1,
                "trusted": false,
                "trust": "untrusted",
                "error": null,
                "results": [ {
                  "method": "dmarc",
                  "result": "pass",
                  "reason": null,
                  "properties": {
                    "header": {
                      "from": "bank.example"
                    }
                  }
                } ]
              }, {
                "authserv_id": "mx1.example.net",
                "version": null,
                "trusted": true,
                "trust": "trusted",
                "error": "expected '=' after smtp.mailfrom at character 40, found the end of the field",
                "results": [ ]
              }, {
                "authserv_id": "mx2.example.net",
                "version": 1,
                "trusted": true,
                "trust": "trusted",
                "error": null,
                "results": [ {
                  "method": "dmarc",
                  "result": "fail",
                  "reason": null,
                  "properties": {
                    "header": {
                      "from": "example.com"
                    }
                  }
                }, {
                  "method": "dkim",
                  "result": "none",
                  "reason": null,
                  "properties": { }
                } ]
              }, {
                "authserv_id": "old.example.net",
                "version": 1,
                "trusted": false,
                "trust": "ignored",
                "error": null,
                "results": [ {
                  "method": "arc",
                  "result": "pass",
                  "reason": null,
                  "properties": { }
                } ]
              } ],
              "results": {
                "dkim": "pass",
                "spf": "softfail",
                "dmarc": "fail"
              }
            }
            """;

    @Test
    void withoutTrustedIdsNothingCounts() {
        JsonNode json = ok(run("authres", message()));
        assertThat(json.get("headers").size()).isEqualTo(6);
        assertThat(json.get("results").size()).isZero();
        for (JsonNode header : json.get("headers")) {
            assertThat(header.get("trusted").asBoolean()).isFalse();
        }
        // without --authserv-id, our own id is just another untrusted one
        assertThat(json.get("headers").get(0).get("trust").asText()).isEqualTo("untrusted");
    }

    @Test
    void ownIdNeverCountsEvenIfTrusted() {
        JsonNode json = ok(run("authres", message(), "--trusted-authserv", "mx.example.org",
                "--authserv-id", "MX.example.org"));
        assertThat(json.get("headers").get(0).get("trust").asText()).isEqualTo("own");
        assertThat(json.get("results").size()).isZero();
        JsonNode trustedOwn = ok(run("authres", message(), "--trusted-authserv", "mx.example.org")).get("results");
        assertThat(trustedOwn.get("spf").asText()).isEqualTo("pass");
    }

    @Test
    void standardInputLfLineEndsAndNoFields() {
        byte[] lf = ("Authentication-Results: a.example;\n  spf=fail (folded)\n  smtp.mailfrom=x.example\n"
                + "Subject: x\n\nbody\n").getBytes(StandardCharsets.UTF_8);
        JsonNode json = ok(runWithInput(lf, "authres", "-", "--trusted-authserv", "a.example"));
        assertThat(json.get("results").get("spf").asText()).isEqualTo("fail");
        assertThat(json.get("headers").get(0).get("results").get(0).get("properties").get("smtp").get("mailfrom")
                .asText()).isEqualTo("x.example");

        JsonNode none = ok(runWithInput("Subject: x\r\n\r\n".getBytes(StandardCharsets.UTF_8), "authres", "-"));
        assertThat(none.get("headers").size()).isZero();
        assertThat(none.get("results").size()).isZero();
    }

    @Test
    void unreadableFieldWithoutAnAuthservId() {
        byte[] msg = "Authentication-Results: spf=pass smtp.mailfrom=x\r\n\r\n".getBytes(StandardCharsets.UTF_8);
        JsonNode header = ok(runWithInput(msg, "authres", "-", "--trusted-authserv", "spf=pass")).get("headers").get(0);
        assertThat(header.get("authserv_id").isNull()).isTrue();
        assertThat(header.get("trusted").asBoolean()).isFalse();
        assertThat(header.get("trust").asText()).isEqualTo("untrusted");
        assertThat(header.get("error").asText()).isEqualTo("no authserv-id: the field starts with a result ('spf=')");
        assertThat(header.get("results").size()).isZero();
        byte[] empty = "Authentication-Results:\r\n\r\n".getBytes(StandardCharsets.UTF_8);
        JsonNode emptyHeader = ok(runWithInput(empty, "authres", "-")).get("headers").get(0);
        assertThat(emptyHeader.get("authserv_id").isNull()).isTrue();
        assertThat(emptyHeader.get("version").isNull()).isTrue();
        assertThat(emptyHeader.get("error").asText()).isEqualTo("no authserv-id: the field is empty");
    }

    @Test
    void usageErrors() {
        CliRun missing = run("authres", "no-such-file.eml");
        assertThat(missing.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.stdout()).isEmpty();
        assertThat(missing.stderr()).isEqualTo("authpack authres: cannot read message no-such-file.eml: no such file\n");

        CliRun blank = run("authres", message(), "--trusted-authserv", " ");
        assertThat(blank.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(blank.stderr()).isEqualTo("authpack authres: --trusted-authserv must not be empty\n");

        CliRun noMessage = run("authres");
        assertThat(noMessage.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(noMessage.stderr()).startsWith("authpack authres: Missing required parameter: 'MESSAGE'");
    }

    @Test
    void help() {
        CliRun help = run("authres", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.stdout()).contains("--trusted-authserv=ID", "--ignored-authserv=ID", "--authserv-id=ID");
        assertThat(run("--help").stdout()).contains("authres");
    }
}
