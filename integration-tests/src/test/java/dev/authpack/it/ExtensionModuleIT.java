package dev.authpack.it;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The servers the harness starts really read extensions.properties (so AuthpackModule, named there by the sample
 * configuration, is what shares the engine in the other tests): a module that does not exist stops James.
 */
class ExtensionModuleIT {
    @Test
    void anUnknownGuiceExtensionModuleStopsJames() {
        assertThatThrownBy(() -> AuthpackJames.builder().name("ExtensionModuleIT")
                .confFile("extensions.properties", "guice.extension.module=dev.authpack.james.NoSuchModule")
                .start().close())
                .hasStackTraceContaining("dev.authpack.james.NoSuchModule");
    }
}
