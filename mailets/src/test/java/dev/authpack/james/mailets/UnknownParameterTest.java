package dev.authpack.james.mailets;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.authpack.james.AuthpackEngines;
import org.apache.mailet.base.GenericMailet;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import javax.mail.MessagingException;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Every mailet of the pack refuses a parameter it does not know (a misspelt one would otherwise leave its feature
 * off without a word) with a message that names it and lists every parameter the mailet accepts (not only James'
 * "Unexpected init parameters found").
 */
class UnknownParameterTest {
    static Stream<Arguments> mailets() {
        return Stream.of(
                Arguments.of(new AddAuthResults(), AddAuthResults.PARAMETERS),
                Arguments.of(new ArcSeal(new AuthpackEngines(), Optional.empty()), ArcSeal.PARAMETERS),
                Arguments.of(new DkimSign(), DkimSign.PARAMETERS),
                Arguments.of(new FixConformance(), FixConformance.PARAMETERS),
                Arguments.of(new LogReport(), LogReport.PARAMETERS),
                Arguments.of(new MailAuthCheck(new AuthpackEngines()), MailAuthCheck.PARAMETERS));
    }

    @ParameterizedTest
    @MethodSource("mailets")
    void anUnknownParameterIsNamedWithEveryAcceptedOne(GenericMailet mailet, Set<String> accepted) {
        String name = mailet.getClass().getSimpleName();
        assertThatThrownBy(() -> mailet.init(FakeMailetConfig.builder().mailetName(name)
                .mailetContext(FakeMailContext.defaultContext()).setProperty("serverid", "mx.example")
                .setProperty("onMailetException", "ignore").build()))
                .isInstanceOf(MessagingException.class)
                .hasMessage(name + ": unknown parameter(s) [serverid]; accepted: " + new TreeSet<>(accepted)
                        + " and James' own [onMailetException, onMatchException]");
    }
}
