package dev.authpack.cli;

import static dev.authpack.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.authpack.dns.ZoneFileResolver;
import dev.authpack.zonefile.ZoneData;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Review s22: {@code --dns-records} files are bounded in what they cost to load. A zone file is read whole, and
 * {@code $GENERATE} turns one line into as many records as its range says: without a bound on the octets read and on
 * the records of all files together, a zone file sent with a "reproduce my problem" report ends the JVM with an
 * OutOfMemoryError and a stack trace instead of exit 2 and one line (CLI.md "Exit status").
 */
class ReviewS22ZoneFileTest {
    @TempDir
    Path dir;

    private Path sparse(String name, long length) throws IOException {
        Path file = dir.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(length); // sparse: costs no disk
        }
        return file;
    }

    private static CliRun spf(Path... zones) {
        String[] args = new String[6 + 2 * zones.length];
        String[] fixed = {"spf", "--ip", "192.0.2.10", "--mail-from", "alice@example.com", "--now=0"};
        System.arraycopy(fixed, 0, args, 0, fixed.length);
        for (int i = 0; i < zones.length; i++) {
            args[fixed.length + 2 * i] = "--dns-records";
            args[fixed.length + 2 * i + 1] = zones[i].toString();
        }
        return run(args);
    }

    private static void assertOneLineUsageError(CliRun run, String expected) {
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.stdout()).isEmpty();
        assertThat(run.stderr()).as(run.toString()).endsWith("\n").containsOnlyOnce("\n").contains(expected);
    }

    @Test
    void aZoneFileOfSeveralGigabytesIsRefusedWithoutReadingIt() throws IOException {
        Path huge = sparse("huge.zone", 3L << 30);
        assertOneLineUsageError(spf(huge), "cannot use --dns-records: " + huge + ": larger than "
                + ZoneFileResolver.MAX_ZONE_BYTES + " bytes");
    }

    @Test
    void zoneFilesTogetherOverTheBoundAreRefused() throws IOException {
        Path a = sparse("a.zone", ZoneFileResolver.MAX_ZONE_BYTES / 2);
        Path b = sparse("b.zone", ZoneFileResolver.MAX_ZONE_BYTES / 2 + 1);
        assertOneLineUsageError(spf(a, b), "larger than " + ZoneFileResolver.MAX_ZONE_BYTES + " bytes");
    }

    @Test
    void generateIsBoundedOverAllFilesTogetherNotPerFile() throws IOException {
        // each file alone is under the old per-file bound; together they are over it
        int each = ZoneData.MAX_RECORDS / 2 + 1;
        Path a = Files.writeString(dir.resolve("a.zone"), "$ORIGIN a.example.\n$GENERATE 1-" + each
                + " h$ A 192.0.2.1\n", StandardCharsets.US_ASCII);
        Path b = Files.writeString(dir.resolve("b.zone"), "$ORIGIN b.example.\n$GENERATE 1-" + each
                + " h$ A 192.0.2.1\n", StandardCharsets.US_ASCII);
        assertOneLineUsageError(spf(a, b), b + ": more than " + ZoneData.MAX_RECORDS + " records");
    }

    @Test
    void deepNamesDoNotMakeAnEmptyNonTerminalOfEveryAncestor() throws IOException {
        // 100,000 names of 121 labels whose second label differs, so that no two share more than one ancestor. The
        // old ZoneData listed every ancestor as an empty non-terminal up front: 12 million names here (199,000 names
        // in a 283-octet file: over 6 GB and more than 10 minutes). Now one is found when asked.
        Path z = Files.writeString(dir.resolve("deep.zone"), "$ORIGIN .\n$GENERATE 1-100000 " + "a.".repeat(119)
                + "$.t CNAME spf.example.\nspf.example. TXT \"v=spf1 -all\"\n", StandardCharsets.US_ASCII);
        CliRun run = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> run("spf", "--ip", "192.0.2.10",
                "--mail-from", "alice@" + "a.".repeat(119) + "7.t", "--dns-records", z.toString()));
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.json().get("result").asText()).as(run.toString()).isEqualTo("fail");
    }

    /**
     * Review s22 (reviewB): within the 200,000 records, one owner name and type with many records. ZoneData.add
     * drops a duplicate by {@code List.contains} over the records of that name and type, so loading is quadratic:
     * a 60-octet file of one {@code $GENERATE} line makes 200,000 NS records at one name, about 2e10 comparisons
     * of canonical wire forms (each allocating), far longer than the deep-names case above.
     */
    @Test
    void manyRecordsAtOneNameDoNotMakeLoadingQuadratic() throws IOException {
        Path z = Files.writeString(dir.resolve("wide.zone"), "$ORIGIN example.com.\n$GENERATE 1-100000 wide NS ns$\n"
                + "example.com. TXT \"v=spf1 -all\"\n", StandardCharsets.US_ASCII);
        CliRun run = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> run("spf", "--ip", "192.0.2.10",
                "--mail-from", "alice@example.com", "--dns-records", z.toString()));
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.json().get("result").asText()).as(run.toString()).isEqualTo("fail");
    }

    @Test
    void includeIsRefusedAndNamesTheFile() throws IOException {
        Path z = Files.writeString(dir.resolve("inc.zone"), "$INCLUDE /etc/passwd\n", StandardCharsets.US_ASCII);
        CliRun run = spf(z);
        assertOneLineUsageError(run, z + ": <none>:1: $INCLUDE encountered");
        assertThat(run.stderr()).doesNotContain("root:");
    }

    @Test
    void aNameOverTwoHundredFiftyFiveOctetsIsAParseError() throws IOException {
        String label = "a".repeat(63);
        Path z = Files.writeString(dir.resolve("long.zone"), String.join(".", label, label, label, label)
                + ".example.com. TXT \"v=spf1 -all\"\n", StandardCharsets.US_ASCII);
        assertOneLineUsageError(spf(z), "Name too long");
    }
}
