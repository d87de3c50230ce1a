package dev.authpack.james;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;

/**
 * Guice extension module ({@code extensions.properties}: {@code guice.extension.module=dev.authpack.james.AuthpackModule}):
 * one {@link AuthpackEngines}, hence one DNS cache, for every mailet and matcher of the pack.
 */
public final class AuthpackModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(AuthpackEngines.class).in(Scopes.SINGLETON);
    }
}
