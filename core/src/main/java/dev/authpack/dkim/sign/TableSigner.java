package dev.authpack.dkim.sign;

import dev.authpack.dkim.DkimSigner;
import dev.authpack.dkim.internal.BodyHasher;
import dev.authpack.dkim.internal.BodyTail;
import dev.authpack.mail.MessageParseException;
import dev.authpack.mail.MessageStream;
import dev.authpack.mail.RawMessage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Signs a message with the keys its author domain has in a {@link SigningTable}: one DKIM-Signature field per key,
 * prepended, the first key's on top; every other octet of the message is left as it was. A message whose author
 * domain has no key, or that has none, comes back unsigned with the reason, never as an exception.
 *
 * <p>Immutable and thread-safe.
 */
public final class TableSigner {
    static final String NOT_CRLF_LINES = "header section is not CRLF lines alone (a bare LF or a lone CR, where"
            + " readers disagree on its fields): not signed";

    private final SigningTable table;
    private final SignSettings settings;
    /** Whether a From showing an address at another domain is signed ({@link SignOutcome.Status#DISPLAYED_DOMAIN}). */
    private final boolean otherDomainsShown;

    /** Refuses a From that shows an address at another domain ({@link SignOutcome.Status#DISPLAYED_DOMAIN}). */
    public TableSigner(SigningTable table, SignSettings settings) {
        this(table, settings, false);
    }

    private TableSigner(SigningTable table, SignSettings settings, boolean otherDomainsShown) {
        this.table = Objects.requireNonNull(table, "table");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.otherDomainsShown = otherDomainsShown;
    }

    /**
     * This signer, signing a From that shows an address at another domain too (a mailing list's {@code "'alice@a'
     * via list" <list@lists.example>}) when {@code allowed}.
     */
    public TableSigner allowingOtherDomainsShown(boolean allowed) {
        return new TableSigner(table, settings, allowed);
    }

    public SigningTable table() {
        return table;
    }

    public SignSettings settings() {
        return settings;
    }

    /** Signs {@code message} (which is not changed), whoever submitted it ({@link Submitter#UNKNOWN}). */
    public SignOutcome sign(byte[] message) {
        return sign(message, Submitter.UNKNOWN);
    }

    /**
     * Signs {@code message} (which is not changed) if its author domain is {@code submitter}'s to sign for;
     * otherwise {@link SignOutcome.Status#SENDER_MISMATCH}.
     */
    public SignOutcome sign(byte[] message, Submitter submitter) {
        RawMessage parsed;
        try {
            parsed = RawMessage.parse(message);
        } catch (MessageParseException e) {
            return SignOutcome.notSigned(SignOutcome.Status.UNREADABLE, null, e.getMessage());
        }
        Signers chosen = signers(parsed, submitter);
        if (chosen.refused() != null) {
            return chosen.refused();
        }
        if (!crlfLinesOnly(message, parsed.bodyOffset())) {
            return SignOutcome.notSigned(SignOutcome.Status.UNREADABLE, chosen.domain(), NOT_CRLF_LINES);
        }
        List<DkimSigner> signers = chosen.inTurn();
        byte[] signed;
        try {
            signed = signers.size() == 1 ? signers.get(0).sign(parsed) : DkimSigner.signInTurn(message, signers);
        } catch (MessageParseException e) {
            return SignOutcome.notSigned(SignOutcome.Status.UNREADABLE, chosen.domain(), e.getMessage());
        }
        return new SignOutcome(SignOutcome.Status.SIGNED, signed, chosen.described(), chosen.domain(), null);
    }

    /**
     * Signs a message too large to hold: {@code headerSection} is its header section alone (up to and including the
     * empty line), read before, and {@code message} the whole message read again from its first octet, once, its
     * body hashed as it comes ({@link BodyHasher#streaming}; nothing of it kept). The message's first octets must be
     * {@code headerSection}, else it changed between the reads and is not signed. The outcome's
     * {@link SignOutcome#message() message} is the new header section, the same fields {@link #sign(byte[])} gives
     * on top of {@code headerSection}; the body goes on unchanged below it. The body is read only when there is a
     * key to sign with. Never throws: a body that cannot be read gives {@link SignOutcome.Status#UNREADABLE}.
     */
    public SignOutcome signStreamed(byte[] headerSection, MessageStream message) {
        return signStreamed(headerSection, message, Submitter.UNKNOWN);
    }

