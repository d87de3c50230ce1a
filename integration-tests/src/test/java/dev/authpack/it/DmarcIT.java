package dev.authpack.it;

import static dev.authpack.it.DmarcRouting.DELIVERED;
import static dev.authpack.it.DmarcRouting.QUARANTINE;
import static dev.authpack.it.DmarcRouting.REJECT;
import static dev.authpack.it.DmarcRouting.disposition;
import static dev.authpack.it.DmarcRouting.dmarc;
import static dev.authpack.it.DmarcRouting.dmarcResinfo;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * DMARC (RFC 9989, MailAuthCheck's default mode) in a real James over SMTP, with the policy applied by the
 * {@code DmarcDisposition} matcher ({@link DmarcRouting}: reject and quarantine go to repositories of those names,
 * the rest is delivered). The policy records are in src/test/resources/dmarc/dmarc.zone; DKIM signatures are made
 * by the real {@code bin/authpack dkim-sign} with keys the JDK made for this run. The client is 127.0.0.1, whose
 * MAIL FROM {@code @spf-pass.example} passes SPF without being aligned with any From domain used here.
 */
class DmarcIT {
    private static final String UNALIGNED_SENDER = "bob@spf-pass.example";

    @RegisterExtension
    static final JamesExtension JAMES = new JamesExtension(b -> b
            .zoneFile(RawMail.resourceFile("dmarc/dmarc.zone"))
            .placeholder("DNS_TIMEOUT", DmarcRouting.DNS_TIMEOUT_MILLIS)
            .edit("mailetcontainer.xml", DmarcRouting::withRules));

    @TempDir
    static Path keys;
    /** From news@news.dmarc-reject.example, signed d=dmarc-reject.example (relaxed alignment only). */
    private static String signedByParent;
    /** From news@news.dmarc-strict.example, signed d=dmarc-strict.example (adkim=s: not aligned). */
    private static String signedStrict;

    @BeforeAll
    static void signWithTheCli() throws IOException {
        DkimTestKey reject = DkimTestKey.rsa(keys, "dmarc-reject.example", "dmarc-it");
        DkimTestKey strict = DkimTestKey.rsa(keys, "dmarc-strict.example", "dmarc-it-strict");
        JAMES.dns().addZone(reject.zoneLine() + strict.zoneLine());
        signedByParent = sign(message("news@news.dmarc-reject.example"), reject);
        signedStrict = sign(message("news@news.dmarc-strict.example"), strict);
    }

    private static String message(String from) {
        return "From: Newsletter <" + from + ">\r\n"
                + "To: alice@james.test\r\n"
                + "Subject: DMARC and a DKIM signature\r\n"
                + "Date: Tue, 24 Nov 2026 10:00:00 +0000\r\n"
                + "Message-ID: <" + UUID.randomUUID() + "@dmarc-it.example>\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=us-ascii\r\n"
                + "\r\n"
                + "Signed by the parent domain of the author domain.\r\n";
    }

    private static String sign(String text, DkimTestKey key) throws IOException {
        Path file = Files.createTempFile(keys, "unsigned", ".eml");
        Files.writeString(file, text, StandardCharsets.US_ASCII);
        String signed = AuthpackScript.run("dkim-sign", file.toString(), "--domain", key.domain(),
                "--selector", key.selector(), "--key", key.pemFile().toString()).ok();
        assertThat(signed).startsWith("DKIM-Signature:");
        return signed;
    }

    private static Submission from(String mailFrom, String author) {
        return Submission.create().mailFrom(mailFrom).message(TestMessage.create().from(author));
    }

    private static DeliveredMail routedTo(String repository, Submission submission) {
        return DmarcRouting.routedTo(JAMES.server(), repository, submission);
    }

    // ------------------------------------------------------------------ pass

    @Test
    void spfAlignedMailPassesAndIsDelivered() {
        DeliveredMail mail = routedTo(DELIVERED, from("bob@dmarc-reject.example", "ceo@dmarc-reject.example"));
        AuthResultsField.Resinfo resinfo = dmarcResinfo(mail);
        assertThat(resinfo.result()).as(mail.headerSection()).isEqualTo("pass");
        assertThat(resinfo.property("header.from")).hasValue("dmarc-reject.example");
        assertThat(resinfo.property("policy.dmarc")).hasValue("reject");
        Map<?, ?> dmarc = dmarc(mail);
        assertThat(dmarc.get("result")).isEqualTo("pass");
        assertThat(dmarc.get("domain")).isEqualTo("dmarc-reject.example");
        assertThat(dmarc.get("policy_domain")).isEqualTo("dmarc-reject.example");
        assertThat(dmarc.get("spf_aligned")).isEqualTo(true);
        assertThat(dmarc.get("dkim_aligned")).isEqualTo(false);
        assertThat(dmarc.get("disposition")).isEqualTo("none");
        assertThat(dmarc.get("mode")).isEqualTo("rfc9989");
        assertThat(disposition(mail)).isEqualTo("none");
    }

    @Test
    void dkimSignatureOfTheParentDomainAlignsRelaxed() {
        RawMail raw = RawMail.create();   // MAIL FROM at spf-pass.example: SPF passes, not aligned
        DeliveredMail mail = DmarcRouting.routedTo(JAMES.server(), DELIVERED, raw, signedByParent);
        assertThat(RawMail.dkimSummary(mail)).containsExactly("dmarc-reject.example/dmarc-it/rsa-sha256=pass");
        assertThat(dmarcResinfo(mail).result()).as(mail.headerSection()).isEqualTo("pass");
        assertThat(dmarcResinfo(mail).property("header.from")).hasValue("news.dmarc-reject.example");
        Map<?, ?> dmarc = dmarc(mail);
        assertThat(dmarc.get("dkim_aligned")).isEqualTo(true);
        assertThat(dmarc.get("spf_aligned")).isEqualTo(false);
        assertThat(dmarc.get("policy_domain")).as("found by the tree walk").isEqualTo("dmarc-reject.example");
        assertThat(disposition(mail)).isEqualTo("none");
    }

    @Test
    void strictAlignmentRefusesTheParentDomainsSpfAndDkim() {
        RawMail raw = RawMail.create().mailFrom("list-" + UUID.randomUUID() + "@dmarc-strict.example");
        DeliveredMail mail = DmarcRouting.routedTo(JAMES.server(), REJECT, raw, signedStrict);
        AuthResultsField field = Expectations.ourField(mail);
        assertThat(field.result("dkim")).as(mail.headerSection()).hasValue("pass");
        assertThat(Expectations.spfMailFrom(field).result()).isEqualTo("pass");
        assertThat(dmarcResinfo(mail).result()).isEqualTo("fail");
        Map<?, ?> dmarc = dmarc(mail);
        assertThat(dmarc.get("spf_aligned")).isEqualTo(false);
        assertThat(dmarc.get("dkim_aligned")).isEqualTo(false);
        assertThat(dmarc.get("disposition")).isEqualTo("reject");
    }

    @Test
    void strictAlignmentAcceptsTheSameDomain() {
        // SPF pass for news.dmarc-strict.example itself: identical names align even under aspf=s
        RawMail raw = RawMail.create().mailFrom("list-" + UUID.randomUUID() + "@news.dmarc-strict.example");
        DeliveredMail mail = DmarcRouting.routedTo(JAMES.server(), DELIVERED, raw, signedStrict);
        assertThat(dmarcResinfo(mail).result()).as(mail.headerSection()).isEqualTo("pass");
        assertThat(dmarc(mail).get("spf_aligned")).isEqualTo(true);
        assertThat(dmarc(mail).get("dkim_aligned")).isEqualTo(false);
    }

    // ------------------------------------------------------------------ policies

    @Test
    void failingRejectPolicyIsRoutedToReject() {
        DeliveredMail mail = routedTo(REJECT, from(UNALIGNED_SENDER, "ceo@dmarc-reject.example"));
        AuthResultsField.Resinfo resinfo = dmarcResinfo(mail);
        assertThat(resinfo.result()).as(mail.headerSection()).isEqualTo("fail");
        assertThat(resinfo.property("header.from")).hasValue("dmarc-reject.example");
        assertThat(resinfo.property("policy.dmarc")).hasValue("reject");
        assertThat(Expectations.spfMailFrom(Expectations.ourField(mail)).result()).isEqualTo("pass");
        Map<?, ?> dmarc = dmarc(mail);
        assertThat(dmarc.get("result")).isEqualTo("fail");
        assertThat(dmarc.get("policy")).isEqualTo("reject");
        assertThat(dmarc.get("requested_disposition")).isEqualTo("reject");
        assertThat(dmarc.get("disposition")).isEqualTo("reject");
        assertThat(dmarc.containsKey("override")).as("override").isFalse();
        assertThat(disposition(mail)).isEqualTo("reject");
    }

    @Test
    void failingQuarantinePolicyIsRoutedToQuarantine() {
        DeliveredMail mail = routedTo(QUARANTINE, from(UNALIGNED_SENDER, "billing@dmarc-quarantine.example"));
        assertThat(dmarcResinfo(mail).result()).as(mail.headerSection()).isEqualTo("fail");
        assertThat(dmarcResinfo(mail).property("policy.dmarc")).hasValue("quarantine");
        assertThat(disposition(mail)).isEqualTo("quarantine");
    }

    @Test
    void failingNonePolicyIsDelivered() {
        DeliveredMail mail = routedTo(DELIVERED, from(UNALIGNED_SENDER, "info@dmarc-policy.example"));
        assertThat(dmarcResinfo(mail).result()).as(mail.headerSection()).isEqualTo("fail");
        assertThat(dmarcResinfo(mail).property("policy.dmarc")).hasValue("none");
        assertThat(disposition(mail)).isEqualTo("none");
    }

    @Test
    void existingSubdomainGetsTheSpPolicy() {
        DeliveredMail mail = routedTo(QUARANTINE, from(UNALIGNED_SENDER, "info@exists.dmarc-policy.example"));
        assertThat(dmarcResinfo(mail).property("header.from")).hasValue("exists.dmarc-policy.example");
        assertThat(dmarcResinfo(mail).property("policy.dmarc")).as(mail.headerSection()).hasValue("quarantine");
        assertThat(dmarc(mail).get("policy_domain")).isEqualTo("dmarc-policy.example");
    }

    @Test
    void nonExistentSubdomainGetsTheNpPolicy() {
        DeliveredMail mail = routedTo(REJECT, from(UNALIGNED_SENDER, "info@ghost.dmarc-policy.example"));
        assertThat(dmarcResinfo(mail).property("header.from")).hasValue("ghost.dmarc-policy.example");
        assertThat(dmarcResinfo(mail).property("policy.dmarc")).as(mail.headerSection()).hasValue("reject");
        assertThat(dmarc(mail).get("policy_domain")).isEqualTo("dmarc-policy.example");
    }

    @Test
    void treeWalkFindsTheOrganizationalDomainsRecordFromADeepSubdomain() {
        String deep = "a.b.c.d.e.f.g.h.treewalk.example";   // ten labels: the walk jumps to the last seven
        DeliveredMail mail = routedTo(REJECT, from(UNALIGNED_SENDER, "robot@" + deep));
        assertThat(dmarcResinfo(mail).result()).as(mail.headerSection()).isEqualTo("fail");
        assertThat(dmarcResinfo(mail).property("header.from")).hasValue(deep);
        assertThat(dmarcResinfo(mail).property("policy.dmarc")).hasValue("reject");
        assertThat(dmarc(mail).get("policy_domain")).isEqualTo("treewalk.example");
    }

    @Test
    void treeWalkAlignsTheOrganizationalDomainsSpfRelaxed() {
        DeliveredMail mail = routedTo(DELIVERED, from("bounces@treewalk.example",
                "robot@a.b.c.d.e.f.g.h.treewalk.example"));
        assertThat(dmarcResinfo(mail).result()).as(mail.headerSection()).isEqualTo("pass");
        assertThat(dmarc(mail).get("spf_aligned")).isEqualTo(true);
    }

    @Test
    void treeWalkIgnoresThePublicSuffixList() {
        // blogspot.com is on the Public Suffix List, which RFC 9989 no longer uses (DmarcRfc7489IT: none)
        DeliveredMail mail = routedTo(REJECT, from(UNALIGNED_SENDER, "alice@alice.blogspot.com"));
        assertThat(dmarcResinfo(mail).result()).as(mail.headerSection()).isEqualTo("fail");
        assertThat(dmarc(mail).get("policy_domain")).isEqualTo("blogspot.com");
    }

    @Test
    void testModeTakesThePolicyOneLevelDown() {
        DeliveredMail mail = routedTo(QUARANTINE, from(UNALIGNED_SENDER, "ops@dmarc-testing.example"));
        assertThat(dmarcResinfo(mail).result()).as(mail.headerSection()).isEqualTo("fail");
        assertThat(dmarcResinfo(mail).property("policy.dmarc")).hasValue("quarantine");
        Map<?, ?> dmarc = dmarc(mail);
        assertThat(dmarc.get("test_mode")).isEqualTo(true);
        assertThat(dmarc.get("policy")).isEqualTo("quarantine");
        assertThat(disposition(mail)).isEqualTo("quarantine");
    }

    @Test
    void pctIsNotPartOfRfc9989() {
        DeliveredMail mail = routedTo(REJECT, from(UNALIGNED_SENDER, "ops@dmarc-pct0.example"));
        assertThat(dmarcResinfo(mail).property("policy.dmarc")).as(mail.headerSection()).hasValue("reject");
    }

    @Test
    void severalAuthorDomainsGetTheStrictestFailingPolicy() {
        TestMessage message = TestMessage.create()
                .from("a@dmarc-quarantine.example, b@dmarc-reject.example, c@dmarc-policy.example")
                .header("Sender", "a@dmarc-quarantine.example");
        DeliveredMail mail = routedTo(REJECT, Submission.create().mailFrom(UNALIGNED_SENDER).message(message));
        assertThat(dmarcResinfo(mail).result()).as(mail.headerSection()).isEqualTo("fail");
        assertThat(dmarcResinfo(mail).property("header.from")).hasValue("dmarc-reject.example");
    }

    @Test
    void unrelatedFromDomainWithoutRecordIsNone() {
        DeliveredMail mail = routedTo(DELIVERED, from(UNALIGNED_SENDER, "someone@spf-none.example"));
        assertThat(dmarcResinfo(mail).result()).as(mail.headerSection()).isEqualTo("none");
        assertThat(disposition(mail)).isEqualTo("none");
    }

    @Test
    void incomingDmarcPassClaimsChangeNothing() {
        String claim = "dmarc=pass header.from=dmarc-reject.example";
        TestMessage message = TestMessage.create().from("ceo@dmarc-reject.example")
                .header("Authentication-Results", Expectations.SERVER_ID + "; " + claim)
                .header("Authentication-Results", "upstream.example; " + claim);
        DeliveredMail mail = routedTo(REJECT, Submission.create().mailFrom(UNALIGNED_SENDER).message(message));
        // the forged field with our authserv-id is gone; the other server's stays, and is not what decides
        assertThat(mail.authenticationResults()).extracting(AuthResultsField::authservId)
                .containsExactly(Expectations.SERVER_ID, "upstream.example");
        assertThat(dmarcResinfo(mail).result()).as(mail.headerSection()).isEqualTo("fail");
        assertThat(disposition(mail)).isEqualTo("reject");
    }

    // ------------------------------------------------------------------ DNS failure

    @Test
    void servfailForThePolicyRecordIsTemperrorAndTheMailIsDelivered() {
        JAMES.dns().servfail("_dmarc.dmarc-servfail.example");
        DeliveredMail mail = routedTo(DELIVERED, from(UNALIGNED_SENDER, "ceo@dmarc-servfail.example"));
        assertThat(dmarcResinfo(mail).result()).as(mail.headerSection()).isEqualTo("temperror");
        assertThat(dmarcResinfo(mail).property("header.from")).hasValue("dmarc-servfail.example");
        Map<?, ?> dmarc = dmarc(mail);
        assertThat(dmarc.get("result")).isEqualTo("temperror");
        assertThat(String.valueOf(dmarc.get("reason"))).contains("_dmarc.dmarc-servfail.example");
        assertThat(disposition(mail)).isEqualTo("none");
    }

    // ------------------------------------------------------------------ fail closed (docs/dmarc.md)

    /** An attacker domain that passes SPF for the test client; its _dmarc name is made to fail or loop. */
    private static String attackerDomain(String label) throws IOException {
        String domain = label + "-" + UUID.randomUUID().toString().substring(0, 8) + ".example";
        JAMES.dns().addZone("$TTL 0\n" + domain + ". TXT \"v=spf1 ip4:127.0.0.0/8 -all\"\n"
                + "_dmarc.loop." + domain + ". CNAME _dmarc." + domain + ".\n"
                + "_dmarc." + domain + ". CNAME _dmarc.loop." + domain + ".\n");
        return domain;
    }

    @Test
    void servfailAtTheAttackersDmarcDoesNotTurnTheFailIntoATemperror() throws IOException {
        String attacker = attackerDomain("servfail");
        JAMES.dns().servfail("_dmarc." + attacker);
        DeliveredMail mail = routedTo(REJECT, from("bob@" + attacker, "ceo@dmarc-reject.example"));
        assertThat(Expectations.spfMailFrom(Expectations.ourField(mail)).result()).isEqualTo("pass");
        assertThat(dmarcResinfo(mail).result()).as(mail.headerSection()).isEqualTo("fail");
        assertThat(dmarc(mail).get("disposition")).isEqualTo("reject");
        assertThat(disposition(mail)).isEqualTo("reject");
    }

    @Test
    void aCnameLoopAtTheAttackersDmarcDoesNotTurnTheFailIntoATemperror() throws IOException {
        String attacker = attackerDomain("loop");
        DeliveredMail mail = routedTo(REJECT, from("bob@" + attacker, "ceo@dmarc-reject.example"));
        assertThat(dmarcResinfo(mail).result()).as(mail.headerSection()).isEqualTo("fail");
        assertThat(disposition(mail)).isEqualTo("reject");
    }

    @Test
    void aFromWithTwoDomainsIsEvaluatedForBoth() {
        DeliveredMail mail = routedTo(REJECT, from(UNALIGNED_SENDER, "ceo@dmarc-reject.example@spf-pass.example"));
        assertThat(dmarcResinfo(mail).result()).as(mail.headerSection()).isEqualTo("fail");
        assertThat(dmarcResinfo(mail).property("header.from")).hasValue("dmarc-reject.example");
        assertThat(disposition(mail)).isEqualTo("reject");
    }

    @Test
    void anUnreadableHeaderSectionIsReadBestEffort() {
        RawMail raw = RawMail.create();    // MAIL FROM at spf-pass.example: SPF passes, not aligned
        String message = "X-Bad Name: a field name with spaces\r\n"
                + "From: CEO <ceo@dmarc-reject.example>\r\n"
                + "To: alice@james.test\r\n"
                + "Subject: unreadable header section\r\n"
                + "Message-ID: <" + UUID.randomUUID() + "@dmarc-it.example>\r\n"
                + "\r\n"
                + "An attacker hoped for permerror and no disposition.\r\n";
        DeliveredMail mail = DmarcRouting.routedTo(JAMES.server(), REJECT, raw, message);
        assertThat(dmarcResinfo(mail).result()).as(mail.headerSection()).isEqualTo("fail");
        assertThat(dmarcResinfo(mail).property("header.from")).hasValue("dmarc-reject.example");
        assertThat(String.valueOf(dmarc(mail).get("reason"))).contains("unreadable header section");
        assertThat(disposition(mail)).isEqualTo("reject");
    }
}
