package dev.authpack.dmarc;

/**
 * What to do with a message whose From fields name more than one author domain, or that has several From fields
 * (RFC 9989 §5.3.1, §11.5; RFC 7489 §6.6.1).
 */
public enum MultipleAuthorDomains {
    /**
     * DMARC is not possible: {@code permerror}, no disposition. What RFC 9989 §5.3.1 describes ("the process
     * terminates"); it lets a message carrying a p=reject domain next to another one escape the policy.
     */
    PERMERROR,
    /**
     * The approach RFC 9989 §11.5 and RFC 7489 §6.6.1 recommend: evaluate every author domain (up to
     * {@link DmarcOptions#maxAuthorDomains()}) and apply the strictest policy among those that fail.
     */
    EVALUATE_EACH
}
