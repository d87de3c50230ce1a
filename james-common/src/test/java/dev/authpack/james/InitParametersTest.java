package dev.authpack.james;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;

import javax.mail.MessagingException;
import java.util.List;
import java.util.Set;

class InitParametersTest {
    private static final Set<String> ACCEPTED = Set.of("verpPrefix", "logger", "verpDelimiter");

    @Test
    void anUnknownNameIsNamedWithEveryAcceptedOneSorted() {
        assertThat(InitParameters.unknown("LogReport", List.of("logger", "verpprefix", "bogus").iterator(), ACCEPTED))
                .contains("LogReport: unknown parameter(s) [bogus, verpprefix]; accepted: [logger, verpDelimiter,"
                        + " verpPrefix]");
    }

    @Test
    void acceptedNamesAndAttributesPass() {
        // James hands an SMTP hook its own <handler class="..."> element: the attribute is no parameter
        assertThat(InitParameters.unknown("Hook", List.of("logger", "[@class]", " verpPrefix ").iterator(),
                ACCEPTED)).isEmpty();
    }

    @Test
    void aMailetAcceptsJamesOwnErrorParametersAndSaysSo() throws MessagingException {
        InitParameters.check("LogReport", FakeMailetConfig.builder().mailetName("LogReport")
                .setProperty("onMailetException", "ignore").setProperty("onMatchException", "error")
                .setProperty("logger", "x").build(), ACCEPTED);
        assertThatThrownBy(() -> InitParameters.check("LogReport", FakeMailetConfig.builder().mailetName("LogReport")
                .setProperty("onMailetexception", "ignore").build(), ACCEPTED))
                .isInstanceOf(MessagingException.class)
                .hasMessage("LogReport: unknown parameter(s) [onMailetexception]; accepted: [logger, verpDelimiter,"
                        + " verpPrefix] and James' own [onMailetException, onMatchException]");
    }
}
