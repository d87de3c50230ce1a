package dev.authpack.james.mailets;

import dev.authpack.conformance.ConformanceLimits;
import dev.authpack.james.ConformanceParameters;
import dev.authpack.james.MimeMessageBytes;
import dev.authpack.james.PastTheFieldBound;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review s23 C1 (attacker: the sender). 1,000 padding fields, then {@code Reply-To :} and a second From: the walk of
 * the MIME tree stops at the field bound, and the line went on {@code Passed}, unrepaired and unmarked, as if checked,
 * when {@code NAME_ENDS_WITH_SPACE} was a fix (the sample's configuration), or refused nothing when it was a check and
 * a fix. Now: check and fix, to the processor; fix only, on with {@code authpack.conformance.unchecked}.
 */
class ReviewS23FixConformanceTest {
    private static byte[] padded(int pads) {
        return PastTheFieldBound.message(pads);
    }

    private static FakeMail serviced(Map<String, String> parameters, byte[] message) throws Exception {
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("FixConformance");
        parameters.forEach(config::setProperty);
        FixConformance mailet = new FixConformance();
        mailet.init(config.build());
        FakeMail mail = FakeMail.builder().name("m").mimeMessage(MimeMessageBytes.from(message))
                .recipient("b@example.org").state("transport").build();
        mailet.service(mail);
        return mail;
    }

    @Test
    void aFixedNameEndingWithSpacePastTheFieldBoundGoesOnMarkedUnchecked() throws Exception {
        byte[] message = padded(ConformanceLimits.DEFAULT_MAX_HEADER_FIELDS);
        FakeMail mail = serviced(Map.of("fixes", "NAME_ENDS_WITH_SPACE"), message);
        assertThat(mail.getState()).isEqualTo("transport");
        assertThat(mail.getAttribute(ConformanceParameters.UNCHECKED).map(a -> (String) a.getValue().value()))
                .contains("NAME_ENDS_WITH_SPACE");
        assertThat(mail.getAttribute(ConformanceParameters.FIXED)).isEmpty();
        assertThat(MimeMessageBytes.of(mail.getMessage())).isEqualTo(message);

        // within the bound: repaired, not marked
        FakeMail within = serviced(Map.of("fixes", "NAME_ENDS_WITH_SPACE"), padded(10));
        assertThat(within.getAttribute(ConformanceParameters.FIXED).map(a -> (String) a.getValue().value()))
                .contains("NAME_ENDS_WITH_SPACE");
        assertThat(within.getAttribute(ConformanceParameters.UNCHECKED)).isEmpty();
    }

    @Test
    void aCheckedAndFixedNameEndingWithSpacePastTheFieldBoundGoesToTheProcessor() throws Exception {
        FakeMail mail = serviced(Map.of("checks", "NAME_ENDS_WITH_SPACE", "fixes", "NAME_ENDS_WITH_SPACE"),
                padded(ConformanceLimits.DEFAULT_MAX_HEADER_FIELDS));
        assertThat(mail.getState()).isEqualTo("error");
        assertThat(mail.getAttribute(ConformanceParameters.ISSUES).map(a -> (String) a.getValue().value()))
                .contains("NAME_ENDS_WITH_SPACE");
    }
}
