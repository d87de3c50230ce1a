package dev.authpack.it;

import static dev.authpack.it.DmarcRouting.DELIVERED;
import static dev.authpack.it.DmarcRouting.REJECT;
import static dev.authpack.it.DmarcRouting.disposition;
import static dev.authpack.it.DmarcRouting.dmarc;
import static dev.authpack.it.DmarcRouting.dmarcResinfo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * ARC in a real James over SMTP: sealed by the {@code ArcSeal} mailet in one processor, verified by MailAuthCheck
 * at the next hop (the sealed message sent back in over SMTP), and the trusted-sealer override of a failing DMARC
 * result routed by {@code DmarcDisposition} ({@link DmarcRouting}).
 *
 * <p>Two mailing lists run in this James, each a processor reached by its address: {@value #TRUSTED_LIST} tags the
 * Subject ({@code AddSubjectPrefix}) and seals with the ArcSeal mailet of conf-samples/arcseal-snippet.xml as it
 * is (d=james.test, the sample key of conf-samples/arc/, its record from conf-samples/arc/arc.zone);
 * {@value #UNTRUSTED_LIST} does the same with its own key (d=other-list.example, made by the JDK for this run).
 * MailAuthCheck trusts {@code james.test} ({@code trustedArcSealers}). The list posts are kept in repositories of
 * the processors' names, from where the test sends them on to alice. The author domain publishes {@code p=reject}
 * (src/test/resources/arc/arc.zone) and signs with DKIM (the real {@code bin/authpack dkim-sign}): the Subject
 * tag breaks that signature, so at the next hop DMARC fails.
 *
 * <p>The relay processor also gets the snippet's ArcSeal, before its {@code outgoing} repository, as the snippet
 * places it; and a message sealed by the real {@code bin/authpack arc-seal} is verified by James too.
 */
class ArcIT {
    static final String TRUSTED_LIST = "readers@lists.james.test";
    static final String UNTRUSTED_LIST = "readers@other-list.example";
    static final String TRUSTED_REPOSITORY = "list-trusted";
    static final String UNTRUSTED_REPOSITORY = "list-untrusted";
    static final String AUTHOR_DOMAIN = "arc-author.example";
    static final String SAMPLE_SEALER = "james.test";
    static final String OTHER_SEALER = "other-list.example";

    private static final String LIST_RULES = """
            <mailet match="RecipientIs=%s" class="ToProcessor">
                <processor>list-trusted</processor>
            </mailet>
            <mailet match="RecipientIs=%s" class="ToProcessor">
                <processor>list-untrusted</processor>
            </mailet>
            """.formatted(TRUSTED_LIST, UNTRUSTED_LIST);

    private static final String LIST_PROCESSOR = """
            <processor state="%1$s" enableJmx="false">
                <mailet match="All" class="AddSubjectPrefix">
                    <subjectPrefix>[readers]</subjectPrefix>
                </mailet>
                %2$s
                <mailet match="All" class="ToRepository">
                    <repositoryPath>memory://var/mail/%1$s/</repositoryPath>
                </mailet>
            </processor>
            """;

    private static final String OTHER_SEALER_MAILET = """
            <mailet match="All" class="dev.authpack.james.mailets.ArcSeal">
                    <domain>other-list.example</domain>
                    <selector>arc-it</selector>
                    <privateKey>file://conf/arc/other-list.example.rsa.pem</privateKey>
                    <authservId>%s</authservId>
                </mailet>""".formatted(ArcIT.OTHER_LIST_ID);
    /** The untrusted list seals under an id of its own, which MailAuthCheck does not strip: ArcSeal must. */
    static final String OTHER_LIST_ID = "lists.other-list.example";

    @RegisterExtension
    static final JamesExtension JAMES = new JamesExtension(ArcIT::configure);

    @TempDir
    static Path tmp;
    /** From ceo@arc-author.example to the trusted list, DKIM-signed by arc-author.example. */
    private static String original;

    static void configure(AuthpackJames.Builder b) {
        Path samples = Locations.confSamples();
        DkimTestKey otherSealer;
        try {
            Path keys = Files.createTempDirectory("authpack-arc-it");
            keys.toFile().deleteOnExit();
            otherSealer = DkimTestKey.rsa(keys, OTHER_SEALER, "arc-it");
            otherSealer.pemFile().toFile().deleteOnExit();
            b.confFile("arc/other-list.example.rsa.pem", Files.readString(otherSealer.pemFile()));
            // "copy this folder to conf/arc/" (conf-samples/arc/README.md): the sample key
            try (Stream<Path> files = Files.list(samples.resolve("arc"))) {
                for (Path f : files.filter(f -> f.toString().endsWith(".pem")).toList()) {
                    b.confFile("arc/" + f.getFileName(), Files.readString(f));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String sampleSeal = snippetMailet(read(samples.resolve("arcseal-snippet.xml")));
        String relay = "<processor state=\"relay\" enableJmx=\"false\">";
        b.placeholder("DNS_TIMEOUT", DmarcRouting.DNS_TIMEOUT_MILLIS)
                .zoneFile(RawMail.resourceFile("arc/arc.zone"))
                .zoneFile(samples.resolve("arc/arc.zone"))
                .zone(otherSealer.zoneLine())
                .edit("mailetcontainer.xml", xml -> {
                    String withChecks = DmarcRouting.withMailAuthCheckParameters(xml,
                            "<trustedArcSealers>" + SAMPLE_SEALER + "</trustedArcSealers>");
                    String routed = DmarcRouting.withRules(withChecks);
                    assertThat(routed).contains(relay);
                    return routed
                            .replace(DmarcRouting.POSTMASTER_ALIAS, LIST_RULES + DmarcRouting.POSTMASTER_ALIAS)
                            .replace(DmarcRouting.ERROR_PROCESSOR,
                                    LIST_PROCESSOR.formatted(TRUSTED_REPOSITORY, sampleSeal)
                                            + LIST_PROCESSOR.formatted(UNTRUSTED_REPOSITORY, OTHER_SEALER_MAILET)
                                            + DmarcRouting.ERROR_PROCESSOR)
                            .replace(relay, relay + "\n" + sampleSeal);
                });
    }

    /** The snippet's ArcSeal mailet, its optional parameters (in a comment) left out. */
    static String snippetMailet(String snippet) {
        String active = snippet.replaceAll("(?s)<!--.*?-->", "");
        Matcher m = Pattern.compile(
                "(?s)<mailet match=\"All\" class=\"dev\\.authpack\\.james\\.mailets\\.ArcSeal\">.*?</mailet>").matcher(active);
        assertThat(m.find()).as("ArcSeal mailet in conf-samples/arcseal-snippet.xml").isTrue();
        assertThat(m.group()).contains("<domain>" + SAMPLE_SEALER + "</domain>", "<selector>arc2026</selector>",
                "file://conf/arc/arc.james.test.rsa.pem");
        return m.group();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @BeforeAll
    static void signTheOriginal() throws IOException {
        DkimTestKey author = DkimTestKey.rsa(tmp, AUTHOR_DOMAIN, "arc-it-author");
        JAMES.dns().addZone(author.zoneLine());
        Path unsigned = tmp.resolve("original.eml");
        Files.writeString(unsigned, "From: The CEO <ceo@" + AUTHOR_DOMAIN + ">\r\n"
                + "To: " + TRUSTED_LIST + "\r\n"
                + "Subject: quarterly numbers\r\n"
                + "Date: Tue, 24 Nov 2026 10:00:00 +0000\r\n"
                + "Message-ID: <arc-it-original@" + AUTHOR_DOMAIN + ">\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=us-ascii\r\n"
                + "\r\n"
                + "Numbers are up. Please keep this to the list.\r\n", StandardCharsets.US_ASCII);
        original = AuthpackScript.run("dkim-sign", unsigned.toString(), "--domain", AUTHOR_DOMAIN,
                "--selector", author.selector(), "--key", author.pemFile().toString()).ok();
    }

    // ------------------------------------------------------------------ the hops

    /** Hop 1: the original (DKIM pass, DMARC pass) posted to a list; the list's sealed copy. */
    private static DeliveredMail postedTo(String list, String repository) {
        RawMail raw = RawMail.create().rcptTo(list);
        raw.send(JAMES.server(), original);
        return raw.await(JAMES.server(), repository);
    }

    /** Hop 2: a message sent on to alice over SMTP, from an unaligned sender; where DmarcDisposition put it. */
    private static DeliveredMail sentOn(String repository, String message) {
        return DmarcRouting.routedTo(JAMES.server(), repository, RawMail.create(), message);
    }

    private static Map<?, ?> arc(DeliveredMail mail) {
        Object value = mail.attribute("authpack.arc").orElseThrow(() ->
                new AssertionError("no authpack.arc on\n" + mail.headerSection()));
        return (Map<?, ?>) value;
    }

    private static List<?> arcSets(DeliveredMail mail) {
        return (List<?>) arc(mail).get("sets");
    }

    private static String tags(String field) {
        return field.replaceAll("\\s+", "");
    }

    // ------------------------------------------------------------------ tests

    @Test
    void listSealsTheResultsItFoundOnArrival() {
        DeliveredMail post = postedTo(TRUSTED_LIST, TRUSTED_REPOSITORY);
        assertThat(post.header("Subject")).hasValue("[readers] quarterly numbers");
        assertThat(post.headers("ARC-Seal")).as(post.headerSection()).singleElement()
                .satisfies(s -> assertThat(tags(s)).contains("i=1;", "a=rsa-sha256;", "cv=none;",
                        "d=" + SAMPLE_SEALER + ";", "s=arc2026;"));
        assertThat(post.headers("ARC-Message-Signature")).singleElement()
                .satisfies(s -> assertThat(tags(s)).contains("i=1;", "d=" + SAMPLE_SEALER + ";"));
        // the ARC-Authentication-Results: MailAuthCheck's results of the original, under its serverId
        assertThat(post.headers("ARC-Authentication-Results")).singleElement()
                .satisfies(s -> assertThat(s).startsWith("i=1; " + Expectations.SERVER_ID + ";")
                        .contains("dkim=pass", "header.d=" + AUTHOR_DOMAIN, "dmarc=pass",
                                "header.from=" + AUTHOR_DOMAIN, "arc=none"));
        assertThat(arc(post).get("result")).isEqualTo("none");
        assertThat(dmarc(post).get("result")).isEqualTo("pass");
    }

    @Test
    void nextHopVerifiesTheSealAndTheTrustedSealerOverridesTheDmarcFailure() {
        DeliveredMail mail = sentOn(DELIVERED, postedTo(TRUSTED_LIST, TRUSTED_REPOSITORY).rawMessage());
        AuthResultsField field = Expectations.ourField(mail);
        assertThat(field.result("arc")).as(mail.headerSection()).hasValue("pass");
        assertThat(field.result("dkim")).as("the Subject tag broke the author's signature").hasValue("fail");
        AuthResultsField.Resinfo dmarcResinfo = dmarcResinfo(mail);
        assertThat(dmarcResinfo.result()).isEqualTo("fail");
        assertThat(dmarcResinfo.property("policy.dmarc")).hasValue("reject");
        assertThat(dmarcResinfo.reason()).hasValueSatisfying(r -> assertThat(r)
                .contains("trusted ARC sealer " + SAMPLE_SEALER));

        assertThat(arc(mail).get("result")).isEqualTo("pass");
        assertThat(arcSets(mail)).singleElement().satisfies(s -> {
            assertThat(((Map<?, ?>) s).get("seal_domain")).isEqualTo(SAMPLE_SEALER);
            assertThat(((Map<?, ?>) s).get("cv")).isEqualTo("none");
        });
        Map<?, ?> dmarc = dmarc(mail);
        assertThat(dmarc.get("result")).isEqualTo("fail");
        assertThat(dmarc.get("requested_disposition")).isEqualTo("reject");
        assertThat(dmarc.get("disposition")).isEqualTo("none");
        assertThat(dmarc.get("override")).isEqualTo("local_policy");
        assertThat(dmarc.get("override_sealer")).isEqualTo(SAMPLE_SEALER);
        assertThat(disposition(mail)).isEqualTo("none");
    }

    @Test
    void theSameListPostSealedByAnUntrustedSealerIsRejected() {
        DeliveredMail post = postedTo(UNTRUSTED_LIST, UNTRUSTED_REPOSITORY);
        assertThat(post.headers("ARC-Seal")).singleElement()
                .satisfies(s -> assertThat(tags(s)).contains("i=1;", "cv=none;", "d=" + OTHER_SEALER + ";"));
        DeliveredMail mail = sentOn(REJECT, post.rawMessage());
        assertThat(Expectations.ourField(mail).result("arc")).as(mail.headerSection()).hasValue("pass");
        assertThat(dmarcResinfo(mail).result()).isEqualTo("fail");
        Map<?, ?> dmarc = dmarc(mail);
        assertThat(dmarc.get("disposition")).isEqualTo("reject");
        assertThat(dmarc.containsKey("override")).as("override").isFalse();
        assertThat(disposition(mail)).isEqualTo("reject");
    }

    @Test
    void aChangeAfterSealingFailsTheChainAndNothingOverridesTheDmarcFailure() {
        String sealed = postedTo(TRUSTED_LIST, TRUSTED_REPOSITORY).rawMessage();
        String tampered = sealed.replace("Numbers are up.", "Numbers are down.");
        assertThat(tampered).isNotEqualTo(sealed);
        DeliveredMail mail = sentOn(REJECT, tampered);
        assertThat(Expectations.ourField(mail).result("arc")).as(mail.headerSection()).hasValue("fail");
        assertThat(String.valueOf(arc(mail).get("reason"))).containsIgnoringCase("ARC-Message-Signature");
        assertThat(dmarc(mail).containsKey("override")).isFalse();
        assertThat(disposition(mail)).isEqualTo("reject");
    }

    @Test
    void aSecondListAddsASetWithCvPassAndItsUntrustedSealHidesTheTrustedOne() {
        // trusted list first, then the untrusted list: i=2 cv=pass; the override needs trusted sealers from the
        // newest set down, so the untrusted newest set ends it
        String first = postedTo(TRUSTED_LIST, TRUSTED_REPOSITORY).rawMessage();
        RawMail second = RawMail.create().rcptTo(UNTRUSTED_LIST);
        second.send(JAMES.server(), first);
        DeliveredMail post = second.await(JAMES.server(), UNTRUSTED_REPOSITORY);
        assertThat(post.headers("ARC-Seal")).as(post.headerSection()).hasSize(2);
        assertThat(tags(post.headers("ARC-Seal").get(0))).contains("i=2;", "cv=pass;", "d=" + OTHER_SEALER + ";");
        assertThat(post.headers("ARC-Authentication-Results").get(0)).startsWith("i=2;").contains("arc=pass");

        DeliveredMail mail = sentOn(REJECT, post.rawMessage());
        assertThat(Expectations.ourField(mail).result("arc")).as(mail.headerSection()).hasValue("pass");
        assertThat(arcSets(mail)).hasSize(2);
        assertThat(dmarc(mail).containsKey("override")).isFalse();
        assertThat(disposition(mail)).isEqualTo("reject");
    }

    @Test
    void relayedMailIsSealedAsTheSnippetPlacesItAndVerifiesInJamesAndInTheCli() throws IOException {
        String id = JAMES.server().send(Submission.create()
                .auth(JamesExtension.ALICE, JamesExtension.ALICE_PASSWORD)
                .mailFrom(JamesExtension.ALICE).rcptTo("friend@remote.example"));
        DeliveredMail out = JAMES.server().awaitMail("outgoing", m -> m.headers("Message-ID").contains(id),
                AuthpackJames.DEFAULT_DELIVERY_TIMEOUT);
        assertThat(out.headers("ARC-Seal")).as(out.headerSection()).singleElement()
                .satisfies(s -> assertThat(tags(s)).contains("i=1;", "cv=none;", "d=" + SAMPLE_SEALER + ";"));
        assertThat(out.headers("ARC-Authentication-Results")).singleElement()
                .satisfies(s -> assertThat(s).contains("auth=pass", "smtp.auth=" + JamesExtension.ALICE));

        DeliveredMail back = sentOn(DELIVERED, out.rawMessage());
        assertThat(Expectations.ourField(back).result("arc")).as(back.headerSection()).hasValue("pass");

        Path file = Files.createTempFile(tmp, "outgoing", ".eml");
        Files.writeString(file, out.rawMessage(), StandardCharsets.ISO_8859_1);
        JsonNode arc = new ObjectMapper().readTree(AuthpackScript.run("check", file.toString(), "--checks", "arc",
                "--dns-records", Locations.confSamples().resolve("arc/arc.zone").toString()).ok()).get("arc");
        assertThat(arc.get("result").asText()).as(arc.toPrettyString()).isEqualTo("pass");
    }

    @Test
    void messageSealedByTheCliPassesInJames() throws IOException {
        // what a list elsewhere does with the sample key: tag the Subject, then bin/authpack arc-seal
        Path post = tmp.resolve("cli-post.eml");
        Files.writeString(post, original.replace("Subject: quarterly numbers", "Subject: [cli-list] quarterly numbers"),
                StandardCharsets.ISO_8859_1);
        Path samples = Locations.confSamples();
        String sealed = AuthpackScript.run("arc-seal", post.toString(), "--domain", SAMPLE_SEALER,
                "--selector", "arc2026", "--key", samples.resolve("arc/arc.james.test.rsa.pem").toString(),
                "--authserv-id", "lists.james.test",
                "--auth-results", "dkim=pass header.d=" + AUTHOR_DOMAIN + "; dmarc=pass header.from=" + AUTHOR_DOMAIN,
                "--dns-records", samples.resolve("arc/arc.zone").toString()).ok();
        assertThat(sealed).startsWith("ARC-Seal: i=1;");

        DeliveredMail mail = sentOn(DELIVERED, sealed);
        assertThat(Expectations.ourField(mail).result("arc")).as(mail.headerSection()).hasValue("pass");
        assertThat(dmarcResinfo(mail).result()).isEqualTo("fail");
        assertThat(dmarc(mail).get("override_sealer")).isEqualTo(SAMPLE_SEALER);
        assertThat(disposition(mail)).isEqualTo("none");
    }

    @Test
    void arcSealRemovesFieldsClaimingItsIdBeforeSealingAndKeepsMailAuthCheckFieldOnce() {
        StringBuilder forged = new StringBuilder();
        // RawMail sends ASCII only: the 8-bit variant is AuthResultsIT's
        for (String variant : AuthResultsIT.FORGED_VARIANTS.stream().filter(v -> v.chars().allMatch(c -> c < 128))
                .toList()) {
            forged.append("Authentication-Results: ")
                    .append(variant.replaceAll("(?i)mx\\.james\\.test", OTHER_LIST_ID)).append("\r\n");
        }
        RawMail raw = RawMail.create().rcptTo(UNTRUSTED_LIST);
        raw.send(JAMES.server(), forged + original);
        DeliveredMail post = raw.await(JAMES.server(), UNTRUSTED_REPOSITORY);

        assertThat(post.headers("ARC-Authentication-Results")).singleElement()
                .satisfies(s -> assertThat(s).startsWith("i=1; " + OTHER_LIST_ID + ";"));
        assertThat(post.headers("Authentication-Results")).as(post.headerSection()).singleElement()
                .satisfies(s -> assertThat(s).startsWith(Expectations.SERVER_ID + ";"));
        assertThat(post.headerSection()).doesNotContainIgnoringCase("Authentication-Results: " + OTHER_LIST_ID);
        DeliveredMail mail = sentOn(REJECT, post.rawMessage());
        assertThat(Expectations.ourField(mail).result("arc")).as(mail.headerSection()).hasValue("pass");
    }
}
