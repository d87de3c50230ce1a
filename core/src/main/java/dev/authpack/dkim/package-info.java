/**
 * DKIM (RFC 6376, RFC 8301, RFC 8463): verification and signing over the raw message bytes.
 *
 * <ul>
 *   <li>{@link dev.authpack.dkim.DkimVerifier}{@code (DnsResolver, DkimVerifyOptions).verify(RawMessage)} gives a
 *       {@link dev.authpack.dkim.DkimReport}: one {@link dev.authpack.dkim.DkimResult} per DKIM-Signature field
 *       ({@code dev.authpack.check.AuthResultsMapping} writes its {@code dkim=} resinfos).</li>
 *   <li>{@link dev.authpack.dkim.DkimSigner}{@code (DkimSigningKey, DkimSignOptions)} writes a DKIM-Signature
 *       field; {@link dev.authpack.dkim.DkimKeys} reads keys (PEM PKCS#8/PKCS#1, Ed25519 seed).</li>
 * </ul>
 *
 * <p>Canonicalization works in one pass over the body as received, handing unchanged runs of octets to the hash
 * without copying; CRLF and bare LF line ends are both line ends. Ed25519 uses Bouncy Castle's lightweight API
 * (only calls that exist in bcprov 1.70, the version James 3.8.1 ships); RSA uses the JDK.
 *
 * <p>The machinery ARC (RFC 8617) signs and verifies with as well (canonicalizers, body hashing, tag lists, the
 * signing primitives) is in {@code dev.authpack.dkim.internal}, not in this package's API.
 * {@link dev.authpack.dkim.SignedHeaders}, {@link dev.authpack.dkim.SignatureTags},
 * {@link dev.authpack.dkim.KeyRecord} and {@link dev.authpack.dkim.KeyLookup} stay here: they read
 * {@link dev.authpack.dkim.DkimSignature}'s package-private state, and ARC uses them too.
 */
package dev.authpack.dkim;
