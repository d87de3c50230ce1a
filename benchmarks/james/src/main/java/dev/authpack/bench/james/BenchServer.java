package dev.authpack.bench.james;

import dev.authpack.it.AuthpackJames;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.james.modules.MailboxProbeImpl;
import org.apache.james.utils.MailRepositoryProbeImpl;

/**
 * One James under load, with or without the pack: counts what reached the {@code delivered} repository (the
 * sample configuration copies every locally delivered mail there, then {@code LocalDelivery} stores it in the
 * mailbox) and empties repository and mailbox between rounds, so memory stays flat over a long run.
 */
final class BenchServer implements AutoCloseable {
    static final String INBOX = "INBOX";
    private static final String USER_NAMESPACE = "#private";

    private final String name;
    private final AuthpackJames james;
    private final String recipient;
    private final MailRepositoryUrl delivered;
    private final MailRepositoryUrl error;
    private final MailRepositoryProbeImpl repositories;

    BenchServer(String name, AuthpackJames james, String recipient) {
        this.name = name;
        this.james = james;
        this.recipient = recipient;
        this.delivered = james.repositoryUrl("delivered");
        this.error = james.repositoryUrl("error");
        this.repositories = james.guiceServer().getProbe(MailRepositoryProbeImpl.class);
    }

    String name() {
        return name;
    }

    AuthpackJames james() {
        return james;
    }

    int smtpPort() {
        return james.smtpPort();
    }

    long delivered() {
        return count(delivered);
    }

    long errors() {
        return count(error);
    }

    /** Empties the {@code delivered} repository and the recipient's INBOX (between rounds, when idle). */
    void reset() throws Exception {
        repositories.getMailRepositoryStore().get(delivered).ifPresent(repository -> {
            try {
                repository.removeAll();
            } catch (Exception e) {
                throw new IllegalStateException("cannot empty " + delivered, e);
            }
        });
        MailboxProbeImpl mailboxes = james.guiceServer().getProbe(MailboxProbeImpl.class);
        if (mailboxes.listUserMailboxes(recipient).contains(INBOX)) {
            mailboxes.deleteMailbox(USER_NAMESPACE, recipient, INBOX);
        }
        mailboxes.createMailbox(USER_NAMESPACE, recipient, INBOX);
    }

    private long count(MailRepositoryUrl url) {
        try {
            return repositories.getMailRepositoryStore().get(url).isPresent()
                    ? repositories.getRepositoryMailCount(url) : 0;
        } catch (Exception e) {
            throw new IllegalStateException("cannot count " + url, e);
        }
    }

    @Override
    public void close() {
        james.close();
    }
}
