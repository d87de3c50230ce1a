package dev.authpack.james.matchers;

import dev.authpack.james.ConfSamples;
import dev.authpack.james.MailAttributes;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.mail.MessagingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DmarcDispositionTest {

    private static DmarcDisposition matcher(String condition) throws MessagingException {
        DmarcDisposition m = new DmarcDisposition();
        m.init(FakeMatcherConfig.builder().matcherName("DmarcDisposition").condition(condition)
                .mailetContext(FakeMailContext.defaultContext()).build());
        return m;
    }

    /** A mail as MailAuthCheck leaves it: {@code authpack.dmarc.disposition} set, or (null) not checked. */
    private static Mail mail(Object disposition) throws MessagingException {
        FakeMail.Builder b = FakeMail.builder().name("m").recipients("a@x.example", "b@y.example");
        if (disposition instanceof String s) {
            b.attribute(new Attribute(MailAttributes.DMARC_DISPOSITION, AttributeValue.of(s)));
        } else if (disposition instanceof Integer i) {
            b.attribute(new Attribute(MailAttributes.DMARC_DISPOSITION, AttributeValue.of(i)));
        }
        return b.build();
    }

    @Test
    void rejectMatchesAllRecipientsOfMailWhosePolicyAsksForReject() throws Exception {
        assertThat(matcher("reject").match(mail("reject")))
                .containsExactly(new MailAddress("a@x.example"), new MailAddress("b@y.example"));
        assertThat(matcher("reject").match(mail("quarantine"))).isEmpty();
        assertThat(matcher("reject").match(mail("none"))).isEmpty();
    }

    @Test
    void quarantineMatchesOnlyQuarantine() throws Exception {
        assertThat(matcher("quarantine").match(mail("quarantine"))).hasSize(2);
        assertThat(matcher("quarantine").match(mail("reject"))).isEmpty();
        assertThat(matcher("quarantine").match(mail("none"))).isEmpty();
    }

    @Test
    void severalDispositionsMatchAnyOfThem() throws Exception {
        DmarcDisposition both = matcher("reject,quarantine");
        assertThat(both.match(mail("reject"))).hasSize(2);
        assertThat(both.match(mail("quarantine"))).hasSize(2);
        assertThat(both.match(mail("none"))).isEmpty();
        assertThat(matcher(" Quarantine , REJECT ").match(mail("reject"))).hasSize(2);
    }

    @Test
    void attributeValueIsComparedWithoutRegardToCase() throws Exception {
        assertThat(matcher("reject").match(mail("REJECT"))).hasSize(2);
    }

    @Test
    void mailThatDmarcDidNotCheckNeverMatches() throws Exception {
        assertThat(matcher("reject,quarantine").match(mail(null))).isEmpty();
    }

    /**
     * Fail closed (review s21): a disposition that is there but cannot be read (another type, an unknown word, a
     * blank) is read as the strictest, {@code reject}, as MailAuthCheck reads a mail it cannot check (s20): a
     * {@code reject} condition matches, a {@code quarantine} one alone does not (as for a real {@code reject}).
     */
    @Test
    void unreadableDispositionIsReadAsRejectAndDoesNotThrow() throws Exception {
        for (Object unreadable : new Object[] {3, "rejected", "", "  ", "re\u0000ject"}) {
            assertThat(matcher("reject").match(mail(unreadable))).as("%s", unreadable).hasSize(2);
            assertThat(matcher("reject,quarantine").match(mail(unreadable))).as("%s", unreadable).hasSize(2);
            assertThat(matcher("quarantine").match(mail(unreadable))).as("%s", unreadable).isEmpty();
        }
    }

    /** MailAuthCheck sets both attributes: the DMARC map without the disposition is a disposition unreadable. */
    @Test
    void dmarcResultWithoutItsDispositionIsReadAsReject() throws Exception {
        Mail mail = FakeMail.builder().name("m").recipients("a@x.example", "b@y.example")
                .attribute(new Attribute(MailAttributes.DMARC, AttributeValue.of("fail"))).build();
        assertThat(matcher("reject").match(mail)).hasSize(2);
        assertThat(matcher("quarantine").match(mail)).isEmpty();
    }

    /** An attribute that throws when read: still no exception, and read as reject. */
    @Test
    void anExceptionReadingTheAttributesIsReadAsReject() throws Exception {
        Mail mail = dev.authpack.james.FaultyMail.throwingOn(mail("none"), "getAttribute",
                () -> new IllegalStateException("attribute store broken"));
        assertThat(matcher("reject").match(mail)).hasSize(2);
        assertThat(matcher("quarantine").match(mail)).isEmpty();
    }

    /** The unreadable case is logged, once a mail, with the reason; the value is escaped. */
    @Test
    void anUnreadableDispositionIsLoggedOnceWithTheReason() throws Exception {
        String log = dev.authpack.james.LogCapture.of(() -> matcher("reject").match(mail("rej\r\nected")));
        assertThat(log).contains("DmarcDisposition").contains("unreadable").contains("read as reject")
                .doesNotContain("rej\r\n");
        assertThat(log.split("unreadable", -1)).hasSize(2);
    }

    @Test
    void noneStaysNone() throws Exception {
        assertThat(matcher("reject,quarantine").match(mail("None"))).isEmpty();
        assertThat(matcher("reject,quarantine").match(mail(" none "))).isEmpty();
    }

    @Test
    void mailWithoutRecipientsGivesNoRecipients() throws Exception {
        Mail mail = FakeMail.builder().name("m")
                .attribute(new Attribute(MailAttributes.DMARC_DISPOSITION, AttributeValue.of("reject"))).build();
        assertThat(matcher("reject").match(mail)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", ",", "rejct", "reject,bounce", "none", "reject,none", "p=reject"})
    void badConditionStopsInit(String condition) {
        assertThatThrownBy(() -> matcher(condition)).isInstanceOf(MessagingException.class)
                .hasMessageContaining("DmarcDisposition: bad condition")
                .hasMessageContaining("docs/DmarcDisposition.md");
    }

    @Test
    void missingConditionStopsInit() {
        assertThatThrownBy(() -> matcher(null)).isInstanceOf(MessagingException.class)
                .hasMessageContaining("no disposition given");
    }

    @Test
    void noneIsRefusedWithAHint() {
        assertThatThrownBy(() -> matcher("none")).hasMessageContaining("HasAuthResult=dmarc=");
    }

    /** Every DmarcDisposition condition in the sample snippet starts, and each processor it routes to (but James' transport) is defined. */
    @Test
    void sampleSnippetConditionsAreValid() throws Exception {
        Path snippet = ConfSamples.dir().resolve("dmarc-snippet.xml");
        String text = Files.readString(snippet);
        Matcher m = Pattern.compile("match=\"dev\\.authpack\\.james\\.matchers\\.DmarcDisposition=([^\"]*)\"").matcher(text);
        List<String> conditions = new ArrayList<>();
        while (m.find()) {
            conditions.add(m.group(1));
            matcher(m.group(1));
        }
        assertThat(conditions).contains("reject", "quarantine");
        Matcher to = Pattern.compile("<processor>([^<]+)</processor>").matcher(text);
        while (to.find()) {
            if (to.group(1).equals("transport")) {
                continue; // James' own
            }
            assertThat(text).contains("<processor state=\"" + to.group(1) + "\"");
        }
    }

    @Test
    void parseGivesTheNamedDispositions() throws Exception {
        assertThat(DmarcDisposition.parse("quarantine reject")).containsExactlyInAnyOrder(
                DmarcDisposition.Wanted.QUARANTINE, DmarcDisposition.Wanted.REJECT);
        assertThat(DmarcDisposition.parse("reject,reject")).containsExactly(DmarcDisposition.Wanted.REJECT);
        assertThat(List.of(DmarcDisposition.parse("quarantine").iterator().next().word())).containsExactly("quarantine");
    }
}
