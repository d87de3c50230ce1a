package dev.authpack.check;

import dev.authpack.arc.ArcResult;
import dev.authpack.dkim.DkimReport;
import dev.authpack.dmarc.DmarcEvaluator;
import dev.authpack.dmarc.DmarcResult;
import dev.authpack.dmarc.DmarcStatus;
import dev.authpack.dns.DnsResolver;
import dev.authpack.iprev.IprevResult;
import dev.authpack.mail.RawMessage;
import dev.authpack.spf.SpfResult;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link MailAuthChecker} starts DMARC's policy discovery with SPF and DKIM (issue 11: a message waits for its
 * longest chain of lookups, not their sum), and that changes nothing else: on the corpus of {@link SessionChecksTest}
 * every report equals the one of the former order (DMARC evaluated from scratch once SPF and DKIM are in) and the
 * questions asked are the same, each as often (docs/dmarc.md "Fail-closed rules").
 */
class MailAuthCheckerCriticalPathTest {

    /** The former orchestration, step by step: every check but DMARC, then DMARC from scratch. */
    private static AuthCheckReport dmarcAfterSpfAndDkim(DnsResolver dns, Envelope envelope, byte[] message)
            throws Exception {
        MailAuthChecker checker = SessionChecksTest.checker(dns);
        RawMessage parsed = RawMessage.parse(message);
        CompletableFuture<SpfResult> spf = checker.spf().checkMailFrom(envelope.clientIp(), envelope.mailFrom(),
                envelope.helo());
        CompletableFuture<SpfResult> helo = checker.spf().checkHelo(envelope.clientIp(), envelope.helo());
        CompletableFuture<IprevResult> iprev = checker.iprev().check(envelope.clientIp());
        CompletableFuture<DkimReport> dkim = checker.dkim().verify(parsed);
        CompletableFuture<ArcResult> arc = new dev.authpack.arc.ArcVerifier(dns).verify(parsed);
        Optional<SpfResult> mailFrom = Optional.of(spf.get(30, TimeUnit.SECONDS));
        Optional<DkimReport> signatures = Optional.of(dkim.get(30, TimeUnit.SECONDS));
        DmarcResult dmarc = checker.dmarc().evaluate(parsed, mailFrom, signatures).get(30, TimeUnit.SECONDS);
        ArcResult chain = arc.get(30, TimeUnit.SECONDS);
        return new AuthCheckReport(signatures, mailFrom, Optional.of(helo.get(30, TimeUnit.SECONDS)),
                Optional.of(iprev.get(30, TimeUnit.SECONDS)), Optional.of(SmtpAuthResult.of(envelope.authUser())),
                Optional.of(dmarc), Optional.of(chain),
                DmarcOverride.find(dmarc, chain, CheckOptions.ALL.trustedArcSealers()));
    }

    @Test
    void everyReportAndEveryQuestionIsThatOfTheFormerOrderOnTheCorpus() throws Exception {
        var zone = SessionChecksTest.zone();
        int cases = 0;
        for (String from : SessionChecksTest.FROM_DOMAINS) {
            for (String signing : SessionChecksTest.SIGNINGS) {
                byte[] message = SessionChecksTest.message(from, signing);
                for (Envelope envelope : SessionChecksTest.envelopes(from)) {
                    String id = from + " / " + signing + " / " + envelope.clientIp() + " " + envelope.mailFrom();
                    CountingDns formerDns = new CountingDns(zone, 0);
                    AuthCheckReport former = dmarcAfterSpfAndDkim(formerDns, envelope, message);
                    CountingDns nowDns = new CountingDns(zone, 1);
                    AuthCheckReport now = SessionChecksTest.checker(nowDns).check(envelope, message,
                            CheckOptions.ALL).get(30, TimeUnit.SECONDS);
                    assertThat(now.toString()).as(id).isEqualTo(former.toString());
                    assertThat(SessionChecksTest.describe(now)).as(id)
                            .isEqualTo(SessionChecksTest.describe(former));
                    assertThat(sorted(nowDns.asked)).as(id).isEqualTo(sorted(formerDns.asked));
                    // the session path taking the header section's DMARC reading over, under James' Received
                    byte[] stored = SessionChecksTest.prepend(SessionChecksTest.RECEIVED, message);
                    AuthCheckReport formerStored = dmarcAfterSpfAndDkim(new CountingDns(zone, 0), envelope, stored);
                    CountingDns sessionDns = new CountingDns(zone, 1);
                    try (SessionChecks session = SessionChecks.connected(SessionChecksTest.checker(sessionDns),
                            sessionDns, CheckOptions.ALL, envelope.clientIp())) {
                        session.mailFrom(envelope.helo(), envelope.mailFrom());
                        session.headerSection(SessionChecksTest.headerSection(message));
                        AuthCheckReport taken = session.endOfData(envelope, stored).await(Duration.ofSeconds(30));
                        assertThat(taken.toString()).as(id).isEqualTo(formerStored.toString());
                        assertThat(SessionChecksTest.describe(taken)).as(id)
                                .isEqualTo(SessionChecksTest.describe(formerStored));
                        assertThat(session.dmarcReadingTakenOver()).as(id).isTrue();
                    }
                    cases++;
                }
            }
        }
        assertThat(cases).isEqualTo(SessionChecksTest.FROM_DOMAINS.size() * SessionChecksTest.SIGNINGS.size() * 3);
    }

