package dev.authpack.arc;

import dev.authpack.authres.ParsedAuthResults;

import java.util.Objects;

/**
 * One ARC Set as found in the message (RFC 8617 §4.2), for reports and local policy. Values are as written in the
 * message (d= and s= in lower case); a value that could not be read is null.
 *
 * @param instance         the instance number {@code i=}
 * @param sealDomain       the ARC-Seal's {@code d=}: who vouches for the chain up to this set
 * @param sealSelector     the ARC-Seal's {@code s=}
 * @param cv               the ARC-Seal's {@code cv=} as written ({@code none}, {@code pass}, {@code fail}, or
 *                         anything else a broken seal says)
 * @param amsDomain        the ARC-Message-Signature's {@code d=}
 * @param amsSelector      the ARC-Message-Signature's {@code s=}
 * @param authservId       the authserv-id of the ARC-Authentication-Results
 * @param authResults      the ARC-Authentication-Results payload after the authserv-id (the resinfos, unfolded,
 *                         as written; {@code none} when the sealer had none)
 * @param parsedAuthResults the payload parsed with the Authentication-Results grammar (RFC 8601), so local policy
 *                         can read what this sealer saw (for example {@code dmarc=pass})
 * @param ams              what became of the ARC-Message-Signature
 * @param amsReason        why it failed, or null
 * @param seal             what became of the ARC-Seal
 * @param sealReason       why it failed, or null
 * @param amsSignsEveryFrom the ARC-Message-Signature's {@code h=} names From at least as often as the message has
 *                         From fields, so none of them is outside what it signs (RFC 6376 §5.4.2: a name listed
 *                         once signs the bottom-most field only; a From added above the set in transit is not)
 */
public record ArcSet(int instance, String sealDomain, String sealSelector, String cv, String amsDomain,
                     String amsSelector, String authservId, String authResults, ParsedAuthResults parsedAuthResults,
                     SignatureVerdict ams, String amsReason, SignatureVerdict seal, String sealReason,
                     boolean amsSignsEveryFrom) {
    public ArcSet {
        Objects.requireNonNull(ams, "ams");
        Objects.requireNonNull(seal, "seal");
        Objects.requireNonNull(parsedAuthResults, "parsedAuthResults");
    }
}