    /** {@link #signStreamed(byte[], MessageStream)} bound to {@code submitter}, as {@link #sign(byte[], Submitter)}. */
    public SignOutcome signStreamed(byte[] headerSection, MessageStream message, Submitter submitter) {
        RawMessage parsed;
        try {
            parsed = RawMessage.parse(headerSection);
        } catch (MessageParseException e) {
            return SignOutcome.notSigned(SignOutcome.Status.UNREADABLE, null, e.getMessage());
        }
        if (parsed.bodyOffset() != headerSection.length) {
            return SignOutcome.notSigned(SignOutcome.Status.UNREADABLE, null, "not a header section alone ("
                    + (headerSection.length - parsed.bodyOffset()) + " octets after its end)");
        }
        Signers chosen = signers(parsed, submitter);
        if (chosen.refused() != null) {
            return chosen.refused();
        }
        if (!crlfLinesOnly(headerSection, headerSection.length)) {
            return SignOutcome.notSigned(SignOutcome.Status.UNREADABLE, chosen.domain(), NOT_CRLF_LINES);
        }
        BodyHasher.Computed hashes;
        try {
            Set<BodyHasher.Key> keys = new LinkedHashSet<>();
            chosen.inTurn().forEach(signer -> keys.add(signer.bodyKey()));
            BodyHasher.Streaming streaming = BodyHasher.streaming(keys);
            BodyTail tail = new BodyTail(headerSection, headerSection.length, streaming);
            message.writeTo(tail);
            tail.checkComplete();
            hashes = streaming.finish();
        } catch (IOException | RuntimeException e) {
            return SignOutcome.notSigned(SignOutcome.Status.UNREADABLE, chosen.domain(), "body unreadable: "
                    + e.getMessage());
        }
        // in turn, as signInTurn: each signer signs the header section the previous one's field is on top of
        byte[] current = headerSection;
        try {
            for (DkimSigner signer : chosen.inTurn()) {
                RawMessage header = RawMessage.parse(current);
                current = header.prepend(signer.signatureField(header, hashes).getBytes(StandardCharsets.ISO_8859_1));
            }
        } catch (MessageParseException e) {
            return SignOutcome.notSigned(SignOutcome.Status.UNREADABLE, chosen.domain(), e.getMessage());
        }
        return new SignOutcome(SignOutcome.Status.SIGNED, current, chosen.described(), chosen.domain(), null);
    }

    /**
     * Whether {@code b[0, end)} is CRLF lines alone: no bare LF, no lone CR. Otherwise a reader that breaks lines at
     * LF or at CR alone sees fields we do not, such as a From above the one we sign for (review s22); the header
     * section is then not signed, whole or streamed alike.
     */
    private static boolean crlfLinesOnly(byte[] b, int end) {
        for (int i = 0; i < end; i++) {
            if (b[i] == '\r' ? i + 1 >= end || b[i + 1] != '\n' : b[i] == '\n' && (i == 0 || b[i - 1] != '\r')) {
                return false;
            }
        }
        return true;
    }

    /**
     * The signers of a message's author domain, in the order they sign ({@link DkimSigner#signInTurn}: the last one's
     * field on top, so the first key's), or the outcome refusing it.
     */
    private record Signers(List<DkimSigner> inTurn, List<String> described, String domain, SignOutcome refused) {
        static Signers refusing(SignOutcome outcome) {
            return new Signers(List.of(), List.of(), outcome.authorDomain(), outcome);
        }
    }

    private Signers signers(RawMessage parsed, Submitter submitter) {
        SenderDomain author = SenderDomain.of(parsed);
        if (!author.found()) {
            return Signers.refusing(SignOutcome.notSigned(SignOutcome.Status.NO_AUTHOR_DOMAIN, null,
                    author.problem()));
        }
        String domain = author.domain();
        List<SigningKeyEntry> keys = table.keysFor(domain);
        if (keys.isEmpty()) {
            return Signers.refusing(SignOutcome.notSigned(SignOutcome.Status.NO_KEY, domain,
                    "no signing key for " + domain));
        }
        String mismatch = submitter.mismatch(domain);
        if (mismatch != null) {
            return Signers.refusing(SignOutcome.notSigned(SignOutcome.Status.SENDER_MISMATCH, domain, mismatch));
        }
        List<DkimSigner> signers = new ArrayList<>(keys.size());
        List<String> described = new ArrayList<>(keys.size());
        Set<String> own = new LinkedHashSet<>();
        own.add(domain);
        for (SigningKeyEntry key : keys) {
            String d = key.signingDomain(domain);
            own.add(d);
            try {
                signers.add(new DkimSigner(key.key(), settings.options(d, key.selector())));
            } catch (IllegalArgumentException e) {
                // only a % entry can get here (a fixed d= was checked when loaded): the author domain does not fit
                return Signers.refusing(SignOutcome.notSigned(SignOutcome.Status.NO_AUTHOR_DOMAIN, domain,
                        "cannot sign as " + d + " with key " + key.name() + ": " + e.getMessage()));
            }
            described.add("d=" + d + " s=" + key.selector() + " a=" + key.key().algorithm().tag());
        }
        // review s23: a display name showing another domain's address would ride on our signature's DMARC pass
        String shown = otherDomainsShown ? null : SenderDomain.foreignDomainShown(parsed, own);
        if (shown != null) {
            return Signers.refusing(SignOutcome.notSigned(SignOutcome.Status.DISPLAYED_DOMAIN, domain, shown));
        }
        // signInTurn puts the last signer's field on top; the first key's field goes on top
        Collections.reverse(signers);
        return new Signers(signers, described, domain, null);
    }
}
