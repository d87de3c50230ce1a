package dev.authpack.cli;

import dev.authpack.dns.DnsResolver;
import dev.authpack.dns.DnsResolvers;
import dev.authpack.dns.DnsSettings;
import dev.authpack.dns.ZoneFileResolver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Option;

/** Where DNS answers come from (CLI.md "Common"): zone files, chosen servers, or the system resolver. */
final class DnsOptions {
    /** Bounds on repeatable options, so a runaway script cannot make us open thousands of files or sockets. */
    static final int MAX_ZONE_FILES = 100;
    static final int MAX_SERVERS = 16;

    @Option(names = "--dns-records", paramLabel = "FILE",
            description = {"Answer every DNS query from this RFC 1035 zone (master) file instead of the network;"
                    + " repeatable. A name with no record in the files is NXDOMAIN. $ORIGIN and $TTL work."})
    List<Path> zoneFiles = new ArrayList<>();

    @Option(names = "--dns-server", paramLabel = "HOST[:PORT]",
            description = {"DNS server to ask (repeatable; IPv6 as [ADDR]:PORT). Default: the system's resolvers."})
    List<String> servers = new ArrayList<>();

    @Option(names = "--dns-timeout", paramLabel = "MILLIS",
            description = {"Time allowed for one DNS question, 1 to 60000 ms (default: ${DEFAULT-VALUE})."})
    long timeoutMillis = DnsSettings.defaults().timeout().toMillis();

    /**
     * What the resolver of the zone files is made into before use: itself, except in tests ({@link
     * AuthpackCli#execute(String[], CliStreams, UnaryOperator)}: a resolver at its bound for some names).
     */
    UnaryOperator<ZoneFileResolver> zoneResolver = UnaryOperator.identity();

    /** The resolver these options describe. @throws UsageException for unusable options or zone files */
    DnsResolver resolver() {
        Duration timeout = timeout();
        if (!zoneFiles.isEmpty() && !servers.isEmpty()) {
            throw new UsageException("--dns-records and --dns-server cannot be used together");
        }
        if (!zoneFiles.isEmpty()) {
            return zoneFileResolver();
        }
        if (servers.size() > MAX_SERVERS) {
            throw new UsageException("at most " + MAX_SERVERS + " --dns-server options");
        }
        try {
            return DnsResolvers.create(new DnsSettings(servers, timeout, DnsSettings.DEFAULT_CACHE_SIZE));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--dns-server: " + OneLine.of(e.getMessage()));
        }
    }

    /** @throws UsageException unless 1 to 60000 ms ({@link DnsSettings#timeout(long)}) */
    Duration timeout() {
        try {
            return DnsSettings.timeout(timeoutMillis);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--dns-timeout: " + e.getMessage());
        }
    }

    private DnsResolver zoneFileResolver() {
        if (zoneFiles.size() > MAX_ZONE_FILES) {
            throw new UsageException("at most " + MAX_ZONE_FILES + " --dns-records files");
        }
        for (Path file : zoneFiles) {
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                throw new UsageException("cannot read --dns-records " + file + ": "
                        + (Files.exists(file) ? "not a readable file" : "no such file"));
            }
        }
        try {
            return zoneResolver.apply(ZoneFileResolver.fromFiles(zoneFiles));
        } catch (IOException | IllegalArgumentException e) {
            throw new UsageException("cannot use --dns-records: " + OneLine.of(e.getMessage()));
        }
    }
}
