package dev.authpack.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.authpack.authres.AuthResultsFields;
import dev.authpack.authres.AuthResultsHeader;
import dev.authpack.authres.AuthResultsTrust;
import dev.authpack.authres.FieldTrust;
import dev.authpack.authres.MethodResult;
import dev.authpack.authres.ResultProperty;
import dev.authpack.authres.TrustedAuthResults;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code authpack authres MESSAGE}: parses every {@code Authentication-Results} field under a trust policy (CLI.md). */
@Command(name = "authres", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {"Parses every Authentication-Results field of a message (RFC 8601), top to bottom.",
                "Prints {\"headers\": [...], \"results\": {method: result}} as JSON, where results holds the newest"
                        + " result of each method from a trusted authserv-id (a method with none is absent)."},
        footer = {"", "Exit status: 0 the fields were read (malformed ones are reported in the JSON);"
                + " 2 usage error or unreadable input."})
final class AuthresCommand implements Callable<Integer> {
    private static final int MAX_IDS = 100;

    @Parameters(index = "0", paramLabel = "MESSAGE", description = "RFC 5322 message file, or - for standard input.")
    String message;

    @Option(names = "--trusted-authserv", paramLabel = "ID",
            description = "An authserv-id whose fields are believed (repeatable). Without one, no field is.")
    List<String> trusted = new ArrayList<>();

    @Option(names = "--ignored-authserv", paramLabel = "ID",
            description = "An authserv-id whose fields are skipped, even if also trusted (repeatable).")
    List<String> ignored = new ArrayList<>();

    @Option(names = "--authserv-id", paramLabel = "ID",
            description = "Our own authserv-id: fields claiming it are never believed (\"trust\": \"own\").")
    String ownId;

    private final CliStreams streams;

    AuthresCommand(CliStreams streams) {
        this.streams = streams;
    }

    @Override
    public Integer call() {
        check("--trusted-authserv", trusted);
        check("--ignored-authserv", ignored);
        if (ownId != null) {
            check("--authserv-id", List.of(ownId));
        }
        byte[] bytes = MessageInput.read(message, streams.in());
        AuthResultsTrust trust = AuthResultsTrust.of(trusted, ignored, ownId);
        TrustedAuthResults evaluated = TrustedAuthResults.evaluate(AuthResultsFields.in(bytes), trust);

        ObjectNode out = JsonOutput.object();
        ArrayNode headers = out.putArray("headers");
        for (TrustedAuthResults.EvaluatedField field : evaluated.fields()) {
            headers.add(header(field));
        }
        ObjectNode results = out.putObject("results");
        evaluated.results().forEach(results::put);
        JsonOutput.write(out, streams.out());
        return ExitCodes.OK;
    }

    private static void check(String option, List<String> ids) {
        if (ids.size() > MAX_IDS) {
            throw new UsageException(option + " given more than " + MAX_IDS + " times");
        }
        for (String id : ids) {
            if (id == null || id.isBlank()) {
                throw new UsageException(option + " must not be empty");
            }
        }
    }

    private static ObjectNode header(TrustedAuthResults.EvaluatedField field) {
        ObjectNode node = JsonOutput.object();
        node.put("authserv_id", field.authservId().orElse(null));
        if (field.parsed().header().isPresent()) {
            node.put("version", field.parsed().header().get().version());
        } else {
            node.putNull("version");
        }
        node.put("trusted", field.trust() == FieldTrust.TRUSTED);
        node.put("trust", field.trust().word());
        node.put("error", field.parsed().error().orElse(null));
        ArrayNode results = node.putArray("results");
        for (MethodResult result : field.parsed().header().map(AuthResultsHeader::results).orElse(List.of())) {
            results.add(result(result));
        }
        return node;
    }

    /** {@code properties} nested by ptype: {@code {"header": {"d": "example.com"}}}; a repeated one keeps the first. */
    private static ObjectNode result(MethodResult result) {
        ObjectNode node = JsonOutput.object();
        node.put("method", result.method());
        node.put("result", result.result());
        node.put("reason", result.reason());
        ObjectNode properties = node.putObject("properties");
        for (ResultProperty p : result.properties()) {
            ObjectNode ptype = properties.has(p.ptype()) ? (ObjectNode) properties.get(p.ptype())
                    : properties.putObject(p.ptype());
            if (!ptype.has(p.property())) {
                ptype.put(p.property(), p.value());
            }
        }
        return node;
    }
}
