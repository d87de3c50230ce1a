package dev.authpack.it;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.james.utils.MailRepositoryProbeImpl;
import org.apache.james.utils.SpoolerProbe;
import org.apache.mailet.Mail;

/**
 * Empties James' mail repositories into the {@link SoakLedger}: every mail of every repository James knows is
 * read, handed to the ledger, and removed, so a long soak keeps memory flat and each mail is seen once.
 */
final class SoakRepositories {
    private final AuthpackJames james;
    private final SoakLedger ledger;

    SoakRepositories(AuthpackJames james, SoakLedger ledger) {
        this.james = james;
        this.ledger = ledger;
    }

    /** One pass over every repository; returns how many mails it took. */
    int drainOnce() throws Exception {
        MailRepositoryProbeImpl probe = james.guiceServer().getProbe(MailRepositoryProbeImpl.class);
        MailRepositoryStore store = probe.getMailRepositoryStore();
        int taken = 0;
        for (MailRepositoryUrl url : probe.listRepositoryUrls()) {
            MailRepository repository = store.select(url);
            List<MailKey> keys = new ArrayList<>();
            for (Iterator<MailKey> it = repository.list(); it.hasNext(); ) {
                keys.add(it.next());
            }
            for (MailKey key : keys) {
                Mail mail = repository.retrieve(key);
                if (mail != null) {
                    taken++;
                    try {
                        ledger.found(name(url), DeliveredMail.of(mail));
                    } finally {
                        LifecycleUtil.dispose(mail);
                        repository.remove(key); // seen once, even if checking it failed
                    }
                }
            }
        }
        return taken;
    }

    /** Whether the spooler has no mail in processing (James' own probe). */
    boolean spoolIdle() {
        return james.guiceServer().getProbe(SpoolerProbe.class).processingFinished();
    }

    /** {@code memory://var/mail/delivered/} is {@code delivered}. */
    static String name(MailRepositoryUrl url) {
        String s = url.asString();
        String trimmed = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
        return trimmed.substring(trimmed.lastIndexOf('/') + 1);
    }
}
