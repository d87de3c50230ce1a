package dev.authpack.bench;

/**
 * The messages of the full-check benchmark: the {@link DkimMessage} newsletter, DKIM-signed by its author's domain,
 * straight from the author's server ({@link #DIRECT}), or as it reached us through an intermediary which checked it
 * (with our own {@code MailAuthChecker}), added its Received field and sealed an ARC set over its results. See
 * {@link FullCheckFixture}.
 */
public enum FullCheckScenario {
    /**
     * The author's own server (mail-out.example.com, 192.0.2.25, MAIL FROM bounces@news.example.com) sends the
     * signed newsletter to us directly, as bin/bench-james does: DKIM, SPF for MAIL FROM and HELO, iprev and DMARC
     * ({@code p=reject}) pass, no ARC set ({@code arc=none}); one RSA verification, one relaxed body hash.
     */
    DIRECT(null, "192.0.2.25", false),
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

    /** Whether the message came through an intermediary that sealed an ARC set (all but {@link #DIRECT}). */
    public boolean relayed() {
        return intermediary != null;
    }

    /** The intermediary's domain: its host name, MAIL FROM domain and ARC sealing domain; null for {@link #DIRECT}. */
    public String intermediary() {
        return intermediary;
    }

    /** The SMTP client we check: the intermediary's IP address, or the author's server's. */
    public String address() {
        return address;
    }

    /** Whether the intermediary changes the message (and so breaks its DKIM signature). */
    public boolean modifies() {
        return modifies;
    }
}
