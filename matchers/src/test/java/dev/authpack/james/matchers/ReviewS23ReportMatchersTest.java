package dev.authpack.james.matchers;

import dev.authpack.james.MailReports;
import dev.authpack.james.ReportSamples;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.mailet.Mail;
import org.apache.mailet.Matcher;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Session 23 attacker's review, through the matchers and James' own message (these tests also run on James 3.9,
 * dist-james39): backscatter, a genuine bounce of a message the attacker sent with our VERP bounce address as MAIL
 * FROM, which a reputable MTA returns to us with the attacker's text quoted.
 */
class ReviewS23ReportMatchersTest {
    /** qmail-send's bounce of the attacker's message, whose body carries Postfix's wording and a recipient line. */
    private static final String BACKSCATTER = """
            Return-Path: <>
            From: MAILER-DAEMON@mx.remote.example
            To: bounces+alice=example.com@bounce.example.com
            Subject: failure notice

            Hi. This is the qmail-send program at mx.remote.example.
            I'm afraid I wasn't able to deliver your message to the following addresses.
            This is a permanent error; I've given up. Sorry it didn't work out.

            <nouser@remote.example>:
            Sorry, I couldn't find any host named remote.example. (#5.1.2)

            --- Below this line is a copy of the message.

            Return-Path: <bounces+alice=example.com@bounce.example.com>
            Received: (qmail 1234 invoked from network); 1 Dec 2026 10:00:00 -0000
            From: someone@evil.example
            To: nouser@remote.example
            Subject: hello

            This is the mail system at host evil.example.

            <victim@example.com>: host mx.example.com said: 550 5.1.1 <victim@example.com>:
                Recipient address rejected: User unknown in local recipient table
            """;

    /**
     * The bounce matches (it is one), and the recipient it reports is the one that failed, not the attacker's
     * victim@example.com: the attribute LogReport writes its line from said victim@example.com, userunknown, hard
     * bounce. Failed before the fix.
     */
    @Test
    void aGenuineBounceReportsItsOwnRecipientNotTheQuotedOriginals() throws Exception {
        Matcher oob = new IsOobBounce();
        oob.init(FakeMatcherConfig.builder().matcherName("IsOobBounce").condition("bounce.example.com")
                .mailetContext(FakeMailContext.defaultContext()).build());
        Mail mail = FakeMail.builder().name("m").sender(MaybeSender.nullSender())
                .recipients(new MailAddress("bounces+alice=example.com@bounce.example.com"))
                .mimeMessage(ReportSamples.message(BACKSCATTER)).build();
        assertThat(oob.match(mail)).containsExactly(new MailAddress("bounces+alice=example.com@bounce.example.com"));
        Map<String, Object> report = MailReports.read(mail).orElseThrow();
        assertThat((List<?>) report.get("recipients")).singleElement()
                .satisfies(r -> assertThat(((Map<?, ?>) r).get("final_recipient")).isEqualTo("nouser@remote.example"));
    }
}
