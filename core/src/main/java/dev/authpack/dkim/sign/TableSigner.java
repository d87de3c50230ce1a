package dev.authpack.dkim.sign;

import dev.authpack.dkim.DkimSigner;
import dev.authpack.mail.MessageParseException;
import dev.authpack.mail.RawMessage;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Signs a message with the keys its author domain has in a {@link SigningTable}: one DKIM-Signature field per key,
 * prepended, the first key's on top; every other octet of the message is left as it was. A message whose author
 * domain has no key, or that has none, comes back unsigned with the reason, never as an exception.
 *
 * <p>Immutable and thread-safe.
 */
public final class TableSigner {
    private final SigningTable table;
    private final SignSettings settings;

    public TableSigner(SigningTable table, SignSettings settings) {
        this.table = Objects.requireNonNull(table, "table");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public SigningTable table() {
        return table;
    }

    public SignSettings settings() {
        return settings;
    }

    /** Signs {@code message} (which is not changed). */
    public SignOutcome sign(byte[] message) {
        RawMessage parsed;
        try {
            parsed = RawMessage.parse(message);
        } catch (MessageParseException e) {
            return SignOutcome.notSigned(SignOutcome.Status.UNREADABLE, null, e.getMessage());
        }
        SenderDomain author = SenderDomain.of(parsed);
        if (!author.found()) {
            return SignOutcome.notSigned(SignOutcome.Status.NO_AUTHOR_DOMAIN, null, author.problem());
        }
        String domain = author.domain();
        List<SigningKeyEntry> keys = table.keysFor(domain);
        if (keys.isEmpty()) {
            return SignOutcome.notSigned(SignOutcome.Status.NO_KEY, domain, "no signing key for " + domain);
        }
        List<DkimSigner> signers = new ArrayList<>(keys.size());
        List<String> described = new ArrayList<>(keys.size());
        for (SigningKeyEntry key : keys) {
            String d = key.signingDomain(domain);
            try {
                signers.add(new DkimSigner(key.key(), settings.options(d, key.selector())));
            } catch (IllegalArgumentException e) {
                // only a % entry can get here (a fixed d= was checked when loaded): the author domain does not fit
                return SignOutcome.notSigned(SignOutcome.Status.NO_AUTHOR_DOMAIN, domain,
                        "cannot sign as " + d + " with key " + key.name() + ": " + e.getMessage());
            }
            described.add("d=" + d + " s=" + key.selector() + " a=" + key.key().algorithm().tag());
        }
        // signInTurn puts the last signer's field on top; the first key's field goes on top
        Collections.reverse(signers);
        byte[] signed;
        try {
            signed = signers.size() == 1 ? signers.get(0).sign(parsed) : DkimSigner.signInTurn(message, signers);
        } catch (MessageParseException e) {
            return SignOutcome.notSigned(SignOutcome.Status.UNREADABLE, domain, e.getMessage());
        }
        return new SignOutcome(SignOutcome.Status.SIGNED, signed, described, domain, null);
    }
}
