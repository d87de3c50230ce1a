package dev.authpack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.authpack.dns.ZoneFileResolver;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.UnaryOperator;

/** Runs {@code authpack} in-process and keeps what it wrote. */
record CliRun(int exitCode, String stdout, String stderr) {

    static CliRun run(String... args) {
        return runWithInput(new byte[0], args);
    }

    static CliRun runWithInput(byte[] stdin, String... args) {
        return run(stdin, UnaryOperator.identity(), args);
    }

    /** {@link #run} with the resolver of {@code --dns-records} made into another (one at its bound for a name). */
    static CliRun runWithZoneResolver(UnaryOperator<ZoneFileResolver> zoneResolver, String... args) {
        return run(new byte[0], zoneResolver, args);
    }

    private static CliRun run(byte[] stdin, UnaryOperator<ZoneFileResolver> zoneResolver, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        InputStream in = new ByteArrayInputStream(stdin);
        int code = AuthpackCli.execute(args, new CliStreams(in, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)), zoneResolver);
        return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    JsonNode json() {
        try {
            return new ObjectMapper().readTree(stdout);
        } catch (IOException e) {
            throw new UncheckedIOException("stdout is not JSON: " + stdout + "\nstderr: " + stderr, e);
        }
    }

    List<String> fieldNames() {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = json().fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    static String resource(String name) {
        try {
            return Path.of(CliRun.class.getResource(name).toURI()).toString();
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing test resource " + name, e);
        }
    }

    static String zone() {
        return resource("/zones/example.zone");
    }

    static String message() {
        return resource("/messages/simple.eml");
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }
}
