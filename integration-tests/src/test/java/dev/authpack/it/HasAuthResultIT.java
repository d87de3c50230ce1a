package dev.authpack.it;

import static dev.authpack.it.Expectations.SERVER_ID;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * HasAuthResult routes mail between processors in a real James. The root processor gets, right after the sample's
 * MailAuthCheck, the mailets of conf-samples/hasauthresult-snippet.xml as they are (SPF fail without AUTH and
 * DKIM fail/permerror go to the {@code quarantine} processor, SPF softfail gets a warning field) and the snippet's
 * {@code quarantine} processor; then three rules of this test:
 *
 * <ul>
 *   <li>{@code dmarc=fail} believed only from {@value #TRUSTED} (and from {@value #IGNORED}, which is trusted but
 *       also ignored, so never): to the {@code upstream-dmarc-fail} processor. This James does not check DMARC
 *       ({@code <dmarc>false</dmarc>} on the sample's MailAuthCheck; with a result of its own, HasAuthResult
 *       would not look at upstream ones), so only an upstream field can give this result;</li>
 *   <li>{@code dkim=pass}: field {@code X-It-Dkim: pass};</li>
 *   <li>{@code dmarc=missing} (with the same trusted id): field {@code X-It-Dmarc: missing}.</li>
 * </ul>
 */
class HasAuthResultIT {
    static final String TRUSTED = "filter.example.net";
    static final String IGNORED = "legacy.example.net";
    /** Trusted by its bare name: believed only from James' authorizedAddresses (SMTPIsAuthNetwork). */
    static final String BARE = "bare.example.net";
    /** The filter's address (the harness' default client) and James' only authorizedAddresses entry. */
    static final String FILTER_IP = "127.0.0.1";
    static final String AUTHORIZED_IP = "127.0.0.2";
    static final String STRANGER_IP = "127.0.0.5";

    /** Believed from TRUSTED only, and only from its address: IGNORED is trusted but also ignored, which wins. */
    static final String UPSTREAM_DMARC_FAIL = "dmarc=fail; trusted-authserv=" + TRUSTED + "@" + FILTER_IP + ", "
            + IGNORED + "@127.0.0.0/8; ignored-authserv=" + IGNORED;

    private static final String RULES = """
            <mailet match="dev.authpack.james.matchers.HasAuthResult=%3$s" class="ToProcessor">
                <processor>upstream-dmarc-fail</processor>
            </mailet>
            <mailet match="dev.authpack.james.matchers.HasAuthResult=dkim=pass" class="SetMimeHeader">
                <name>X-It-Dkim</name>
                <value>pass</value>
            </mailet>
            <mailet match="dev.authpack.james.matchers.HasAuthResult=dmarc=missing; trusted-authserv=%1$s@%4$s" class="SetMimeHeader">
                <name>X-It-Dmarc</name>
                <value>missing</value>
            </mailet>
            <mailet match="dev.authpack.james.matchers.HasAuthResult=dmarc=fail; trusted-authserv=%5$s" class="SetMimeHeader">
                <name>X-It-Bare</name>
                <value>believed</value>
            </mailet>
            """.formatted(TRUSTED, IGNORED, UPSTREAM_DMARC_FAIL, FILTER_IP, BARE);

    private static final String UPSTREAM_PROCESSOR = """
            <processor state="upstream-dmarc-fail" enableJmx="false">
                <mailet match="All" class="ToRepository">
                    <repositoryPath>memory://var/mail/upstream-dmarc-fail/</repositoryPath>
                </mailet>
            </processor>
            """;

    @RegisterExtension
    static final JamesExtension JAMES = new JamesExtension(b -> b
            .zoneFile(RawMail.resourceFile("dkim/suite.zone"))
            .edit("smtpserver.xml", HasAuthResultIT::withAuthorizedAddress)
            .edit("mailetcontainer.xml", xml -> withSnippetAndRules(
                    DmarcRouting.withMailAuthCheckParameters(xml, "<dmarc>false</dmarc>"))));

    /** James' own trusted network (authorizedAddresses), what a bare trusted-authserv name is believed from. */
    static String withAuthorizedAddress(String xml) {
        String verifyIdentity = "<verifyIdentity>";
        assertThat(xml).as("smtpserver.xml template").contains(verifyIdentity);
        return xml.replace(verifyIdentity, "<authorizedAddresses>" + AUTHORIZED_IP + "</authorizedAddresses>\n"
                + verifyIdentity);
    }

