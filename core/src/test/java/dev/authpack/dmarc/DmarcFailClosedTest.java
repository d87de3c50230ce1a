package dev.authpack.dmarc;

import dev.authpack.check.AuthResultsMapping;
import static dev.authpack.dmarc.DmarcTesting.dkimPass;
import static dev.authpack.dmarc.DmarcTesting.dmarc;
import static dev.authpack.dmarc.DmarcTesting.host;
import static dev.authpack.dmarc.DmarcTesting.noSpf;
import static dev.authpack.dmarc.DmarcTesting.spfPass;
import static dev.authpack.dmarc.DmarcTesting.unsigned;
import static dev.authpack.dmarc.DmarcTesting.zone;
import static org.assertj.core.api.Assertions.assertThat;

import dev.authpack.dkim.DkimReport;
import dev.authpack.dns.DnsLookup;
import dev.authpack.dns.DnsOutcome;
import dev.authpack.dns.DnsResolver;
import dev.authpack.dns.MxHost;
import dev.authpack.dns.ZoneFileResolver;
import dev.authpack.mail.RawMessage;
import dev.authpack.spf.SpfResult;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The attacker's view (issue 9): {@code From: ceo@victim.example} (p=reject) sent by an attacker whose own domain
 * passes SPF. Whatever the attacker does to the header section, the From field or the DNS of names the victim does
 * not own, {@code disposition} must stay {@code reject} (what {@code DmarcDisposition=reject} matches).
 */
class DmarcFailClosedTest {
    static final String VICTIM = "ceo@victim.example";
    static final Optional<SpfResult> ATTACKER_SPF = spfPass("attacker.example");

    static final ZoneFileResolver DNS = zone(
            dmarc("victim.example", "v=DMARC1; p=reject"),
            dmarc("quarantined.example", "v=DMARC1; p=quarantine"),
            dmarc("lenient.example", "v=DMARC1; p=none"),
            host("victim.example"), host("attacker.example"), host("mail.victim.example"),
            "_dmarc.loop.example. CNAME _dmarc.loop2.example.",
            "_dmarc.loop2.example. CNAME _dmarc.loop.example.",
            host("loop.example"));

    static DmarcResult from(DnsResolver dns, DmarcOptions options, List<String> values, Optional<SpfResult> spf,
                            Optional<DkimReport> dkim) {
        return new DmarcEvaluator(dns, options).evaluate(values, spf, dkim).join();
    }

    static DmarcResult from(String... values) {
        return from(DNS, DmarcOptions.DEFAULT, List.of(values), ATTACKER_SPF, unsigned());
    }

    static DmarcResult message(String text) {
        return message(text.getBytes(StandardCharsets.UTF_8));
    }

    static DmarcResult message(byte[] bytes) {
        return new DmarcEvaluator(DNS).evaluate(bytes, ATTACKER_SPF, unsigned()).join();
    }

    static void assertRejected(DmarcResult r) {
        assertThat(r.disposition()).as(r.toString()).isEqualTo(DmarcPolicy.REJECT);
        assertThat(r.enforcementRequested()).isTrue();
    }

    /** Each From value names victim.example and is rejected. */
    static void assertEachNamesTheVictimAndIsRejected(List<String> values) {
        for (String v : values) {
            DmarcResult r = from(v);
            assertThat(r.fromDomains()).as(v).contains("victim.example");
            assertRejected(r);
        }
    }

    @Nested
    class AlignmentWithoutAttackerDns {
        @Test
        void servfailOrTimeoutAtTheAttackersDmarcKeepsTheFail() {
            for (DnsOutcome outcome : List.of(DnsOutcome.TEMP_FAILURE, DnsOutcome.TIMEOUT)) {
                for (DmarcOptions o : List.of(DmarcOptions.DEFAULT, DmarcOptions.DEFAULT.withMode(DmarcMode.RFC7489))) {
                    CountingResolver dns = new CountingResolver(
                            DNS.withFailure("_dmarc.attacker.example", outcome));
                    DmarcResult r = from(dns, o, List.of(VICTIM), ATTACKER_SPF, dkimPass("attacker.example"));
                    assertThat(r.status()).as(outcome + " " + o.mode()).isEqualTo(DmarcStatus.FAIL);
                    assertRejected(r);
                    assertThat(dns.askedTxt()).as("no name of the attacker is asked")
                            .noneMatch(n -> n.endsWith("attacker.example"));
                }
            }
        }

