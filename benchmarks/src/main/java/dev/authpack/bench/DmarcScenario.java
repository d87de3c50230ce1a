package dev.authpack.bench;

import dev.authpack.dmarc.DmarcMode;
import dev.authpack.dmarc.DmarcPolicy;
import dev.authpack.dmarc.DmarcStatus;

/**
 * The messages of the DMARC benchmark: who the author is, which identifiers SPF and DKIM authenticated, and the
 * verdict the evaluation must reach. The DNS data of every scenario is in {@link DmarcFixture#zone()}; the
 * client is {@value DmarcFixture#CLIENT} for all.
 *
 * @param mode        the specification followed
 * @param author      the address in From
 * @param mailFrom    the MAIL FROM address (SPF passes for its domain)
 * @param dkimDomain  the {@code d=} of the message's one DKIM signature (it passes)
 * @param status      the expected {@code dmarc=} result
 * @param disposition the expected disposition
 */
public enum DmarcScenario {
    /** A newsletter: DKIM d= is the author domain (strictly equal), SPF a subdomain of it. */
    ALIGNED_PASS(DmarcMode.RFC9989, "news@example.com", "bounces@news.example.com", "example.com",
            DmarcStatus.PASS, DmarcPolicy.NONE),
    /** Author on a subdomain without record: tree walks to the organizational domain, DKIM aligned relaxed. */
    SUBDOMAIN_RELAXED_PASS(DmarcMode.RFC9989, "news@mail.news.example.com", "bounces@mailer-esp.com",
            "example.com", DmarcStatus.PASS, DmarcPolicy.NONE),
    /** A service sending as the author with its own SPF and DKIM domain: neither aligns, {@code p=reject}. */
    UNALIGNED_FAIL_REJECT(DmarcMode.RFC9989, "ceo@example.com", "bounces@mailer-esp.com", "mailer-esp.com",
            DmarcStatus.FAIL, DmarcPolicy.REJECT),
    /** A made-up subdomain: the A, AAAA and MX queries say it does not exist, so {@code np=reject} applies. */
    NONEXISTENT_SUBDOMAIN_FAIL(DmarcMode.RFC9989, "ceo@ghost.example.com", "bounces@mailer-esp.com",
            "mailer-esp.com", DmarcStatus.FAIL, DmarcPolicy.REJECT),
    /** RFC 7489 mode: the organizational domain from the Public Suffix List ({@code co.uk}). */
    RFC7489_PSL_PASS(DmarcMode.RFC7489, "news@mail.example.co.uk", "bounces@mailer-esp.com", "example.co.uk",
            DmarcStatus.PASS, DmarcPolicy.NONE);

    private final DmarcMode mode;
    private final String author;
    private final String mailFrom;
    private final String dkimDomain;
    private final DmarcStatus status;
    private final DmarcPolicy disposition;

    DmarcScenario(DmarcMode mode, String author, String mailFrom, String dkimDomain, DmarcStatus status,
                  DmarcPolicy disposition) {
        this.mode = mode;
        this.author = author;
        this.mailFrom = mailFrom;
        this.dkimDomain = dkimDomain;
        this.status = status;
        this.disposition = disposition;
    }

    public DmarcMode mode() {
        return mode;
    }

    public String author() {
        return author;
    }

    public String mailFrom() {
        return mailFrom;
    }

    public String dkimDomain() {
        return dkimDomain;
    }

    public DmarcStatus status() {
        return status;
    }

    public DmarcPolicy disposition() {
        return disposition;
    }
}
