package dev.authpack.bench;

/**
 * The two messages of the full-check benchmark: the {@link DkimMessage} newsletter, DKIM-signed by its author's
 * domain, that reached us through an intermediary which checked it (with our own {@code MailAuthChecker}), added
 * its Received field and sealed an ARC set over its results. See {@link FullCheckFixture}.
 */
public enum FullCheckScenario {
    /**
     * A forwarder (relay.example.org) that changed nothing but the envelope (SRS MAIL FROM): DKIM, SPF (of the
     * forwarder's domain), DMARC (DKIM aligned), ARC and iprev all pass.
     */
    FORWARDED("relay.example.org", "198.51.100.7", false),
    /**
     * A mailing list (lists.example.org) that tagged the Subject and added a footer: DKIM fails, so DMARC fails
     * ({@code p=reject}); ARC passes, and since the list is a trusted sealer whose ARC-Authentication-Results say
     * {@code dmarc=pass}, the local-policy override sets the disposition to none.
     */
    MAILING_LIST("lists.example.org", "198.51.100.20", true);

    private final String intermediary;
    private final String address;
    private final boolean modifies;

    FullCheckScenario(String intermediary, String address, boolean modifies) {
        this.intermediary = intermediary;
        this.address = address;
        this.modifies = modifies;
    }

    /** The intermediary's domain: its host name, MAIL FROM domain and ARC sealing domain. */
    public String intermediary() {
        return intermediary;
    }

    /** The intermediary's IP address: the SMTP client we check. */
    public String address() {
        return address;
    }

    /** Whether the intermediary changes the message (and so breaks its DKIM signature). */
    public boolean modifies() {
        return modifies;
    }
}