        @Test
        void aCnameLoopAtTheAttackersDmarcKeepsTheFail() {
            CountingResolver dns = new CountingResolver(DNS);
            DmarcResult r = from(dns, DmarcOptions.DEFAULT, List.of(VICTIM), spfPass("loop.example"), unsigned());
            assertThat(r.status()).isEqualTo(DmarcStatus.FAIL);
            assertRejected(r);
            assertThat(dns.askedTxt()).containsExactlyInAnyOrder("_dmarc.victim.example", "_dmarc.example");
        }

        @Test
        void anIdentifierOutsideTheOrganizationalDomainIsDecidedWithoutDns() {
            CountingResolver dns = new CountingResolver(DNS);
            DmarcResult r = from(dns, DmarcOptions.DEFAULT, List.of(VICTIM), spfPass("victim.example.attacker.example"),
                    dkimPass("evil-victim.example", "example", "a.b.c.d.e.f.g.h.example"));
            assertThat(r.status()).isEqualTo(DmarcStatus.FAIL);
            assertThat(dns.askedTxt()).containsExactlyInAnyOrder("_dmarc.victim.example", "_dmarc.example");
        }

        @Test
        void aFailureAtANameOfTheAuthorsOrganizationIsATemperrorThatStillRejects() {
            ZoneFileResolver failing = DNS.withFailure("_dmarc.mail.victim.example", DnsOutcome.TEMP_FAILURE);
            DmarcResult r = from(failing, DmarcOptions.DEFAULT, List.of(VICTIM), spfPass("mail.victim.example"),
                    unsigned());
            assertThat(r.status()).isEqualTo(DmarcStatus.TEMPERROR);
            assertRejected(r);
            assertThat(AuthResultsMapping.dmarc(r).reason()).contains("dis=reject");
            DmarcResult lenient = from(failing,
                    DmarcOptions.DEFAULT.withUnverifiableDisposition(UnverifiableDisposition.NONE), List.of(VICTIM),
                    spfPass("mail.victim.example"), unsigned());
            assertThat(lenient.status()).isEqualTo(DmarcStatus.TEMPERROR);
            assertThat(lenient.disposition()).isEqualTo(DmarcPolicy.NONE);
        }

        @Test
        void aFailureAboveTheAuthorAndAtTheAttackerStillRejects() {
            ZoneFileResolver failing = DNS.withFailure("_dmarc.example", DnsOutcome.TIMEOUT)
                    .withFailure("_dmarc.attacker.example", DnsOutcome.TEMP_FAILURE);
            assertRejected(from(failing, DmarcOptions.DEFAULT, List.of(VICTIM), ATTACKER_SPF, unsigned()));
            ZoneFileResolver above = DNS.withFailure("_dmarc.example", DnsOutcome.TIMEOUT);
            assertRejected(from(above, DmarcOptions.DEFAULT, List.of(VICTIM), ATTACKER_SPF, unsigned()));
        }

        @Test
        void anAttackerAuthorDomainThatFailsDoesNotHideTheVictim() {
            ZoneFileResolver failing = DNS.withFailure("_dmarc.attacker.example", DnsOutcome.TEMP_FAILURE);
            DmarcResult r = from(failing, DmarcOptions.DEFAULT, List.of("x@attacker.example, " + VICTIM),
                    ATTACKER_SPF, unsigned());
            assertThat(r.status()).isEqualTo(DmarcStatus.FAIL);
            assertRejected(r);
        }
    }

    @Nested
    class UnreadableHeaderSection {
        private static final String REST = "From: " + VICTIM + "\r\nSubject: hi\r\n\r\nbody\r\n";

