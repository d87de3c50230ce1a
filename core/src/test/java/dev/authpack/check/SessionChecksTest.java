package dev.authpack.check;

import dev.authpack.arc.ArcVerifier;
import dev.authpack.dkim.DkimKeys;
import dev.authpack.dkim.DkimSignOptions;
import dev.authpack.dkim.DkimSigner;
import dev.authpack.dkim.DkimSigningKey;
import dev.authpack.dkim.DkimTestAccess;
import dev.authpack.dkim.DkimVerifyOptions;
import dev.authpack.dkim.DkimVerifier;
import dev.authpack.dmarc.DmarcEvaluator;
import dev.authpack.dmarc.DmarcPolicy;
import dev.authpack.dmarc.DmarcStatus;
import dev.authpack.dns.CachingDnsResolver;
import dev.authpack.dns.DnsLookup;
import dev.authpack.dns.DnsNames;
import dev.authpack.dns.DnsOutcome;
import dev.authpack.dns.DnsType;
import dev.authpack.dns.MxHost;
import dev.authpack.dns.DnsjavaResolver;
import dev.authpack.dns.DnsResolver;
import dev.authpack.dns.ZoneFileResolver;
import dev.authpack.iprev.IprevChecker;
import dev.authpack.mail.RawMessage;
import dev.authpack.spf.SpfChecker;
import dev.authpack.spf.SpfStatus;
import dev.authpack.spf.SpfResult;
import dev.authpack.testkit.dns.LoopbackDnsServer;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class SessionChecksTest {
    private static final DkimSigningKey KEY = key();
    static final List<String> FROM_DOMAINS = List.of("pass.example", "reject.example", "quar.example",
            "none.example", "nodmarc.example", "sub.org.example", "flaky.example", "pass.example, b@reject.example");
    static final List<String> SIGNINGS = List.of("none", "aligned", "unaligned", "tampered", "two",
            "slowkey");
    private static final String ZONE = """
            $ORIGIN .
            $TTL 300
            pass.example. IN TXT "v=spf1 ip4:192.0.2.0/24 -all"
            _dmarc.pass.example. IN TXT "v=DMARC1; p=reject"
            reject.example. IN TXT "v=spf1 include:spf.pass.example -all"
            spf.pass.example. IN TXT "v=spf1 ip4:192.0.2.1 ~all"
            _dmarc.reject.example. IN TXT "v=DMARC1; p=reject; adkim=s; aspf=s"
            quar.example. IN TXT "v=spf1 a mx ~all"
            quar.example. IN A 192.0.2.1
            quar.example. IN MX 10 mx.quar.example.
            mx.quar.example. IN A 203.0.113.5
            _dmarc.quar.example. IN TXT "v=DMARC1; p=quarantine"
            none.example. IN TXT "v=spf1 ?all"
            _dmarc.none.example. IN TXT "v=DMARC1; p=none"
            nodmarc.example. IN A 192.0.2.77
            nodmarc.example. IN TXT "v=spf1 ~all"
            org.example. IN TXT "v=spf1 -all"
            _dmarc.org.example. IN TXT "v=DMARC1; p=quarantine; sp=none; np=reject"
            flaky.example. IN A 192.0.2.78
            other.example. IN TXT "v=spf1 exists:%{i}.allow.other.example -all"
            7.100.51.198.allow.other.example. IN A 127.0.0.2
            mail.pass.example. IN A 192.0.2.1
            mail.pass.example. IN TXT "v=spf1 a -all"
            1.2.0.192.in-addr.arpa. IN PTR mail.pass.example.
            7.100.51.198.in-addr.arpa. IN PTR host.other.example.
            """;

    private static DkimSigningKey key() {
        try {
            byte[] seed = new byte[32];
            Arrays.fill(seed, (byte) 7);
            return DkimKeys.ed25519(seed);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The key of the corpus's signatures (sel._domainkey of every domain of {@link #zone()}). */
    static DkimSigningKey signingKey() {
        return KEY;
    }

    static ZoneFileResolver zone() {
        StringBuilder keys = new StringBuilder(ZONE);
        for (String d : List.of("pass.example", "reject.example", "quar.example", "none.example", "nodmarc.example",
                "sub.org.example", "flaky.example", "signer.example")) {
            keys.append("sel._domainkey.").append(d).append(". IN TXT \"").append(KEY.publicKeyRecord())
                    .append("\"\n");
        }
        return new ZoneFileResolver(keys.toString())
                .withFailure("_dmarc.flaky.example", DnsOutcome.TIMEOUT)
                .withFailure("flaky.example", DnsOutcome.TEMP_FAILURE)
                .withFailure("slow._domainkey.pass.example", DnsOutcome.TIMEOUT);
    }

    static MailAuthChecker checker(DnsResolver dns) {
        return new MailAuthChecker(new SpfChecker(dns), new IprevChecker(dns), new DkimVerifier(dns),
                new DmarcEvaluator(dns), new ArcVerifier(dns));
    }

    static byte[] message(String from, String signing) throws Exception {
        String text = "From: a@" + from + "\r\nTo: b@example.net\r\n"
                + "Subject: test " + signing + "\r\nMessage-ID: <" + signing + "@x>\r\n\r\nHello.\r\n";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        String first = from.contains(",") ? from.substring(0, from.indexOf(',')) : from;
        return switch (signing) {
            case "none" -> bytes;
            case "aligned" -> sign(bytes, first, "sel");
            case "unaligned" -> sign(bytes, "signer.example", "sel");
            case "tampered" -> new String(sign(bytes, first, "sel"), StandardCharsets.UTF_8)
                    .replace("Hello.", "Hullo.").getBytes(StandardCharsets.UTF_8);
            case "two" -> sign(sign(bytes, "signer.example", "sel"), first, "sel");
            case "slowkey" -> sign(bytes, "pass.example", "slow");
            default -> throw new IllegalArgumentException(signing);
        };
    }

    private static byte[] sign(byte[] message, String domain, String selector) throws Exception {
        return new DkimSigner(KEY, DkimSignOptions.of(domain, selector)).sign(message);
    }

    static List<Envelope> envelopes(String from) throws Exception {
        String first = from.contains(",") ? from.substring(0, from.indexOf(',')) : from;
        return List.of(
                new Envelope(InetAddress.getByName("192.0.2.1"), "mail.pass.example", "bounce@" + first,
                        List.of("b@example.net"), Optional.empty()),
                new Envelope(InetAddress.getByName("198.51.100.7"), "unknown.example", "x@other.example",
                        List.of("b@example.net"), Optional.empty()),
                new Envelope(InetAddress.getByName("192.0.2.9"), "mail.pass.example", "", List.of("b@example.net"),
                        Optional.of("")));
    }

    static byte[] headerSection(byte[] message) {
        String text = new String(message, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        return Arrays.copyOf(message, end < 0 ? message.length : end + 4);
    }

    static String describe(AuthCheckReport report) {
        return report.methodResults() + "\n" + report.dmarcDisposition() + "\n" + report.spf() + "\n"
                + report.spfHelo() + "\n" + report.iprev() + "\n" + report.dmarc().map(d -> d.status() + " "
                + d.reason() + " " + d.disposition() + " " + d.policyDomain()) + "\n" + report.dkim();
    }

    /** One message through the session API, with the answers delayed so that early lookups are in flight. */
    private static AuthCheckReport session(DnsResolver dns, Envelope envelope, byte[] message) throws Exception {
        try (SessionChecks session = SessionChecks.connected(checker(dns), dns, CheckOptions.ALL,
                envelope.clientIp())) {
            session.mailFrom(envelope.helo(), envelope.mailFrom());
            session.headerSection(headerSection(message));
            AuthCheckReport report = session.endOfData(envelope, message).await(Duration.ofSeconds(30));
            session.reset();
            return report;
        }
    }

    @Test
    void theSessionGivesTheReportOfThePlainCheckWithNoMoreLookupsOnManyMessages() throws Exception {
        ZoneFileResolver zone = zone();
        int cases = 0;
        int fewer = 0;
        Set<String> seen = new java.util.TreeSet<>();
        for (String from : FROM_DOMAINS) {
            for (String signing : SIGNINGS) {
                byte[] message = message(from, signing);
                for (Envelope envelope : envelopes(from)) {
                    CountingDns plainDns = new CountingDns(zone, 0);
                    AuthCheckReport plain = checker(plainDns).check(envelope, message, CheckOptions.ALL)
                            .get(30, TimeUnit.SECONDS);
                    CountingDns sessionDns = new CountingDns(zone, 2);
                    AuthCheckReport pipelined = session(sessionDns, envelope, message);
                    String id = from + " / " + signing + " / " + envelope.clientIp() + " " + envelope.mailFrom();
                    assertThat(describe(pipelined)).as(id).isEqualTo(describe(plain));
                    // the same questions, none of them more often than the plain check asks it
                    assertThat(new HashSet<>(sessionDns.asked)).as(id).isEqualTo(new HashSet<>(plainDns.asked));
                    for (String question : new HashSet<>(sessionDns.asked)) {
                        assertThat(count(sessionDns.asked, question)).as(id + ": " + question)
                                .isLessThanOrEqualTo(count(plainDns.asked, question));
                    }
                    fewer += plainDns.asked.size() - sessionDns.asked.size();
                    plain.methodResults().forEach(r -> seen.add(r.method() + "=" + r.result()));
                    seen.add("disposition=" + plain.dmarcDisposition());
                    cases++;
                }
            }
        }
        assertThat(cases).isEqualTo(FROM_DOMAINS.size() * SIGNINGS.size() * 3);
        // the corpus covers the results that matter for enforcement
        assertThat(seen).contains("dkim=pass", "dkim=fail", "dkim=temperror", "dkim=none", "spf=pass", "spf=fail",
                "spf=softfail", "spf=neutral", "spf=none", "spf=temperror", "dmarc=pass", "dmarc=fail",
                "dmarc=temperror", "dmarc=none", "iprev=pass", "iprev=permerror", "disposition=REJECT",
                "disposition=QUARANTINE", "disposition=NONE");
        assertThat(fewer).isGreaterThanOrEqualTo(0);
    }

    private static long count(List<String> asked, String question) {
        return asked.stream().filter(question::equals).count();
    }

    @Test
    void anAlignedMessagesLookupsAreAllAskedBeforeTheEndOfData() throws Exception {
        CountingDns dns = new CountingDns(zone(), 1);
        byte[] message = message("pass.example", "aligned");
        Envelope envelope = envelopes("pass.example").get(0);
        try (SessionChecks session = SessionChecks.connected(checker(dns), dns, CheckOptions.ALL,
                envelope.clientIp())) {
            Optional<SpfResult> spf = session.mailFrom(envelope.helo(), envelope.mailFrom()).get(10, TimeUnit.SECONDS);
            assertThat(spf.orElseThrow().status()).isEqualTo(SpfStatus.PASS);
            session.headerSection(headerSection(message));
            session.earlyChecks().get(10, TimeUnit.SECONDS);
            List<String> beforeData = new ArrayList<>(dns.asked);
            AuthCheckReport report = session.endOfData(envelope, message).await(Duration.ofSeconds(10));
            assertThat(report.methodResults().toString()).contains("dkim", "pass");
            assertThat(report.dmarc().orElseThrow().status().word()).isEqualTo("pass");
            // everything was asked while the client was still sending: the end of DATA asks nothing
            assertThat(dns.asked).isEqualTo(beforeData);
            assertThat(beforeData).contains("PTR 1.2.0.192.in-addr.arpa", "TXT pass.example",
                    "TXT sel._domainkey.pass.example", "TXT _dmarc.pass.example");
        }
    }

    @Test
    void theEndOfDataTakesOverTheEarlySpfAndIprevResultsForTheSameEnvelopeOnly() throws Exception {
        CountingDns dns = new CountingDns(zone(), 0);
        Envelope envelope = envelopes("pass.example").get(0);
        byte[] message = message("pass.example", "aligned");
        try (SessionChecks session = SessionChecks.connected(checker(dns), dns, CheckOptions.ALL,
                envelope.clientIp())) {
            SpfResult early = session.mailFrom(envelope.helo(), envelope.mailFrom()).get(10, TimeUnit.SECONDS)
                    .orElseThrow();
            session.earlyChecks().get(10, TimeUnit.SECONDS);
            session.headerSection(headerSection(message));
            AuthCheckReport report = session.endOfData(envelope, message).await(Duration.ofSeconds(10));
            // the very results computed at connect and MAIL FROM: not computed a second time
            assertThat(report.spf().orElseThrow()).isSameAs(early);
            assertThat(report.iprev().orElseThrow()).isSameAs(session.iprevStartedAtConnect().orElseThrow());
            assertThat(report.spf().orElseThrow().status()).isEqualTo(SpfStatus.PASS);

            // another MAIL FROM at the end of DATA than the one SPF started with: SPF runs again, for it
            session.reset();
            SpfResult other = session.mailFrom(envelope.helo(), "x@none.example").get(10, TimeUnit.SECONDS)
                    .orElseThrow();
            session.headerSection(headerSection(message));
            AuthCheckReport changed = session.endOfData(envelope, message).await(Duration.ofSeconds(10));
            assertThat(changed.spf().orElseThrow()).isNotSameAs(other);
            assertThat(changed.spf().orElseThrow().domain()).isEqualTo("pass.example");
            assertThat(changed.spf().orElseThrow().status()).isEqualTo(SpfStatus.PASS);
            assertThat(changed.iprev().orElseThrow()).isSameAs(session.iprevStartedAtConnect().orElseThrow());
        }
    }

    @Test
    void dmarcIsEvaluatedOnTheFromOfTheMessageAtTheEndOfDataNotOnTheHeaderSectionSeenEarlier() throws Exception {
        // whatever changed the From between the header section and the end of DATA, DMARC speaks of the From the
        // reader sees: the early discovery only starts lookups, it is not what gets evaluated
        CountingDns dns = new CountingDns(zone(), 0);
        Envelope envelope = envelopes("reject.example").get(1);
        byte[] finalMessage = message("reject.example", "none");
        try (SessionChecks session = SessionChecks.connected(checker(dns), dns, CheckOptions.ALL,
                envelope.clientIp())) {
            session.mailFrom(envelope.helo(), envelope.mailFrom());
            session.headerSection(headerSection(message("pass.example", "aligned")));
            AuthCheckReport report = session.endOfData(envelope, finalMessage).await(Duration.ofSeconds(10));
            assertThat(report.dmarc().orElseThrow().fromDomain()).isEqualTo("reject.example");
            assertThat(describe(report)).isEqualTo(describe(
                    checker(dns).start(envelope, finalMessage, CheckOptions.ALL).await(Duration.ofSeconds(10))));
        }
    }

    /** James' own field on top of the DATA octets, as its {@code ReceivedDataLineFilter} writes it. */
    static final String RECEIVED = "Received: from mail.pass.example ([192.0.2.1])\r\n"
            + "          by mx.example.org (JAMES SMTP Server ) with ESMTP ID 1f2e3d4c\r\n"
            + "          for <b@example.net>;\r\n          Sun, 6 Dec 2026 13:00:00 +0000 (UTC)\r\n";

    static byte[] prepend(String fields, byte[] message) {
        byte[] top = fields.getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = Arrays.copyOf(top, top.length + message.length);
        System.arraycopy(message, 0, out, top.length, message.length);
        return out;
    }

    private static byte[] replace(byte[] message, String what, String with) {
        String text = new String(message, StandardCharsets.ISO_8859_1);
        assertThat(text).contains(what);
        return text.replace(what, with).getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A session of {@code envelope}'s client over {@code dns}, its MAIL FROM given. */
    private static SessionChecks transaction(DnsResolver dns, Envelope envelope) {
        SessionChecks session = SessionChecks.connected(checker(dns), dns, CheckOptions.ALL, envelope.clientIp());
        session.mailFrom(envelope.helo(), envelope.mailFrom());
        return session;
    }

    /** What the end of DATA took over from the header section collected: DMARC's reading, DKIM's parses. */
    private record TakenOver(boolean dmarcReading, int dkimParses) {
    }

    /**
     * The header section {@code collected} during DATA, then the end of DATA with {@code finalMessage}: the report
     * must be the plain check's of {@code finalMessage}; gives what was taken over.
     */
    private static TakenOver after(byte[] collected, byte[] finalMessage, String id) throws Exception {
        CountingDns dns = new CountingDns(zone(), 0);
        Envelope envelope = envelopes("pass.example").get(0);
        AuthCheckReport plain = checker(dns).start(envelope, finalMessage, CheckOptions.ALL)
                .await(Duration.ofSeconds(10));
        try (SessionChecks session = transaction(dns, envelope)) {
            session.headerSection(collected);
            AuthCheckReport report = session.endOfData(envelope, finalMessage).await(Duration.ofSeconds(10));
            assertThat(report.toString()).as(id).isEqualTo(plain.toString());
            assertThat(describe(report)).as(id).isEqualTo(describe(plain));
            assertThat(report.dkim()).as(id).isEqualTo(plain.dkim());
            return new TakenOver(session.dmarcReadingTakenOver(), session.dkimParsesReused());
        }
    }

    /** {@link #after}, with the DMARC reading taken over exactly when expected. */
    private static void endOfDataAfter(byte[] collected, byte[] finalMessage, boolean takenOver, String id)
            throws Exception {
        assertThat(after(collected, finalMessage, id).dmarcReading()).as(id).isEqualTo(takenOver);
    }

    @Test
    void theDmarcReadingOfTheHeaderSectionIsNotTakenOverWhenAFromCouldDifferAtTheEndOfData() throws Exception {
        // the attacker's cases: the collected header section is an aligned pass.example message; what reaches the
        // end of DATA has a From added, changed or hidden. Each must give the plain check's report.
        byte[] m = message("pass.example", "aligned");
        byte[] collected = headerSection(m);
        endOfDataAfter(collected, prepend("From: a@reject.example\r\n", m), false, "a From added on top");
        endOfDataAfter(collected, prepend("fROM : a@reject.example\r\n", m), false, "a from added on top");
        endOfDataAfter(collected, prepend(RECEIVED + "From: a@pass.example\r\n", m), false, "From duplicated");
        endOfDataAfter(collected, replace(m, "From: a@pass.example", "From: a@reject.example"), false,
                "the From changed");
        endOfDataAfter(collected, replace(m, "Subject: test", "Subject: Test"), false, "a field changed");
        endOfDataAfter(collected, replace(m, "\r\n\r\nHello.", "\r\nFrom: a@reject.example\r\n\r\nHello."),
                false, "a From added below the collected fields");
        endOfDataAfter(collected, prepend(RECEIVED + "X-Note: hi\rFrom: a@reject.example\r\n", m), false,
                "a From after a lone CR on top (a line of its own for javax.mail)");
        endOfDataAfter(collected, prepend("X-Note: hi\nFrom: a@reject.example\r\n", m), false,
                "a From after a bare LF on top");
        endOfDataAfter(collected, prepend("X-Note: hi\n", m), false, "a bare LF on top");
        endOfDataAfter(collected, prepend("Fr om: a@reject.example\r\n", m), false,
                "a field name with a space on top (the message does not parse)");
        endOfDataAfter(collected, prepend("From\r\n : a@reject.example\r\n", m), false,
                "a From name folded before its colon on top (the message does not parse)");
        endOfDataAfter(headerSection(message("reject.example", "none")), m, false,
                "the header section of another message");
        // a header section ended by a bare LF: a reader knowing CRLF only reads on into the body
        byte[] lfEnded = replace(m, "\r\n\r\nHello.", "\r\n\nFrom: a@reject.example\r\n\r\nHello.");
        byte[] lfCollected = Arrays.copyOf(lfEnded, new String(lfEnded, StandardCharsets.ISO_8859_1)
                .indexOf("\r\n\n") + 3);
        endOfDataAfter(lfCollected, prepend(RECEIVED, lfEnded), false, "a header section ended by a bare LF");

        // what leaves the From fields as they were: taken over, with the plain report all the same
        endOfDataAfter(collected, m, true, "the same message");
        endOfDataAfter(collected, prepend(RECEIVED, m), true, "James' Received on top");
        endOfDataAfter(collected, prepend(RECEIVED + "X-Note: hi\r\n From: a@reject.example\r\n", m), true,
                "a From in a continuation line on top (no reader sees a field there)");
        endOfDataAfter(collected, sign(prepend(RECEIVED, m), "reject.example", "sel"), true,
                "a DKIM-Signature added on top (DKIM reads the message at the end of DATA)");
        byte[] folded = message("pass.example, b@reject.example", "aligned");
        folded = replace(folded, "From: a@pass.example, b@reject.example",
                "From: a@pass.example,\r\n b@reject.example");
        endOfDataAfter(headerSection(folded), prepend(RECEIVED, folded), true, "a folded From of two domains");
        byte[] two = prepend("From: a@pass.example\r\n", m);
        endOfDataAfter(headerSection(two), prepend(RECEIVED, two), true, "two From fields in the collected section");
    }

    /** The DKIM-Signature fields of {@code message}, each with its CRLF, top to bottom. */
    private static List<String> signatures(byte[] message) throws Exception {
        List<String> fields = new ArrayList<>();
        RawMessage.parse(message).fields("DKIM-Signature").forEach(f -> fields.add(f + "\r\n"));
        return fields;
    }

    /** {@code field} (with its CRLF) as the last field of {@code message}'s header section. */
    private static byte[] atTheBottom(byte[] message, String field) {
        String text = new String(message, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n") + 2;
        return (text.substring(0, end) + field + text.substring(end)).getBytes(StandardCharsets.ISO_8859_1);
    }

    /** {@link #after}: the DKIM-Signature parses taken over. */
    private static int dkimAfter(byte[] collected, byte[] finalMessage, String id) throws Exception {
        return after(collected, finalMessage, id).dkimParses();
    }

    @Test
    void dkimSignaturesChangedAddedRemovedOrReorderedAfterTheHeaderSectionGiveThePlainReport() throws Exception {
        // the attacker's cases: the collected header section has two signatures (pass.example on top, then
        // signer.example); what reaches the end of DATA is something else
        byte[] m = message("pass.example", "two");
        byte[] collected = headerSection(m);
        List<String> sigs = signatures(m);
        assertThat(sigs).hasSize(2);
        String top = sigs.get(0);
        String below = sigs.get(1);
        String text = new String(m, StandardCharsets.ISO_8859_1);

        // the same signatures: both parses taken over, under James' Received field or not
        assertThat(dkimAfter(collected, m, "the same message")).isEqualTo(2);
        assertThat(dkimAfter(collected, prepend(RECEIVED, m), "James' Received on top")).isEqualTo(2);

        // changed: the changed field is parsed anew, whatever octet changed
        byte[] selector = replace(m, top, top.replace("s=sel", "s=slow"));
        assertThat(dkimAfter(collected, prepend(RECEIVED, selector), "s= of one changed")).isEqualTo(1);
        byte[] domain = replace(m, below, below.replace("d=signer.example", "d=reject.example"));
        assertThat(dkimAfter(collected, domain, "d= of one changed (same length)")).isEqualTo(1);
        String b = top.substring(top.indexOf(" b=") + 3, top.indexOf(" b=") + 7);
        byte[] value = replace(m, top, top.replace(" b=" + b, " b=" + new StringBuilder(b).reverse()));
        assertThat(dkimAfter(collected, value, "b= of one changed")).isEqualTo(1);
        byte[] folding = replace(m, top, top.replace("\r\n s=sel;", "\r\n\ts=sel;"));
        assertThat(dkimAfter(collected, folding, "one folded with a tab instead of a space")).isEqualTo(1);
        byte[] name = replace(m, top, "dkim-signature:" + top.substring("DKIM-Signature:".length()));
        assertThat(dkimAfter(collected, name, "the field name's case changed")).isEqualTo(1);
        byte[] both = replace(replace(m, top, top.replace("s=sel", "s=slow")), below,
                below.replace("s=sel", "s=abc"));
        assertThat(dkimAfter(collected, both, "both changed")).isZero();

        // added: on top (signed or copied), below the collected fields
        dkimAfter(collected, sign(prepend(RECEIVED, m), "reject.example", "sel"), "a signature added on top");
        dkimAfter(collected, prepend(RECEIVED + below, m), "a copy of the lower one added on top");
        dkimAfter(collected, atTheBottom(m, top), "a copy of the top one added at the bottom");
        // removed, reordered
        dkimAfter(collected, replace(m, top, ""), "the top one removed");
        dkimAfter(collected, replace(m, below, ""), "the lower one removed");
        dkimAfter(collected, atTheBottom(replace(m, top, ""), top), "the top one moved to the bottom");
        dkimAfter(collected, (below + top + text.replace(top, "").replace(below, "")).getBytes(
                StandardCharsets.ISO_8859_1), "the two swapped");
        dkimAfter(headerSection(message("reject.example", "aligned")), m, "the header section of another message");
    }

    @Test
    void moreSignaturesThanTheCapUnreadableOnesAndAnUnreadableHeaderSectionGiveThePlainReport() throws Exception {
        byte[] m = message("pass.example", "aligned");
        for (int i = 0; i < DkimVerifyOptions.DEFAULT_MAX_SIGNATURES + 2; i++) {
            m = sign(m, i % 2 == 0 ? "signer.example" : "pass.example", "sel");
        }
        // 13 signatures: 10 verified, 3 not; the parses of the 10 topmost are taken over, no more are kept
        assertThat(dkimAfter(headerSection(m), prepend(RECEIVED, m), "13 signatures"))
                .isEqualTo(DkimVerifyOptions.DEFAULT_MAX_SIGNATURES);
        byte[] garbage = prepend("DKIM-Signature: v=1; a=rsa-sha256; d=pass.example; b=\r\n", m);
        assertThat(dkimAfter(headerSection(garbage), prepend(RECEIVED, garbage), "an unreadable one on top too"))
                .isEqualTo(DkimVerifyOptions.DEFAULT_MAX_SIGNATURES);

        byte[] one = message("pass.example", "aligned");
        byte[] unreadable = prepend("DKIM-Signature: garbage\r\n", one);
        assertThat(dkimAfter(headerSection(unreadable), prepend(RECEIVED, unreadable), "an unreadable one early"))
                .isEqualTo(2);
        assertThat(dkimAfter(headerSection(unreadable), prepend(RECEIVED, one), "an unreadable one gone"))
                .isEqualTo(1);
        assertThat(dkimAfter(headerSection(unreadable), prepend(RECEIVED, replace(unreadable, "garbage", "v=1")),
                "an unreadable one changed")).isEqualTo(1);
        // a header section that does not parse starts nothing: the end of DATA parses every field
        assertThat(dkimAfter(prepend(" continued\r\n", headerSection(one)), prepend(RECEIVED, one),
                "an early header section that does not parse")).isZero();
        assertThat(dkimAfter("no header section".getBytes(StandardCharsets.ISO_8859_1), one,
                "an early header section without an empty line")).isZero();
    }

    @Test
    void theEarlyDkimStartOnlyAsksForTheKeysAndTheEndOfDataParsesNoFieldAgain() throws Exception {
        CountingDns dns = new CountingDns(zone(), 0);
        DkimVerifier dkim = new DkimVerifier(dns);
        MailAuthChecker checker = new MailAuthChecker(new SpfChecker(dns), new IprevChecker(dns), dkim,
                new DmarcEvaluator(dns), new ArcVerifier(dns));
        byte[] m = message("pass.example", "two");
        Envelope envelope = envelopes("pass.example").get(0);
        try (SessionChecks session = SessionChecks.connected(checker, dns, CheckOptions.ALL, envelope.clientIp())) {
            session.mailFrom(envelope.helo(), envelope.mailFrom());
            session.headerSection(headerSection(m));
            session.earlyChecks().get(10, TimeUnit.SECONDS);
            // both key names asked, both answers in, and no signature checked: no key record decoded
            assertThat(dns.asked).contains("TXT sel._domainkey.pass.example", "TXT sel._domainkey.signer.example");
            assertThat(DkimTestAccess.decodedKeys(dkim)).isZero();
            List<String> beforeData = new ArrayList<>(dns.asked);
            AuthCheckReport report = session.endOfData(envelope, prepend(RECEIVED, m)).await(Duration.ofSeconds(10));
            assertThat(report.dkim().orElseThrow().results()).hasSize(2).allMatch(r -> r.passed());
            assertThat(DkimTestAccess.decodedKeys(dkim)).isEqualTo(1);
            assertThat(dns.asked).isEqualTo(beforeData);
            // each DKIM-Signature field was parsed once: at the header section
            assertThat(session.dkimParsesReused()).isEqualTo(2);
        }
    }

    @Test
    void aHeaderSectionCollectedInAnotherTransactionIsNotTakenOver() throws Exception {
        CountingDns dns = new CountingDns(zone(), 0);
        Envelope envelope = envelopes("pass.example").get(0);
        byte[] m = message("pass.example", "aligned");
        try (SessionChecks session = transaction(dns, envelope)) {
            session.headerSection(headerSection(m));
            session.reset();
            session.mailFrom(envelope.helo(), envelope.mailFrom());
            AuthCheckReport report = session.endOfData(envelope, m).await(Duration.ofSeconds(10));
            assertThat(session.dmarcReadingTakenOver()).isFalse();
            assertThat(describe(report)).isEqualTo(describe(
                    checker(dns).start(envelope, m, CheckOptions.ALL).await(Duration.ofSeconds(10))));
            // taken over once only: a second end of DATA in the same transaction reads the message again
            session.reset();
            session.mailFrom(envelope.helo(), envelope.mailFrom());
            session.headerSection(headerSection(m));
            AuthCheckReport first = session.endOfData(envelope, m).await(Duration.ofSeconds(10));
            assertThat(session.dmarcReadingTakenOver()).isTrue();
            assertThat(session.dkimParsesReused()).isEqualTo(1);
            AuthCheckReport second = session.endOfData(envelope, m).await(Duration.ofSeconds(10));
            assertThat(describe(second)).isEqualTo(describe(first));
            // DKIM's parses too: the second end of DATA parses its fields itself
            assertThat(session.dkimParsesReused()).isEqualTo(1);
        }
    }

    @Test
    void theTakeOverGivesThePlainReportWithNoMoreLookupsOnManyMessagesUnderJamesReceivedField() throws Exception {
        ZoneFileResolver zone = zone();
        int cases = 0;
        for (String from : FROM_DOMAINS) {
            for (String signing : SIGNINGS) {
                byte[] data = message(from, signing);
                byte[] stored = prepend(RECEIVED, data);
                for (Envelope envelope : envelopes(from)) {
                    String id = from + " / " + signing + " / " + envelope.clientIp() + " " + envelope.mailFrom();
                    CountingDns plainDns = new CountingDns(zone, 0);
                    AuthCheckReport plain = checker(plainDns).check(envelope, stored, CheckOptions.ALL)
                            .get(30, TimeUnit.SECONDS);
                    CountingDns sessionDns = new CountingDns(zone, 2);
                    try (SessionChecks session = transaction(sessionDns, envelope)) {
                        session.headerSection(headerSection(data));
                        AuthCheckReport report = session.endOfData(envelope, stored).await(Duration.ofSeconds(30));
                        assertThat(session.dmarcReadingTakenOver()).as(id).isTrue();
                        // and every DKIM-Signature field parsed once, at the header section
                        assertThat(session.dkimParsesReused()).as(id).isEqualTo(signatures(data).size());
                        assertThat(report.toString()).as(id).isEqualTo(plain.toString());
                        assertThat(describe(report)).as(id).isEqualTo(describe(plain));
                    }
                    assertThat(new HashSet<>(sessionDns.asked)).as(id).isEqualTo(new HashSet<>(plainDns.asked));
                    for (String question : new HashSet<>(sessionDns.asked)) {
                        assertThat(count(sessionDns.asked, question)).as(id + ": " + question)
                                .isLessThanOrEqualTo(count(plainDns.asked, question));
                    }
                    cases++;
                }
            }
        }
        assertThat(cases).isEqualTo(FROM_DOMAINS.size() * SIGNINGS.size() * 3);
    }

    @Test
    void aNewMailFromEndsTheOldTransactionAndStartsSpfAgain() throws Exception {
        CountingDns dns = new CountingDns(zone(), 0);
        Envelope second = envelopes("quar.example").get(0);
        try (SessionChecks session = SessionChecks.connected(checker(dns), dns, CheckOptions.ALL,
                second.clientIp())) {
            CompletableFuture<Optional<SpfResult>> first = session.mailFrom("mail.pass.example", "x@none.example");
            assertThat(first.get(10, TimeUnit.SECONDS).orElseThrow().status()).isEqualTo(SpfStatus.NEUTRAL);
            session.reset();
            assertThat(session.transactionQuestions()).isZero();
            Optional<SpfResult> again = session.mailFrom(second.helo(), second.mailFrom()).get(10, TimeUnit.SECONDS);
            assertThat(again.orElseThrow().domain()).isEqualTo("quar.example");
            byte[] message = message("quar.example", "aligned");
            session.headerSection(headerSection(message));
            AuthCheckReport report = session.endOfData(second, message).await(Duration.ofSeconds(10));
            assertThat(report.spf().orElseThrow().domain()).isEqualTo("quar.example");
            assertThat(report.spf().orElseThrow().status()).isEqualTo(SpfStatus.PASS);
        }
    }

    @Test
    void aSessionThatNeverSendsDataEndsItsLookupsAndStartsNoMore() throws Exception {
        MailAuthCheckerTest.BlackHole hole = new MailAuthCheckerTest.BlackHole();
        Envelope envelope = envelopes("pass.example").get(0);
        SessionChecks session = SessionChecks.connected(checker(hole), hole, CheckOptions.ALL, envelope.clientIp());
        CompletableFuture<Optional<SpfResult>> spf = session.mailFrom(envelope.helo(), envelope.mailFrom());
        session.headerSection(headerSection(message("pass.example", "aligned")));
        int asked = hole.handedOut.size();
        assertThat(asked).isGreaterThanOrEqualTo(4);  // PTR, SPF x2, key, DMARC
        session.close();
        // every early check has ended (nothing waits for the dropped answers) ...
        assertThat(session.earlyChecks()).isDone();
        assertThat(spf.get(1, TimeUnit.SECONDS).orElseThrow().status()).isEqualTo(SpfStatus.TEMPERROR);
        // ... and nothing new is asked once the session is closed
        session.mailFrom(envelope.helo(), envelope.mailFrom());
        session.headerSection(headerSection(message("pass.example", "aligned")));
        assertThat(hole.handedOut).hasSize(asked);
    }

    /**
     * A client's queries in flight are counted while they are (the connections of one client share the count) and
     * given back when they end, here at RSET and when the client leaves: the table keeps nothing of a client
     * that holds nothing. Beyond the quota an early query is not sent, and no early result is taken over.
     */
    @Test
    void aClientsQueriesCountUntilTheyEndAndThoseBeyondItsQuotaAreNotSentEarly() throws Exception {
        MailAuthCheckerTest.BlackHole hole = new MailAuthCheckerTest.BlackHole();
        ClientQuota quota = new ClientQuota(3, 10);
        InetAddress client = InetAddress.getByName("192.0.2.1");
        SessionChecks first = SessionChecks.connected(checker(hole), hole, CheckOptions.ALL, client, quota);
        first.mailFrom("h.example", "a@pass.example");   // PTR at connect, SPF for MAIL FROM and HELO
        assertThat(hole.handedOut).hasSize(3);
        assertThat(quota.client(client).atQuota()).isTrue();
        SessionChecks second = SessionChecks.connected(checker(hole), hole, CheckOptions.ALL, client, quota);
        CompletableFuture<Optional<SpfResult>> deferred = second.mailFrom("h.example", "b@pass.example");
        assertThat(hole.handedOut).as("nothing sent for the second connection").hasSize(3);
        assertThat(deferred.get(1, TimeUnit.SECONDS)).as("no verdict at MAIL FROM").isEmpty();
        // the first connection's transaction ends: its two SPF queries are cancelled and given back
        first.reset();
        assertThat(quota.client(client).held()).isEqualTo(1);
        second.close();
        first.close();
        assertThat(quota.clients()).isZero();
    }

    /**
     * Review s17, M1: whoever fills it, once the transport has three quarters of its slots in flight no early
     * lookup is sent (a client under its quota included), and the label-only hook is told not to hand over; the end
     * of DATA asks them all and gives the plain check's report, never a failure for that.
     */
    @Test
    void noEarlyLookupIsSentWhileTheTransportHasItsEarlyShareInFlight() throws Exception {
        CountingDns counted = new CountingDns(zone(), 0);
        int[] inFlight = {192};
        DnsResolver dns = new DnsResolver() {
            @Override public CompletableFuture<dev.authpack.dns.DnsLookup<String>> txt(String n) {
                return counted.txt(n);
            }
            @Override public CompletableFuture<dev.authpack.dns.DnsLookup<InetAddress>> a(String n) {
                return counted.a(n);
            }
            @Override public CompletableFuture<dev.authpack.dns.DnsLookup<InetAddress>> aaaa(String n) {
                return counted.aaaa(n);
            }
            @Override public CompletableFuture<dev.authpack.dns.DnsLookup<dev.authpack.dns.MxHost>> mx(String n) {
                return counted.mx(n);
            }
            @Override public CompletableFuture<dev.authpack.dns.DnsLookup<String>> ptr(InetAddress ip) {
                return counted.ptr(ip);
            }
            @Override public int queriesInFlight() {
                return inFlight[0];
            }
            @Override public int maxQueriesInFlight() {
                return 256;
            }
        };
        byte[] message = message("pass.example", "aligned");
        Envelope envelope = envelopes("pass.example").get(0);
        AuthCheckReport plain = checker(zone()).check(envelope, message, CheckOptions.ALL).get(10, TimeUnit.SECONDS);
        ClientQuota quota = new ClientQuota(32, 64, 10);
        try (SessionChecks session = SessionChecks.connected(checker(dns), dns, CheckOptions.ALL,
                envelope.clientIp(), quota)) {
            assertThat(session.mailFrom(envelope.helo(), envelope.mailFrom(), true).get(1, TimeUnit.SECONDS))
                    .as("no verdict at MAIL FROM: decided at the end of DATA").isEmpty();
            session.headerSection(headerSection(message));
            assertThat(counted.asked).as("nothing sent early").isEmpty();
            assertThat(quota.client(envelope.clientIp()).held()).as("nothing counted to the client").isZero();
            assertThat(session.queriesAtQuota()).isTrue();
            inFlight[0] = 191;
            assertThat(session.queriesAtQuota()).isFalse();
            inFlight[0] = 256;
            AuthCheckReport report = session.endOfData(envelope, message).await(Duration.ofSeconds(10));
            assertThat(report.toString()).isEqualTo(plain.toString());
            assertThat(counted.asked).contains("TXT _dmarc.pass.example", "TXT pass.example");
        }
    }

    @Test
    void theMailFromSpfResultIsBoundedBySpfsBudget() throws Exception {
        MailAuthCheckerTest.BlackHole hole = new MailAuthCheckerTest.BlackHole();
        MailAuthChecker checker = new MailAuthChecker(new SpfChecker(hole), new IprevChecker(hole),
                new DkimVerifier(hole), new DmarcEvaluator(hole), new ArcVerifier(hole),
                CheckBudgets.all(Duration.ofMillis(200)));
        try (SessionChecks session = SessionChecks.connected(checker, hole, CheckOptions.ALL,
                InetAddress.getByName("192.0.2.1"))) {
            SpfResult spf = session.mailFrom("h.example", "a@pass.example").get(5, TimeUnit.SECONDS).orElseThrow();
            assertThat(spf.status()).isEqualTo(SpfStatus.TEMPERROR);
            assertThat(spf.reason()).contains("did not finish within 200 ms");
        }
    }

    @Test
    void aTransactionRemembersABoundedNumberOfQuestions() throws Exception {
        CountingDns dns = new CountingDns(zone(), 0);
        SessionResolver answers = new SessionResolver(dns);
        int n = SessionResolver.MAX_QUESTIONS + 10;
        for (int i = 0; i < n; i++) {
            assertThat(answers.txt("n" + i + ".example").get(1, TimeUnit.SECONDS).outcome())
                    .isEqualTo(DnsOutcome.NXDOMAIN);
        }
        assertThat(answers.questions()).isEqualTo(SessionResolver.MAX_QUESTIONS);
        answers.txt("n1.example").get(1, TimeUnit.SECONDS);
        answers.txt("N1.example.").get(1, TimeUnit.SECONDS);
        assertThat(dns.asked).hasSize(n);
        // past the bound, questions still get answers (passed through, not remembered)
        answers.txt("n" + (n - 1) + ".example").get(1, TimeUnit.SECONDS);
        assertThat(dns.asked).hasSize(n + 1);
        answers.close();
        assertThat(answers.txt("pass.example").get(1, TimeUnit.SECONDS).outcome())
                .isEqualTo(DnsOutcome.TEMP_FAILURE);
        assertThat(dns.asked).hasSize(n + 1);
    }

    @Test
    void aRunHandedOverKeepsItsAnswersWhenTheClientSendsAgainOrLeavesAndEndsWithThePlainReport() throws Exception {
        byte[] message = message("pass.example", "aligned");
        Envelope envelope = envelopes("pass.example").get(0);
        AuthCheckReport plain = checker(zone()).check(envelope, message, CheckOptions.ALL).get(10, TimeUnit.SECONDS);
        CountingDns.Gate gate = new CountingDns.Gate();
        CountingDns dns = new CountingDns(zone(), gate);
        SessionChecks session = SessionChecks.connected(checker(dns), dns, CheckOptions.ALL, envelope.clientIp());
        session.mailFrom(envelope.helo(), envelope.mailFrom());
        session.headerSection(headerSection(message));
        CheckRun run = session.endOfData(envelope, message);
        session.handOver(run);
        // the session goes on without the run: a new transaction, then the client leaves, all before any answer
        assertThat(session.transactionQuestions()).isZero();
        session.mailFrom(envelope.helo(), "x@none.example");
        session.close();
        assertThat(run.report()).isNotDone();
        gate.release(q -> true);
        AuthCheckReport report = run.report().get(10, TimeUnit.SECONDS);
        assertThat(describe(report)).isEqualTo(describe(plain));
        assertThat(report.methodResults().toString()).doesNotContain("temperror");
        // once the run has ended, the connection's answers are closed too: nothing new is asked
        int asked = dns.asked.size();
        session.mailFrom(envelope.helo(), envelope.mailFrom());
        assertThat(dns.asked).hasSize(asked);
    }

    /**
     * Issue 11: a label-only hook that leaves a message to the mailet (larger than {@code handOverMaxSize}, or every
     * message with {@code handOverMaxSize=0}) no longer cancels the lookups it started early: the mailet's check from
     * the spool, which asks the same questions, joins them or finds their answers cached, instead of asking again.
     * Before, {@code reset()} cancelled them at the end of DATA (the second case shows that old way).
     */
    @Test
    void aMessageLeftToTheSpoolKeepsItsEarlyLookupsForTheMailetsCheck() throws Exception {
        byte[] message = message("pass.example", "aligned");
        Envelope envelope = envelopes("pass.example").get(0);
        AuthCheckReport plain = checker(zone()).check(envelope, message, CheckOptions.ALL).get(10, TimeUnit.SECONDS);
        for (boolean left : List.of(true, false)) {
            CountingDns.Gate gate = new CountingDns.Gate();
            CountingDns upstream = new CountingDns(zone(), gate);
            CachingDnsResolver cache = new CachingDnsResolver(upstream);
            SessionChecks session = SessionChecks.connected(checker(cache), cache, CheckOptions.ALL,
                    envelope.clientIp());
            session.mailFrom(envelope.helo(), envelope.mailFrom());
            session.headerSection(headerSection(message));
            session.messageReceived();
            assertThat(upstream.asked).as("asked early").hasSizeGreaterThanOrEqualTo(4);
            if (left) {
                session.leaveToSpool(Duration.ofSeconds(30));
            } else {
                session.reset();
            }
            session.close();
            // MailAuthCheck's check of the same message from the spool, over the same shared resolver
            CompletableFuture<AuthCheckReport> spool = checker(cache).check(envelope, message, CheckOptions.ALL);
            gate.release(q -> true);
            AuthCheckReport report = spool.get(10, TimeUnit.SECONDS);
            assertThat(describe(report)).isEqualTo(describe(plain));
            if (left) {
                assertThat(cache.cancelledInFlight()).isZero();
                assertThat(upstream.asked).as("each question asked upstream once").doesNotHaveDuplicates();
                assertThat(session.earlyChecks().get(10, TimeUnit.SECONDS)).isNull();
            } else {
                assertThat(cache.cancelledInFlight()).isPositive();
                assertThat(upstream.asked).hasSizeGreaterThan(new HashSet<>(upstream.asked).size());
            }
        }
    }

    /** What a message left to the spool keeps running is bounded: past {@code within} its lookups are cancelled. */
    @Test
    void theLookupsOfAMessageLeftToTheSpoolEndWithinTheDeadline() throws Exception {
        byte[] message = message("pass.example", "aligned");
        Envelope envelope = envelopes("pass.example").get(0);
        CountingDns upstream = new CountingDns(zone(), new CountingDns.Gate());
        CachingDnsResolver cache = new CachingDnsResolver(upstream);
        SessionChecks session = SessionChecks.connected(checker(cache), cache, CheckOptions.ALL, envelope.clientIp());
        CompletableFuture<Optional<SpfResult>> spf = session.mailFrom(envelope.helo(), envelope.mailFrom());
        session.headerSection(headerSection(message));
        session.leaveToSpool(Duration.ofMillis(200));
        session.close();
        assertThat(spf).isNotDone();
        // never answered: the transaction's answers close at the deadline, cancelling what is in flight
        assertThat(spf.get(10, TimeUnit.SECONDS).orElseThrow().status()).isEqualTo(SpfStatus.TEMPERROR);
        session.earlyChecks().handle((v, e) -> null).get(10, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (cache.cancelledInFlight() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(cache.cancelledInFlight()).isPositive();
    }

    @Test
    void aRunHandedOverAndCutOffEndsItsLookups() throws Exception {
        MailAuthCheckerTest.BlackHole hole = new MailAuthCheckerTest.BlackHole();
        Envelope envelope = envelopes("pass.example").get(0);
        SessionChecks session = SessionChecks.connected(checker(hole), hole, CheckOptions.ALL, envelope.clientIp());
        CompletableFuture<Optional<SpfResult>> spf = session.mailFrom(envelope.helo(), envelope.mailFrom());
        byte[] message = message("pass.example", "aligned");
        CheckRun run = session.endOfData(envelope, message);
        session.handOver(run);
        session.close();
        assertThat(spf).isNotDone();
        AuthCheckReport report = run.cutOff("expired");
        assertThat(report.spf().orElseThrow().status()).isEqualTo(SpfStatus.TEMPERROR);
        // the transaction's early checks ended with the run
        assertThat(spf.get(1, TimeUnit.SECONDS).orElseThrow().status()).isEqualTo(SpfStatus.TEMPERROR);
        assertThat(session.earlyChecks()).isDone();
    }

    /** A domain publishing {@code p=reject}, its subdomains included, served at once; the attacker's names are not. */
    static final String VICTIM_ZONE = """
            $ORIGIN .
            $TTL 300
            victim.example. IN TXT "v=spf1 ip4:203.0.113.0/24 -all"
            _dmarc.victim.example. IN TXT "v=DMARC1; p=reject"
            """;

    /**
     * Review F1, the attacker's case: one client loops RSET + MAIL FROM at names whose servers never answer (so each
     * SPF query would hold a transport slot until its timeout), never sending DATA, against a resolver of 8 slots;
     * meanwhile another client sends a message spoofing a {@code p=reject} domain under a random label (nothing
     * cached). The loop must hold next to nothing of the transport, and the spoofed message must get
     * {@code dmarc=fail} with disposition {@code reject}, not a {@code temperror} that would be accepted.
     */
    @Test
    void anRsetAndMailFromLoopAtSilentNamesHoldsNoTransportAndLeavesAnotherClientsDmarcFailAFail() throws Exception {
        try (LoopbackDnsServer server = LoopbackDnsServer.builder().zoneText(VICTIM_ZONE).start()) {
            server.drop("*.blackhole.example");
            DnsjavaResolver network = new DnsjavaResolver(List.of(server.address()), Duration.ofSeconds(4), 8);
            CachingDnsResolver dns = new CachingDnsResolver(network);
            MailAuthChecker checker = checker(dns);
            try (SessionChecks attacker = SessionChecks.connected(checker, dns, CheckOptions.ALL,
                    InetAddress.getByName("198.51.100.66"))) {
                int most = 0;
                for (int i = 0; i < 100; i++) {
                    attacker.mailFrom("h.example", "x@n" + i + ".blackhole.example");
                    most = Math.max(most, network.queriesInFlight());
                    attacker.reset();
                }
                // at most the one transaction's SPF query (and the iprev and HELO ones, answered at once)
                assertThat(most).as("queries in flight during the loop").isLessThanOrEqualTo(3);
                awaitInFlight(network, 0);

                // the victim's message, the attacker still connected
                Envelope envelope = new Envelope(InetAddress.getByName("192.0.2.44"), "mail.spoof.example",
                        "x@spoof.example", List.of("b@example.net"), Optional.empty());
                byte[] message = ("From: ceo@r4711.victim.example\r\nTo: b@example.net\r\nSubject: pay\r\n"
                        + "Message-ID: <1@spoof.example>\r\n\r\nWire the money.\r\n").getBytes(StandardCharsets.UTF_8);
                try (SessionChecks victim = SessionChecks.connected(checker, dns, CheckOptions.ALL,
                        envelope.clientIp())) {
                    victim.mailFrom(envelope.helo(), envelope.mailFrom());
                    victim.headerSection(headerSection(message));
                    AuthCheckReport report = victim.endOfData(envelope, message).await(Duration.ofSeconds(20));
                    assertThat(report.dmarc().orElseThrow().status()).as(describe(report)).isEqualTo(DmarcStatus.FAIL);
                    assertThat(report.dmarcDisposition()).as(describe(report)).isEqualTo(DmarcPolicy.REJECT);
                }
            }
            awaitInFlight(network, 0);
        }
    }

    /** Waits (up to 2 s) until the resolver has {@code n} queries in flight; fails with the count otherwise. */
    static void awaitInFlight(DnsjavaResolver network, int n) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (network.queriesInFlight() != n && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        assertThat(network.queriesInFlight()).as("queries in flight").isEqualTo(n);
    }

    @Test
    void pastThreeTransactionsWithoutAMessageMailFromStartsNoEarlyLookupsAndTheEndOfDataStillRunsSpf()
            throws Exception {
        CountingDns dns = new CountingDns(zone(), 0);
        Envelope envelope = envelopes("pass.example").get(0);
        try (SessionChecks session = SessionChecks.connected(checker(dns), dns, CheckOptions.ALL,
                envelope.clientIp())) {
            for (int i = 0; i < 10; i++) {
                session.mailFrom("helo" + i + ".example", "x@n" + i + ".example");
                session.reset();
            }
            assertThat(session.transactionsWithoutMessage()).isEqualTo(10);
            // SPF for MAIL FROM and HELO of the first three transactions only
            assertThat(dns.asked).filteredOn(q -> q.startsWith("TXT ")).containsExactlyInAnyOrder(
                    "TXT n0.example", "TXT helo0.example", "TXT n1.example", "TXT helo1.example",
                    "TXT n2.example", "TXT helo2.example");
            // a message after them: no early SPF, the plain check's report all the same
            int asked = dns.asked.size();
            assertThat(session.mailFrom(envelope.helo(), envelope.mailFrom()).get(1, TimeUnit.SECONDS)).isEmpty();
            assertThat(dns.asked).hasSize(asked);
            byte[] message = message("pass.example", "aligned");
            AuthCheckReport report = session.endOfData(envelope, message).await(Duration.ofSeconds(10));
            assertThat(report.spf().orElseThrow().status()).isEqualTo(SpfStatus.PASS);
            assertThat(describe(report)).isEqualTo(describe(
                    checker(zone()).start(envelope, message, CheckOptions.ALL).await(Duration.ofSeconds(10))));
            // awaited (SPF fail refused at MAIL FROM): SPF for MAIL FROM starts whatever the count
            session.reset();
            assertThat(session.mailFrom(envelope.helo(), "x@reject.example", true).get(5, TimeUnit.SECONDS)
                    .orElseThrow().domain()).isEqualTo("reject.example");
            assertThat(dns.asked).contains("TXT reject.example");
        }
    }

    @Test
    void aClientSendingMessageAfterMessageKeepsItsEarlyLookups() throws Exception {
        CountingDns dns = new CountingDns(zone(), 0);
        Envelope envelope = envelopes("pass.example").get(0);
        byte[] message = message("pass.example", "aligned");
        try (SessionChecks session = SessionChecks.connected(checker(dns), dns, CheckOptions.ALL,
                envelope.clientIp())) {
            // two transactions abandoned (a recipient refused, say): under the bound
            for (int i = 0; i < SessionChecks.MAX_TRANSACTIONS_WITHOUT_MESSAGE - 1; i++) {
                session.mailFrom(envelope.helo(), "x@none.example");
                session.reset();
            }
            for (int i = 0; i < 20; i++) {
                SpfResult early = session.mailFrom(envelope.helo(), envelope.mailFrom()).get(5, TimeUnit.SECONDS)
                        .orElseThrow();
                session.headerSection(headerSection(message));
                AuthCheckReport report = session.endOfData(envelope, message).await(Duration.ofSeconds(10));
                assertThat(report.spf().orElseThrow()).as("message " + i).isSameAs(early);
                session.reset();
            }
            assertThat(session.transactionsWithoutMessage()).isEqualTo(SessionChecks.MAX_TRANSACTIONS_WITHOUT_MESSAGE - 1);
        }
    }

    @Test
    void endingATransactionCancelsItsUpstreamQueriesAndFreesTheTransportAtOnce() throws Exception {
        try (LoopbackDnsServer server = LoopbackDnsServer.builder().zoneText(VICTIM_ZONE).start()) {
            server.drop("*.blackhole.example");
            // 30 s: a query not cancelled would hold its slot through the whole test
            DnsjavaResolver network = new DnsjavaResolver(List.of(server.address()), Duration.ofSeconds(30), 16);
            CachingDnsResolver dns = new CachingDnsResolver(network);
            InetAddress client = InetAddress.getByName("198.51.100.66");
            try (SessionChecks session = SessionChecks.connected(checker(dns), dns, CheckOptions.ALL, client)) {
                // RSET
                session.mailFrom("h.blackhole.example", "x@a.blackhole.example");
                awaitInFlight(network, 2);   // SPF for MAIL FROM and HELO (iprev's PTR is answered)
                session.reset();
                awaitInFlight(network, 0);
                // a new MAIL FROM
                session.mailFrom("h.blackhole.example", "x@b.blackhole.example");
                session.mailFrom("h.blackhole.example", "x@c.blackhole.example");
                awaitInFlight(network, 2);
                // the end of DATA, the checks cut off at their deadline: what they left in flight ends with them
                byte[] message = ("From: a@d.blackhole.example\r\n\r\nhi\r\n").getBytes(StandardCharsets.UTF_8);
                session.headerSection(message);
                CheckRun run = session.endOfData(new Envelope(client, "h.blackhole.example", "x@c.blackhole.example",
                        List.of("b@example.net"), Optional.empty()), message);
                assertThat(network.queriesInFlight()).isGreaterThanOrEqualTo(3);
                run.cutOff("deadline");
                session.reset();
                awaitInFlight(network, 0);
                // the client leaves
                session.mailFrom("h.blackhole.example", "x@e.blackhole.example");
                awaitInFlight(network, 2);
            }
            awaitInFlight(network, 0);
            assertThat(dns.cancelledInFlight()).isGreaterThanOrEqualTo(7);
        }
    }

    @Test
    void aQueryAnotherCallerWaitsForIsNotCancelledWithTheTransaction() throws Exception {
        try (LoopbackDnsServer server = LoopbackDnsServer.builder().zoneText(VICTIM_ZONE).start()) {
            server.delay("slow.example", Duration.ofMillis(500));
            server.addZone("slow.example. 300 IN TXT \"v=spf1 -all\"\n");
            DnsjavaResolver network = new DnsjavaResolver(List.of(server.address()), Duration.ofSeconds(5), 16);
            CachingDnsResolver dns = new CachingDnsResolver(network);
            InetAddress client = InetAddress.getByName("198.51.100.66");
            // the mailet checking another mail asks the same question meanwhile
            CompletableFuture<SpfResult> plain = new SpfChecker(dns).checkMailFrom(client, "x@slow.example", "");
            try (SessionChecks session = SessionChecks.connected(checker(dns), dns, CheckOptions.ALL, client)) {
                session.mailFrom("", "y@slow.example");
                session.reset();
            }
            // the one query both asked went on for the mailet, which gets its answer
            assertThat(plain.get(5, TimeUnit.SECONDS).status()).isEqualTo(SpfStatus.FAIL);
            assertThat(server.faultCounts().get(dev.authpack.testkit.dns.FaultMix.Fault.DELAY)).isEqualTo(1);
        }
    }

    /** Answers from the zone, except that the first asking of each name in {@code overloaded} is a local overload. */
    static final class Overloaded implements DnsResolver {
        final List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final DnsResolver zone;
        private final Set<String> overloaded;

        Overloaded(DnsResolver zone, String... overloaded) {
            this.zone = zone;
            this.overloaded = java.util.concurrent.ConcurrentHashMap.newKeySet();
            this.overloaded.addAll(List.of(overloaded));
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        private <T> CompletableFuture<DnsLookup<T>> ask(DnsType type, String name,
                                                       java.util.function.Supplier<CompletableFuture<DnsLookup<T>>> q) {
            asked.add(type + " " + name);
            return overloaded.remove(name) ? CompletableFuture.completedFuture(DnsLookup.overloaded(name, type,
                    "more than 8 DNS queries in flight")) : q.get();
        }

        @Override public CompletableFuture<DnsLookup<String>> txt(String n) { return ask(DnsType.TXT, n, () -> zone.txt(n)); }
        @Override public CompletableFuture<DnsLookup<InetAddress>> a(String n) { return ask(DnsType.A, n, () -> zone.a(n)); }
        @Override public CompletableFuture<DnsLookup<InetAddress>> aaaa(String n) {
            return ask(DnsType.AAAA, n, () -> zone.aaaa(n));
        }
        @Override public CompletableFuture<DnsLookup<MxHost>> mx(String n) { return ask(DnsType.MX, n, () -> zone.mx(n)); }
        @Override public CompletableFuture<DnsLookup<String>> ptr(InetAddress ip) {
            return ask(DnsType.PTR, DnsNames.reverseName(ip), () -> zone.ptr(ip));
        }
    }

    @Test
    void aLocalOverloadIsNotRememberedAndTheEndOfDataAsksAgain() throws Exception {
        SessionResolver answers = new SessionResolver(new Overloaded(zone(), "pass.example"));
        DnsLookup<String> first = answers.txt("pass.example").get(1, TimeUnit.SECONDS);
        assertThat(first.outcome()).isEqualTo(DnsOutcome.TEMP_FAILURE);
        assertThat(first.localOverload()).isTrue();
        assertThat(answers.sawOverload()).isTrue();
        assertThat(answers.txt("pass.example").get(1, TimeUnit.SECONDS).outcome()).isEqualTo(DnsOutcome.RECORDS);
        // a failure from the server is remembered, as before
        SessionResolver flaky = new SessionResolver(zone());
        assertThat(flaky.a("flaky.example").get(1, TimeUnit.SECONDS).outcome()).isEqualTo(DnsOutcome.TEMP_FAILURE);
        assertThat(flaky.sawOverload()).isFalse();

        // the session: SPF and the DMARC discovery started early hit the overload; the end of DATA runs them again
        Envelope envelope = envelopes("reject.example").get(1);
        byte[] message = message("reject.example", "none");
        Overloaded dns = new Overloaded(zone(), "other.example", "_dmarc.reject.example", "7.100.51.198.in-addr.arpa");
        try (SessionChecks session = SessionChecks.connected(checker(dns), dns, CheckOptions.ALL,
                envelope.clientIp())) {
            SpfResult early = session.mailFrom(envelope.helo(), envelope.mailFrom()).get(5, TimeUnit.SECONDS)
                    .orElseThrow();
            assertThat(early.status()).isEqualTo(SpfStatus.TEMPERROR);
            session.headerSection(headerSection(message));
            session.earlyChecks().get(5, TimeUnit.SECONDS);
            AuthCheckReport report = session.endOfData(envelope, message).await(Duration.ofSeconds(10));
            assertThat(describe(report)).isEqualTo(describe(
                    checker(zone()).start(envelope, message, CheckOptions.ALL).await(Duration.ofSeconds(10))));
            assertThat(report.dmarc().orElseThrow().status()).isEqualTo(DmarcStatus.FAIL);
            assertThat(report.dmarcDisposition()).isEqualTo(DmarcPolicy.REJECT);
            assertThat(session.dmarcReadingTakenOver()).isFalse();
            // each overloaded question asked twice, the others once
            assertThat(dns.asked).filteredOn("TXT other.example"::equals).hasSize(2);
            assertThat(dns.asked).filteredOn("TXT _dmarc.reject.example"::equals).hasSize(2);
            assertThat(dns.asked).filteredOn("PTR 7.100.51.198.in-addr.arpa"::equals).hasSize(2);
            assertThat(dns.asked).filteredOn("TXT unknown.example"::equals).hasSize(1);
        }
    }
}
