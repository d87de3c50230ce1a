package dev.authpack.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link MalformedMailIT}'s messages into the same James without the pack: the same outcomes, so what does not reach
 * alice there (the error repository) is James' own doing, not the pack's.
 */
class MalformedMailPacklessIT {
    @RegisterExtension
    static final JamesExtension JAMES = new JamesExtension(AuthpackJames.Builder::withoutPack);

    @Test
    void theSameOutcomesWithoutThePack() {
        assertThat(MalformedMailIT.outcomes(JAMES.server())).isEqualTo(MalformedMailIT.EXPECTED);
    }
}