        @Test
        void everyUnreadableHeaderIsReadBestEffort() {
            List<String> prefixes = List.of(
                    "Received: x\r\nthis line has no colon\r\n",
                    "X Bad Name: value\r\n",
                    "X-Bad\u00e9: value\r\n",
                    " leading continuation\r\n",
                    ": empty name\r\n",
                    "X-Nul\u0000: value\r\n");
            for (String prefix : prefixes) {
                DmarcResult r = message(prefix + REST);
                assertThat(r.status()).as(prefix).isEqualTo(DmarcStatus.FAIL);
                assertThat(r.fromDomain()).isEqualTo("victim.example");
                assertRejected(r);
            }
        }

        @Test
        void theBadLineMayComeAfterTheFromField() {
            assertRejected(message("From: " + VICTIM + "\r\nno colon here\r\nSubject: x\r\n\r\n"));
            assertRejected(message("Subject: x\r\nFrom: " + VICTIM + "\r\nX Bad: y\r\n\r\n"));
        }

        @Test
        void oddlyWrittenFromFieldNames() {
            for (String name : List.of("From ", "FROM\t", "Fr om", "Fro\u00e9m", "Fr\u0000om", "from")) {
                DmarcResult r = message("Subject: x\r\n" + name + ": " + VICTIM + "\r\nFrom: x@attacker.example\r\n\r\n");
                assertThat(r.fromDomains()).as(name).contains("victim.example", "attacker.example");
                assertRejected(r);
            }
            // an indented line after a field continues it (RFC 5322 §2.2.3), as every client reads it
            DmarcResult folded = message("Subject: x\r\n From: " + VICTIM + "\r\nFrom: x@attacker.example\r\n\r\n");
            assertThat(folded.fromDomains()).containsExactly("attacker.example");
            assertRejected(message(" From: " + VICTIM + "\r\nSubject: x\r\n\r\n"));
        }

        @Test
        void aLoneCarriageReturnCannotHideAFromField() {
            assertRejected(message("Subject: hi\rFrom: " + VICTIM + "\r\nFrom: x@attacker.example\r\n\r\n"));
        }

        @Test
        void aBareLineFeedBeforeTheEmptyLineCannotHideAFromField() {
            assertRejected(message("From: x@attacker.example\r\nSubject: x\n\r\nFrom: " + VICTIM + "\r\n\r\nbody\r\n"));
        }

        @Test
        void tooManyFields() {
            String fields = "X-Filler: y\r\n".repeat(1_500);
            assertRejected(message(fields + REST));
            assertRejected(message("From: " + VICTIM + "\r\n" + fields + "\r\n"));
        }

        @Test
        void overOneMebibyte() {
            String big = "X-Big: " + "y".repeat(1_100_000) + "\r\n";
            assertRejected(message(big + REST));
            String folded = "X-Big: y\r\n" + " y\r\n".repeat(400_000);
            assertRejected(message(folded + REST));
        }

