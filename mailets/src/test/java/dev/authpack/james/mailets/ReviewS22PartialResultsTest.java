package dev.authpack.james.mailets;

import dev.authpack.james.MailAttributes;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review s22 (never a partial set of results). {@code AddAuthResults} wrote its {@code Authentication-Results} field
 * from the entries of the {@code authpack.results} attribute it could read and skipped the others: an attribute
 * changed since MailAuthCheck stored it (another mailet, another pack version) so that its {@code dmarc=fail} entry
 * no longer reads gave a field with {@code spf=pass} alone, a cleaner verdict than the truth for every filter after
 * us. Now such results write nothing of ours: the fields claiming our id still go, and the mail goes to James' error
 * processor (as when the rewrite fails), where the administrator sees it.
 */
class ReviewS22PartialResultsTest {
    private static AttributeValue<?> resinfo(String method, String result) {
        return AttributeValue.of(Map.<String, AttributeValue<?>>of("method", AttributeValue.of(method),
                "result", AttributeValue.of(result), "properties", AttributeValue.of(Map.of())));
    }

    /**
     * Values of {@code authpack.results} that cannot be read whole, each holding a readable {@code spf=pass}
     * (or nothing readable) and a {@code dmarc=fail} that does not read.
     */
    static List<AttributeValue<?>> partlyUnreadable() {
        List<AttributeValue<?>> many = new ArrayList<>();
        for (int i = 0; i < MailAttributes.MAX_RESULTS; i++) {
            many.add(resinfo("spf", "pass"));
        }
        many.add(resinfo("dmarc", "fail"));
        return List.of(
                // an entry of another type
                AttributeValue.of(List.<AttributeValue<?>>of(resinfo("spf", "pass"), AttributeValue.of("dmarc=fail"))),
                // an entry without its result
                AttributeValue.of(List.<AttributeValue<?>>of(resinfo("spf", "pass"),
                        AttributeValue.of(Map.<String, AttributeValue<?>>of("method", AttributeValue.of("dmarc"))))),
                // more entries than any check writes: the last ones were not read
                AttributeValue.of(many),
                // a text that does not parse
                AttributeValue.of("mx.test; spf=pass; dmarc=fail reason=\"unterminated"),
                // neither a list nor a text
                AttributeValue.of(42L));
    }

    private static AddAuthResults mailet() throws Exception {
        AddAuthResults mailet = new AddAuthResults();
        mailet.init(FakeMailetConfig.builder().mailetName("AddAuthResults").build());
        return mailet;
    }

    @Test
    void partlyUnreadableResultsWriteNothingOfOursAndGoToTheErrorProcessor() throws Exception {
        for (AttributeValue<?> partial : partlyUnreadable()) {
            FakeMail mail = AddAuthResultsTest.mail("Received: from a\r\n" + AddAuthResultsTest.FORGED
                    + "Subject: s\r\n");
            mail.setAttribute(new Attribute(MailAttributes.AUTHSERV_ID, AttributeValue.of("mx.test")));
            mail.setAttribute(new Attribute(MailAttributes.RESULTS, partial));

            mailet().service(mail);

            String header = AddAuthResultsTest.header(mail);
            assertThat(header).as("%s", partial).isEqualTo("Received: from a\r\nSubject: s\r\n");
            assertThat(mail.getState()).as("%s", partial).isEqualTo(Mail.ERROR);
            assertThat(mail.getErrorMessage()).startsWith("AddAuthResults: ").contains("authpack.results");
        }
    }

    /** Results without the authserv-id they were made under are not as MailAuthCheck stores them either. */
    @Test
    void resultsWithoutTheirAuthservIdWriteNothingOfOurs() throws Exception {
        FakeMail mail = AddAuthResultsTest.mail("Subject: s\r\n");
        mail.setAttribute(new Attribute(MailAttributes.RESULTS, AttributeValue.of(List.of(resinfo("spf", "pass")))));
        AddAuthResults mailet = new AddAuthResults();
        mailet.init(FakeMailetConfig.builder().mailetName("AddAuthResults").setProperty("serverId", "mx.test")
                .build());

        mailet.service(mail);

        assertThat(AddAuthResultsTest.header(mail)).isEqualTo("Subject: s\r\n");
        assertThat(mail.getState()).isEqualTo(Mail.ERROR);
    }

    @Test
    void readableResultsAreWrittenWhole() throws Exception {
        FakeMail mail = AddAuthResultsTest.mail("Subject: s\r\n");
        mail.setAttribute(new Attribute(MailAttributes.AUTHSERV_ID, AttributeValue.of("mx.test")));
        mail.setAttribute(new Attribute(MailAttributes.RESULTS, AttributeValue.of(List.of(resinfo("spf", "pass"),
                resinfo("dmarc", "fail")))));

        mailet().service(mail);

        assertThat(AddAuthResultsTest.header(mail)).isEqualTo("Authentication-Results: mx.test;\r\n\tspf=pass;"
                + "\r\n\tdmarc=fail\r\nSubject: s\r\n");
        assertThat(mail.getState()).isNotEqualTo(Mail.ERROR);
    }
}
