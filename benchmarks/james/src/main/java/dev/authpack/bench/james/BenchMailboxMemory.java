package dev.authpack.bench.james;

import com.google.inject.Inject;
import com.google.inject.Module;
import com.google.inject.multibindings.Multibinder;
import org.apache.james.mailbox.inmemory.InMemoryMailboxSessionMapperFactory;
import org.apache.james.utils.GuiceProbe;

/**
 * The bench server's hold on James' memory mailbox store. James 3.8.1's memory message mapper keeps the messages
 * of a mailbox after the mailbox is deleted (its map by mailbox is never emptied), so a server whose rounds end by
 * deleting and recreating the recipients' INBOXes kept every message it ever delivered: measured after each reset's
 * full collection, the live heap grew by about 10 KB a message, from 268 MB to 2,736 MB over ten resets, until the
 * collector took the rounds' CPU (docs/benchmarks.md, session 11).
 */
public final class BenchMailboxMemory implements GuiceProbe {
    private final InMemoryMailboxSessionMapperFactory mappers;

    @Inject
    BenchMailboxMemory(InMemoryMailboxSessionMapperFactory mappers) {
        this.mappers = mappers;
    }

    /** The Guice bindings that make this probe available ({@code GuiceJamesServer.getProbe}). */
    static Module module() {
        return binder -> Multibinder.newSetBinder(binder, GuiceProbe.class).addBinding().to(BenchMailboxMemory.class);
    }

    /** Forgets every stored message: call only when no mailbox is left (the reset has just deleted them all). */
    void forgetMessages() {
        mappers.createMessageMapper(null).deleteAll();
    }
}