        @Test
        void theParsedMessageIsReadTheSameWay() throws Exception {
            byte[] bytes = ("Subject: hi\rFrom: " + VICTIM + "\r\nFrom: x@attacker.example\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8);
            DmarcResult r = new DmarcEvaluator(DNS).evaluate(RawMessage.parse(bytes), ATTACKER_SPF, unsigned())
                    .join();
            assertRejected(r);
        }

        @Test
        void aWellFormedMessageIsUnchanged() {
            DmarcResult r = message("From: x@attacker.example\r\nSubject: hi\r\n\r\nFrom: " + VICTIM + "\r\n");
            assertThat(r.fromDomain()).isEqualTo("attacker.example");
            assertThat(r.fromDomains()).containsExactly("attacker.example");
        }

        @Test
        void aFromBeyondTheScanBoundFailsClosed() {
            FromFieldScan scan = FromFieldScan.of(("X: " + "y".repeat(100) + "\r\nFrom: " + VICTIM + "\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8), 50);
            assertThat(scan.complete()).isFalse();
        }

        @Test
        void noReadableFromAtAll() {
            DmarcResult r = message("no colon\r\nSubject: x\r\n\r\n");
            assertThat(r.status()).isEqualTo(DmarcStatus.PERMERROR);
            assertThat(r.disposition()).isEqualTo(DmarcPolicy.NONE);
            assertThat(r.reason()).contains("unreadable header section");
        }
    }

    /** The attacker publishes a record, so that its own From passes DMARC (the readers' attacks below). */
    static final ZoneFileResolver READERS_DNS = zone(
            dmarc("victim.example", "v=DMARC1; p=reject"), dmarc("attacker.example", "v=DMARC1; p=none"),
            host("victim.example"), host("attacker.example"));

    /**
     * The From values of a reading whose lines end at {@code lineEnd} only and whose header section ends at the first
     * empty line of it; a name is read without controls and white space (so without a CR or LF in it).
     */
    static List<String> readingFromValues(String message, String lineEnd) {
        List<String> values = new ArrayList<>();
        String header = message.substring(0, message.indexOf(lineEnd + lineEnd) + lineEnd.length());
        for (String field : header.split(lineEnd + "(?![ \t])")) {
            int colon = field.indexOf(':');
            if (colon > 0 && field.substring(0, colon).replaceAll("[\\x00-\\x20]", "").equalsIgnoreCase("From")) {
                values.add(field.substring(colon + 1).replaceAll("[\r\n]", "").strip());
            }
        }
        return values;
    }

    /**
     * What the attacker counts on: javax.mail (the strict parser's reading) shows its own domain, which passes; the
     * other reader shows the victim. DMARC evaluates both, and the victim's p=reject wins.
     */
    static void victimEvaluated(String message) {
        DmarcResult javaxMailOnly = new DmarcEvaluator(READERS_DNS).evaluate(List.of("x@attacker.example"),
                ATTACKER_SPF, unsigned()).join();
        assertThat(javaxMailOnly.status()).isEqualTo(DmarcStatus.PASS);

        DmarcResult r = new DmarcEvaluator(READERS_DNS).evaluate(message.getBytes(StandardCharsets.UTF_8),
                ATTACKER_SPF, unsigned()).join();
        assertThat(r.fromDomains()).as(message).contains("victim.example", "attacker.example");
        assertThat(r.fromDomain()).as(message).isEqualTo("victim.example");
        assertThat(r.status()).as(message).isEqualTo(DmarcStatus.FAIL);
        assertRejected(r);
    }

    /**
     * Review s17 (L2, From scan): a reader that knows only CR LF (a bare LF or CR is data to it) reads a message as
     * lines as soon as it holds a CR LF, whatever its first line ends with. With a first line ending with a bare LF
     * the scan took the message for an LF one and never read it that way: a From field only that reader shows (after
     * a "\n\r\n" that ends the header section for the others, or a name folded over a bare LF) was not evaluated,
     * and the message passed DMARC for the author domain javax.mail shows.
     */
    @Nested
    class ACrlfOnlyReader {
        private void attack(String message) {
            // the CRLF-only reader shows the victim only
            assertThat(readingFromValues(message, "\r\n")).as(message).containsExactly(VICTIM);
            victimEvaluated(message);
        }

        @Test
        void aFromFieldAfterABareLfHeaderEndWhenTheFirstLineEndsWithABareLf() {
            attack("Subject: hi\nFrom: x@attacker.example\r\nX: y\n\r\nFrom: " + VICTIM + "\r\n\r\nbody\r\n");
        }

        @Test
        void aFromFieldWhoseNameIsFoldedOverABareLf() {
            attack("Subject: hi\nFrom: x@attacker.example\r\nFrom\n: " + VICTIM + "\r\n\r\nbody\r\n");
            // whatever the first line ends with
            DmarcResult r = new DmarcEvaluator(READERS_DNS).evaluate((
                    "Subject: hi\r\nFrom: x@attacker.example\r\nFrom\n: "
                    + VICTIM + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.UTF_8), ATTACKER_SPF, unsigned()).join();
            assertThat(r.fromDomains()).contains("victim.example", "attacker.example");
            assertRejected(r);
        }

        @Test
        void aFromValueRunOnOverABareLf() {
            // the CRLF-only reader shows one From field, ceo@vic<LF>tim.example; a client dropping the LF shows
            // victim.example (as the lone CR of fail-closed rule 3)
            DmarcResult r = new DmarcEvaluator(READERS_DNS).evaluate((
                    "Subject: hi\nFrom: x@attacker.example\r\nFrom: ceo@vic"
                    + "\ntim.example\r\n\r\nbody\r\n").getBytes(StandardCharsets.UTF_8), ATTACKER_SPF, unsigned())
                    .join();
            assertThat(r.fromDomains()).contains("victim.example", "attacker.example");
            assertRejected(r);
        }

        /** A message with bare LFs only is one line to that reader: nothing more is read. */
        @Test
        void aBareLfMessageIsReadAsBefore() {
            DmarcResult r = new DmarcEvaluator(READERS_DNS).evaluate((
                    "Subject: hi\nFrom: x@attacker.example\nX: y\n\n"
                    + "From: " + VICTIM + "\n").getBytes(StandardCharsets.UTF_8), ATTACKER_SPF, unsigned()).join();
            assertThat(r.fromDomains()).containsExactly("attacker.example");
            assertThat(r.status()).isEqualTo(DmarcStatus.PASS);
        }
    }

    /**
     * Review s18: in a message whose lines end with bare LFs only, a From field whose name holds a lone CR
     * ({@code From\r: v}) is a From field to readers that end lines at LF only and read a CR in a name as white
     * space (mime4j, which Apache James' IMAP and JMAP parse with, shows {@code From: v}) or drop it (then
     * {@code Fr\rom: v} too); javax.mail ends the line at that CR and shows a nameless field. The scan followed
     * javax.mail's lines only, so the victim's domain was not evaluated and the attacker's own From passed.
     */
    @Nested
    class AnLfOnlyReaderOfALoneCrInAName {
        private void attack(String message) {
            assertThat(message).as("no CR LF anywhere").doesNotContain("\r\n");
            // the LF-only reader shows the victim, lone CRs dropped from names
            assertThat(readingFromValues(message, "\n")).as(message).contains(VICTIM);
            victimEvaluated(message);
        }

        /** A lone CR before the colon, inside the name, among spaces, in a name folded over a LF. */
        @ParameterizedTest
        @ValueSource(strings = {"From\r", "Fr\rom", "F\r\rrom", "From \r", "From\r\t ", "Fr\n om\r"})
        void aLoneCrInTheName(String name) {
            attack("Subject: hi\nFrom: x@attacker.example\n" + name + ": " + VICTIM + "\n\nbody\n");
        }

        @Test
        void aLoneCrInTheFirstFieldsName() {
            attack("From\r: " + VICTIM + "\nFrom: x@attacker.example\nSubject: hi\n\nbody\n");
        }

        /** In a message holding a CR LF too: an LF-only field start that is no CRLF-only one. */
        @Test
        void aLoneCrInANameAfterABareLfOfACrlfMessage() {
            DmarcResult r = new DmarcEvaluator(READERS_DNS).evaluate((
                    "Subject: hi\r\nFrom: x@attacker.example\r\nX: y\n"
                    + "From\r: " + VICTIM + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.UTF_8), ATTACKER_SPF,
                    unsigned()).join();
            assertThat(r.fromDomains()).contains("victim.example", "attacker.example");
            assertRejected(r);
        }
    }

    @Nested
    class HostileFromFields {
        @Test
        void everyDomainAClientCouldShowIsEvaluated() {
            List<String> values = List.of(
                    "a@victim.example@attacker.example",
                    "a@attacker.example@victim.example",
                    "a@victim.example\u0000@attacker.example",
                    "a@victim.example(x)@attacker.example",
                    "a@victim.example @attacker.example",
                    "<a@victim.example> x@attacker.example",
                    "<x@attacker.example> ceo@victim.example",
                    "Name <x@attacker.example> trailing <ceo@victim.example>",
                    "ceo@victim.example <x@attacker.example>",
                    "\"ceo@victim.example\"@attacker.example",
                    "<@victim.example:x@attacker.example>",
                    "ceo\uFF20victim.example",
                    "=?utf-8?q?ceo=40victim.example?=",
                    "=?utf-8?b?Y2VvQHZpY3RpbS5leGFtcGxl?=",
                    "ceo@vic\u200Btim.example",
                    "ceo@victim\u2024example",
                    "<ceo@victim.example:25>",
                    "ceo@victim.example x",
                    "ceo@victim.example (c) x",
                    "Boss <ceo@victim.example trailing>",
                    "ceo@victim.example\u0001",
                    "ceo@victim.example, x@[192.0.2.1]",
                    "x@[192.0.2.1], ceo@victim.example",
                    "<ceo@victim.example",
                    "(comment ceo@victim.example");
            for (String v : values) {
                DmarcResult r = from(v);
                assertThat(r.fromDomains()).as(v).contains("victim.example");
                assertRejected(r);
            }
        }

        @Test
        void anAddressLiteralAloneHasNoAuthorDomain() {
            DmarcResult r = from("x@[192.0.2.1]");
            assertThat(r.status()).isEqualTo(DmarcStatus.PERMERROR);
            assertThat(r.disposition()).isEqualTo(DmarcPolicy.NONE);
        }

        @Test
        void validQuotedDisplayNamesAreNotAuthors() {
            // RFC 5322: the display name is not an address; lists and LinkedIn write addresses there
            DmarcResult r = from("\"ceo@victim.example via List\" <list@attacker.example>");
            assertThat(r.fromDomains()).containsExactly("attacker.example");
            assertThat(r.status()).isEqualTo(DmarcStatus.NONE);
        }

        @Test
        void sixAuthorDomainsFailClosed() {
            String five = "a@d1.example, a@d2.example, a@d3.example, a@d4.example, a@d5.example";
            DmarcResult r = from(five + ", " + VICTIM);
            assertThat(r.status()).isEqualTo(DmarcStatus.PERMERROR);
            assertRejected(r);
            DmarcResult optOut = from(DNS, DmarcOptions.DEFAULT.withUnverifiableDisposition(
                    UnverifiableDisposition.NONE), List.of(five + ", " + VICTIM), ATTACKER_SPF, unsigned());
            assertThat(optOut.disposition()).isEqualTo(DmarcPolicy.NONE);
            assertThat(from(five).disposition()).as("five is within the bound").isEqualTo(DmarcPolicy.NONE);
        }

        @Test
        void sixFromFieldsFailClosedToo() {
            DmarcResult r = from("a@d1.example", "a@d2.example", "a@d3.example", "a@d4.example", "a@d5.example",
                    VICTIM);
            assertRejected(r);
        }

        @Test
        void multipleAuthorDomainsAsPermerrorStillCarriesTheDisposition() {
            DmarcOptions strict = DmarcOptions.DEFAULT.withMultipleAuthorDomains(MultipleAuthorDomains.PERMERROR);
            DmarcResult r = from(DNS, strict, List.of("x@attacker.example, " + VICTIM), ATTACKER_SPF, unsigned());
            assertThat(r.status()).isEqualTo(DmarcStatus.PERMERROR);
            assertRejected(r);
        }
    }

    @Nested
    class UnverifiableDispositionSetting {
        private DmarcResult sixDomains(UnverifiableDisposition setting) {
            return from(DNS, DmarcOptions.DEFAULT.withUnverifiableDisposition(setting),
                    List.of("a@d1.example, a@d2.example, a@d3.example, a@d4.example, a@d5.example, a@lenient.example"),
                    ATTACKER_SPF, unsigned());
        }

        @Test
        void eachSettingGivesItsDisposition() {
            assertThat(sixDomains(UnverifiableDisposition.NONE).disposition()).isEqualTo(DmarcPolicy.NONE);
            assertThat(sixDomains(UnverifiableDisposition.QUARANTINE).disposition())
                    .isEqualTo(DmarcPolicy.QUARANTINE);
            assertThat(sixDomains(UnverifiableDisposition.REJECT).disposition()).isEqualTo(DmarcPolicy.REJECT);
        }

        @Test
        void parsesItsWords() {
            assertThat(UnverifiableDisposition.parse("Strictest")).contains(UnverifiableDisposition.STRICTEST);
            assertThat(UnverifiableDisposition.parse("reject")).contains(UnverifiableDisposition.REJECT);
            assertThat(UnverifiableDisposition.parse("drop")).isEmpty();
        }

        @Test
        void aFixedSettingNeverWeakensARealFail() {
            DmarcResult r = from(DNS, DmarcOptions.DEFAULT.withUnverifiableDisposition(UnverifiableDisposition.NONE),
                    List.of(VICTIM), ATTACKER_SPF, unsigned());
            assertRejected(r);
        }
    }

    @Nested
    class TimeBudget {
        /** The zone, but the TXT questions for the given names are never answered. */
        private DnsResolver stalling(Set<String> names) {
            return new DnsResolver() {
                @Override
                public CompletableFuture<DnsLookup<String>> txt(String name) {
                    return names.contains(name) ? new CompletableFuture<>() : DNS.txt(name);
                }

                @Override
                public CompletableFuture<DnsLookup<InetAddress>> a(String name) {
                    return DNS.a(name);
                }

                @Override
                public CompletableFuture<DnsLookup<InetAddress>> aaaa(String name) {
                    return DNS.aaaa(name);
                }

                @Override
                public CompletableFuture<DnsLookup<MxHost>> mx(String name) {
                    return DNS.mx(name);
                }

                @Override
                public CompletableFuture<DnsLookup<String>> ptr(InetAddress address) {
                    return DNS.ptr(address);
                }
            };
        }

        @Test
        @Timeout(value = 10, unit = TimeUnit.SECONDS)
        void anEvaluationThatOutlivesItsBudgetEndsFailClosed() {
            DmarcOptions quick = DmarcOptions.DEFAULT.withTimeBudget(Duration.ofMillis(200));
            long start = System.nanoTime();
            DmarcResult r = from(stalling(Set.of("_dmarc.example")), quick, List.of(VICTIM), ATTACKER_SPF,
                    unsigned());
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(r.status()).isEqualTo(DmarcStatus.TEMPERROR);
            assertThat(r.reason()).contains("time budget");
            assertRejected(r);   // _dmarc.victim.example was seen: p=reject
            DmarcResult nothingSeen = from(stalling(Set.of("_dmarc.victim.example", "_dmarc.example")), quick,
                    List.of(VICTIM), ATTACKER_SPF, unsigned());
            assertThat(nothingSeen.status()).isEqualTo(DmarcStatus.TEMPERROR);
            assertThat(nothingSeen.disposition()).isEqualTo(DmarcPolicy.NONE);
        }

        @Test
        void theBudgetMustBePositive() {
            org.assertj.core.api.Assertions.assertThatThrownBy(
                    () -> DmarcOptions.DEFAULT.withTimeBudget(Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(DmarcOptions.DEFAULT.timeBudget()).isEqualTo(DmarcOptions.DEFAULT_TIME_BUDGET);
            assertThat(DmarcOptions.DEFAULT.unverifiableDisposition()).isEqualTo(UnverifiableDisposition.STRICTEST);
        }
    }

    /**
     * Review s18 H1/H2: a header section read alone that may not hold every From field (not clean, or no end within
     * the bound): the attacker's aligned From alone is not a pass, whatever the bytes read.
     */
    @Test
    void aHeaderSectionThatMayHideFromFieldsIsNotAPass() {
        byte[] header = "From: a@lenient.example\r\nSubject: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        Optional<SpfResult> aligned = spfPass("lenient.example");
        DmarcEvaluator evaluator = new DmarcEvaluator(DNS);
        assertThat(evaluator.prepare(header).evaluate(aligned, unsigned()).join().status())
                .isEqualTo(DmarcStatus.PASS);
        DmarcResult r = evaluator.prepare(header, "header section read alone not clean").evaluate(aligned,
                unsigned()).join();
        assertThat(r.status()).isEqualTo(DmarcStatus.PERMERROR);
        assertThat(r.toString()).contains("header section read alone not clean");
        assertRejected(r);
    }
}