    /** Inserts the snippet's root mailets (not its MailAuthCheck, not its final ToProcessor) and processors. */
    static String withSnippetAndRules(String xml) {
        String snippet;
        try {
            snippet = Files.readString(Locations.confSamples().resolve("hasauthresult-snippet.xml"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Matcher rootRules = Pattern.compile("(?s)class=\"dev\\.authpack\\.james\\.mailets\\.MailAuthCheck\">.*?</mailet>(.*?)"
                + "<mailet match=\"All\" class=\"ToProcessor\">").matcher(snippet);
        Matcher quarantine = Pattern.compile("(?s)<processor state=\"quarantine\".*?</processor>").matcher(snippet);
        assertThat(rootRules.find()).as("root mailets in hasauthresult-snippet.xml").isTrue();
        assertThat(quarantine.find()).as("quarantine processor in hasauthresult-snippet.xml").isTrue();
        assertThat(rootRules.group(1)).contains("HasAuthResult=spf=fail; auth=missing",
                "HasAuthResult=dkim=fail,permerror; trusted-authserv=filter.example.net", "HasAuthResult=spf=softfail");
        String quarantineProcessor = quarantine.group()
                .replace("file://var/mail/quarantine/", "memory://var/mail/quarantine/");
        assertThat(quarantineProcessor).contains("memory://var/mail/quarantine/");

        String postmaster = "<mailet match=\"All\" class=\"PostmasterAlias\"/>";
        String errorProcessor = "<processor state=\"error\" enableJmx=\"false\">";
        assertThat(xml).as("mailetcontainer.xml template").contains(postmaster, errorProcessor);
        return xml.replace(postmaster, rootRules.group(1) + RULES + postmaster)
                .replace(errorProcessor, quarantineProcessor + UPSTREAM_PROCESSOR + errorProcessor);
    }

    private static DeliveredMail await(String repository, String messageId) {
        return JAMES.server().awaitMail(repository, m -> m.headers("Message-ID").contains(messageId),
                AuthpackJames.DEFAULT_DELIVERY_TIMEOUT);
    }

    private static boolean isIn(String repository, String messageId) {
        return JAMES.server().mails(repository).stream().anyMatch(m -> m.headers("Message-ID").contains(messageId));
    }

    /** Sends, waits for the mail in {@code repository}, and checks it is in no other outcome repository. */
    private static DeliveredMail routedTo(String repository, Submission submission) {
        String id = JAMES.server().send(submission);
        DeliveredMail mail = await(repository, id);
        for (String other : new String[] {"delivered", "quarantine", "upstream-dmarc-fail"}) {
            if (!other.equals(repository)) {
                assertThat(isIn(other, id)).as("also in " + other + ": " + id).isFalse();
            }
        }
        return mail;
    }

    private static Submission withUpstreamFields(String... fields) {
        TestMessage message = TestMessage.create();
        for (String field : fields) {
            message.header("Authentication-Results", field);
        }
        return Submission.create().message(message);
    }

    // ------------------------------------------------------------------ our own results (the snippet's rules)

    @Test
    void spfFailFromAnUnauthenticatedClientIsQuarantined() {
        DeliveredMail mail = routedTo("quarantine", Submission.create().mailFrom("bob@spf-fail.example"));
        assertThat(mail.attribute("authpack.spf", "result")).hasValue("fail");
    }

    @Test
    void spfFailFromAnAuthenticatedClientIsDelivered() {
        DeliveredMail mail = routedTo("delivered", Submission.create()
                .auth(JamesExtension.ALICE, JamesExtension.ALICE_PASSWORD).mailFrom("bob@spf-fail.example"));
        assertThat(mail.attribute("authpack.spf", "result")).hasValue("fail");
        assertThat(mail.attribute("authpack.smtp-auth", "result")).hasValue("pass");
    }

    @Test
    void spfSoftfailIsMarkedAndDelivered() {
        DeliveredMail mail = routedTo("delivered", Submission.create().mailFrom("bob@spf-softfail.example"));
        assertThat(mail.headers("X-Authpack-Warning")).containsExactly("SPF softfail");
    }

    @Test
    void spfPassIsDeliveredUnmarked() {
        DeliveredMail mail = routedTo("delivered", Submission.create().mailFrom("bob@spf-pass.example"));
        assertThat(mail.headers("X-Authpack-Warning")).isEmpty();
        assertThat(mail.headers("X-It-Dkim")).as("unsigned: dkim=none").isEmpty();
    }

    @Test
    void brokenDkimSignatureIsQuarantined() {
        RawMail raw = RawMail.create();
        raw.send(JAMES.server(), RawMail.resource("dkim/messages/neg-body-modified.eml"));
        DeliveredMail mail = raw.await(JAMES.server(), "quarantine");
        assertThat(RawMail.dkimSummary(mail)).containsOnly(
                "football.example.com/brisbane/ed25519-sha256=fail", "football.example.com/test/rsa-sha256=fail");
        assertThat(raw.isIn(JAMES.server(), "delivered")).isFalse();
    }

    @Test
    void goodDkimSignatureIsMarkedAndDelivered() {
        DeliveredMail mail = RawMail.create().deliver(JAMES.server(),
                RawMail.resource("dkim/messages/rfc8463-a3-ed25519-and-rsa.eml"));
        assertThat(mail.headers("X-It-Dkim")).containsExactly("pass");
    }

    // ------------------------------------------------------------------ upstream Authentication-Results

    @Test
    void trustedUpstreamResultRoutesTheMail() {
        routedTo("upstream-dmarc-fail",
                withUpstreamFields(TRUSTED + "; dmarc=fail (p=reject) header.from=spf-pass.example"));
    }

    @Test
    void trustedIdsCompareWithoutCase() {
        routedTo("upstream-dmarc-fail", withUpstreamFields("Filter.Example.NET; dmarc=fail"));
    }

    @Test
    void untrustedUpstreamResultIsIgnored() {
        DeliveredMail mail = routedTo("delivered",
                withUpstreamFields("elsewhere.example; dmarc=fail header.from=spf-pass.example"));
        assertThat(mail.headers("X-It-Dmarc")).containsExactly("missing");
    }

    @Test
    void ignoredAuthservIsIgnoredEvenWhenTrusted() {
        DeliveredMail mail = routedTo("delivered", withUpstreamFields(IGNORED + "; dmarc=fail"));
        assertThat(mail.headers("X-It-Dmarc")).containsExactly("missing");
    }

    @Test
    void fieldClaimingOurOwnIdIsNeverBelieved() {
        DeliveredMail mail = routedTo("delivered", withUpstreamFields(SERVER_ID + "; dmarc=fail"));
        assertThat(mail.headers("X-It-Dmarc")).containsExactly("missing");
        assertThat(mail.authenticationResults()).extracting(AuthResultsField::authservId).containsExactly(SERVER_ID);
    }

    @Test
    void newestTrustedFieldDecides() {
        // fields are prepended on the way, so the topmost one is the newest
        DeliveredMail passed = routedTo("delivered",
                withUpstreamFields(TRUSTED + "; dmarc=pass", TRUSTED + "; dmarc=fail"));
        assertThat(passed.headers("X-It-Dmarc")).isEmpty();
        routedTo("upstream-dmarc-fail", withUpstreamFields(TRUSTED + "; dmarc=fail", TRUSTED + "; dmarc=pass"));
    }

    @Test
    void ourOwnResultBeatsATrustedUpstreamField() {
        // the snippet quarantines dkim=fail "from filter.example.net", but we checked DKIM ourselves: none
        DeliveredMail unsigned = routedTo("delivered",
                withUpstreamFields(TRUSTED + "; dkim=fail header.d=spf-pass.example"));
        assertThat(Expectations.ourField(unsigned).result("dkim")).hasValue("none");
        // and a trusted dkim=pass does not make an unsigned message dkim=pass
        DeliveredMail claimed = routedTo("delivered", withUpstreamFields(TRUSTED + "; dkim=pass"));
        assertThat(claimed.headers("X-It-Dkim")).isEmpty();
    }

    // ------------------------------------------------------------------ trust bound to the path (issue 9, item 6)

    @Test
    void aStrangerWritingTheFiltersIdIsNotBelieved() {
        // MAIL FROM without an SPF record: spf=none, so only the forged field could route the mail
        DeliveredMail mail = routedTo("delivered", withUpstreamFields(TRUSTED + "; dmarc=fail header.from=spf-pass.example")
                .clientAddress(STRANGER_IP).mailFrom("someone@elsewhere.example"));
        assertThat(mail.remoteAddr()).isEqualTo(STRANGER_IP);
        assertThat(mail.headers("X-It-Dmarc")).containsExactly("missing");
    }

    @Test
    void theFiltersFieldAboveItsReceivedIsBelieved() {
        TestMessage message = TestMessage.create()
                .header("Authentication-Results", TRUSTED + "; dmarc=fail header.from=spf-pass.example")
                .header("Received", "from attacker.example ([198.51.100.7]) by " + TRUSTED + "; Sun, 6 Dec 2026 00:00:00 +0000");
        routedTo("upstream-dmarc-fail", Submission.create().clientAddress(FILTER_IP).message(message));
    }

    @Test
    void aTrustedIdFieldBelowTheFiltersReceivedIsNotBelieved() {
        TestMessage message = TestMessage.create()
                .header("Received", "from attacker.example ([198.51.100.7]) by " + TRUSTED + "; Sun, 6 Dec 2026 00:00:00 +0000")
                .header("Authentication-Results", TRUSTED + "; dmarc=fail header.from=spf-pass.example");
        DeliveredMail mail = routedTo("delivered", Submission.create().clientAddress(FILTER_IP).message(message));
        assertThat(mail.headers("X-It-Dmarc")).containsExactly("missing");
    }

    @Test
    void aBareTrustedNameIsBelievedOnlyFromJamesAuthorizedAddresses() {
        DeliveredMail authorized = routedTo("delivered", withUpstreamFields(BARE + "; dmarc=fail")
                .clientAddress(AUTHORIZED_IP));
        assertThat(authorized.headers("X-It-Bare")).containsExactly("believed");
        DeliveredMail other = routedTo("delivered", withUpstreamFields(BARE + "; dmarc=fail").clientAddress(FILTER_IP));
        assertThat(other.headers("X-It-Bare")).isEmpty();
    }
}
