package dev.authpack.james.matchers;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.Test;

import javax.mail.MessagingException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IsAuthenticatedTest {

    private static IsAuthenticated matcher(String condition) throws MessagingException {
        IsAuthenticated m = new IsAuthenticated();
        m.init(FakeMatcherConfig.builder().matcherName("IsAuthenticated").condition(condition)
                .mailetContext(FakeMailContext.defaultContext()).build());
        return m;
    }

    private static Mail mail(String authUser) throws Exception {
        FakeMail.Builder b = FakeMail.builder().name("m").recipients("a@x.example", "b@y.example");
        if (authUser != null) {
            b.attribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of(authUser)));
        }
        return b.build();
    }

    @Test
    void withoutConditionAnyAuthenticatedUserMatchesAllRecipients() throws Exception {
        IsAuthenticated m = matcher(null);
        assertThat(m.match(mail("alice@example.com")))
                .containsExactly(new MailAddress("a@x.example"), new MailAddress("b@y.example"));
        assertThat(m.match(mail(null))).isEmpty();
        assertThat(m.match(mail("  "))).isEmpty();
        assertThat(matcher("").match(mail("bob"))).hasSize(2);
    }

    @Test
    void conditionRestrictsUsersAndDomains() throws Exception {
        IsAuthenticated m = matcher("alice@example.com, @Staff.Example.org");
        assertThat(m.match(mail("ALICE@example.com"))).hasSize(2);
        assertThat(m.match(mail("carol@staff.example.org"))).hasSize(2);
        assertThat(m.match(mail("bob@example.com"))).isEmpty();
        assertThat(m.match(mail("carol@sub.staff.example.org"))).isEmpty();
        assertThat(m.match(mail(null))).isEmpty();
    }

    @Test
    void badConditionFailsInit() {
        assertThatThrownBy(() -> matcher("alice,,bob")).isInstanceOf(MessagingException.class)
                .hasMessageContaining("IsAuthenticated: bad condition").hasMessageContaining("empty entry");
        assertThatThrownBy(() -> matcher("@not..a.domain")).isInstanceOf(MessagingException.class)
                .hasMessageContaining("not a domain name");
    }

    /**
     * Review s21 (fail closed on unreadable attributes): James stores the SMTP AUTH user as a string; a value of
     * another type (another mailet's, a broken serialisation) is no user, not its toString(): no match.
     */
    @Test
    void anAuthUserThatIsNotAStringIsNotAuthenticated() throws Exception {
        for (Object value : new Object[] {42, true, java.util.List.of(AttributeValue.of("alice@example.com"))}) {
            Mail mail = FakeMail.builder().name("m").recipients("a@x.example")
                    .attribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.ofAny(value))).build();
            assertThat(matcher(null).match(mail)).as("%s", value).isEmpty();
            assertThat(matcher("@example.com").match(mail)).as("%s", value).isEmpty();
        }
    }
}
