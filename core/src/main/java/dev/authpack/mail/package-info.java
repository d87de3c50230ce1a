/**
 * The raw message model shared by the signature methods (DKIM, ARC) and signers:
 * {@link dev.authpack.mail.RawMessage} keeps the message bytes as received, its header fields as raw bytes in
 * order ({@link dev.authpack.mail.HeaderField}) and where the body starts; parsing is bounded by
 * {@link dev.authpack.mail.MessageLimits}.
 */
package dev.authpack.mail;
