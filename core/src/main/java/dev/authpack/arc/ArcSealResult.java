package dev.authpack.arc;

/**
 * What an {@link ArcSealer} did.
 *
 * @param sealed                whether a set was added
 * @param reason                why not (null when sealed)
 * @param instance              the instance of the new set (0 when not sealed)
 * @param cv                    the new seal's {@code cv=} (null when not sealed)
 * @param seal                  the new ARC-Seal field, {@code ARC-Seal: ...} without its final line ending (null when
 *                              not sealed)
 * @param messageSignature      the new ARC-Message-Signature field, likewise
 * @param authenticationResults the new ARC-Authentication-Results field, likewise
 * @param message               the sealed message (the three fields, each ended by the message's line ending, in the
 *                              order ARC-Seal, ARC-Message-Signature, ARC-Authentication-Results, on top of the
 *                              input), or the input unchanged when not sealed. Not copied: do not change it.
 */
public record ArcSealResult(boolean sealed, String reason, int instance, ArcStatus cv, String seal,
                            String messageSignature, String authenticationResults, byte[] message) {
    static ArcSealResult notSealed(String reason, byte[] message) {
        return new ArcSealResult(false, reason, 0, null, null, null, null, message);
    }
}
