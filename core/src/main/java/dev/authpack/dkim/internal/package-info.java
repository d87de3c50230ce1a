/**
 * DKIM machinery shared with ARC (RFC 8617 reuses DKIM's canonicalization, hashing, tag lists and algorithms):
 * canonicalizers, body hashing, tag-list parsing, the signing and verifying primitives. Internal to the pack: not
 * part of the DKIM API ({@code dev.authpack.dkim}), used only by {@code dev.authpack.dkim} and
 * {@code dev.authpack.arc}.
 */
package dev.authpack.dkim.internal;