    private static List<String> sorted(List<String> questions) {
        List<String> copy = new ArrayList<>(questions);
        copy.sort(null);
        return copy;
    }

    @Test
    void dmarcDiscoveryIsAskedWithTheOtherLookupsBeforeAnyAnswer() throws Exception {
        CountingDns.Gate gate = new CountingDns.Gate();
        CountingDns dns = new CountingDns(SessionChecksTest.zone(), gate);
        CheckRun run = start(dns, "pass.example", "aligned");
        // no answer has arrived: every first question is out, DMARC's among them
        assertThat(dns.asked).contains("TXT _dmarc.pass.example", "TXT pass.example", "TXT mail.pass.example",
                "TXT sel._domainkey.pass.example", "PTR 1.2.0.192.in-addr.arpa");
        gate.release(q -> true);
        AuthCheckReport report = run.report().get(30, TimeUnit.SECONDS);
        assertThat(report.dmarc().orElseThrow().status()).isEqualTo(DmarcStatus.PASS);
    }

    @Test
    void theTreeWalkAndTheExistenceLookupsForNpRunWhileSpfAndDkimWait() throws Exception {
        CountingDns.Gate gate = new CountingDns.Gate();
        CountingDns dns = new CountingDns(SessionChecksTest.zone(), gate);
        CheckRun run = start(dns, "sub.org.example", "none");
        assertThat(dns.asked).contains("TXT _dmarc.sub.org.example", "TXT _dmarc.org.example",
                "TXT _dmarc.example");
        // only DMARC's answers come: the record at org.example has np=reject and sp=none, so whether
        // sub.org.example exists is asked, while SPF has no answer yet
        gate.release(q -> q.startsWith("TXT _dmarc."));
        awaitAsked(dns, "MX sub.org.example");
        assertThat(dns.asked).contains("A sub.org.example", "AAAA sub.org.example");
        assertThat(run.report()).isNotDone();
        gate.release(q -> true);
        AuthCheckReport report = run.report().get(30, TimeUnit.SECONDS);
        assertThat(report.dmarc().orElseThrow().policyDomain()).isEqualTo("org.example");
        assertThat(dns.asked.stream().filter("MX sub.org.example"::equals).count()).isEqualTo(1);
    }

    @Test
    void aPreparedEvaluationGivesTheResultOfAnEvaluationFromScratch() throws Exception {
        var zone = SessionChecksTest.zone();
        for (String from : SessionChecksTest.FROM_DOMAINS) {
            byte[] message = SessionChecksTest.message(from, "aligned");
            CountingDns scratchDns = new CountingDns(zone, 0);
            DmarcResult scratch = new DmarcEvaluator(scratchDns).evaluate(message, Optional.empty(),
                    Optional.empty()).get(30, TimeUnit.SECONDS);
            CountingDns preparedDns = new CountingDns(zone, 0);
            DmarcEvaluator.Prepared prepared = new DmarcEvaluator(preparedDns).prepare(message);
            DmarcResult result = prepared.evaluate(Optional.empty(), Optional.empty()).get(30, TimeUnit.SECONDS);
            assertThat(result).as(from).isEqualTo(scratch);
            assertThat(sorted(preparedDns.asked)).as(from).isEqualTo(sorted(scratchDns.asked));
        }
    }

    /** Starts the check of a corpus message from {@code from}, sent from its domain's own server. */
    private static CheckRun start(CountingDns dns, String from, String signing) throws Exception {
        return SessionChecksTest.checker(dns).start(SessionChecksTest.envelopes(from).get(0),
                SessionChecksTest.message(from, signing), CheckOptions.ALL);
    }

    private static void awaitAsked(CountingDns dns, String question) throws InterruptedException {
        for (int i = 0; i < 2000 && !dns.asked.contains(question); i++) {
            Thread.sleep(5);
        }
        assertThat(dns.asked).contains(question);
    }
}
