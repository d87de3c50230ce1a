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
 * @param amsSignsEveryInstance the ARC-Message-Signature signs every From field of the message and every instance
 *                         of each field a message has once that its {@code h=} names ({@link
 *                         dev.authpack.dkim.SignedHeaders#unsignedInstance}, the rule of a DKIM pass: a name listed
 *                         once signs the bottom-most field only, RFC 6376 §5.4.2; a From or Subject added above the
 *                         set in transit is not); false when the signature could not be read
 */
public record ArcSet(int instance, String sealDomain, String sealSelector, String cv, String amsDomain,
                     String amsSelector, String authservId, String authResults, ParsedAuthResults parsedAuthResults,
                     SignatureVerdict ams, String amsReason, SignatureVerdict seal, String sealReason,
                     boolean amsSignsEveryInstance) {
    public ArcSet {
        Objects.requireNonNull(ams, "ams");
        Objects.requireNonNull(seal, "seal");
        Objects.requireNonNull(parsedAuthResults, "parsedAuthResults");
    }
}
