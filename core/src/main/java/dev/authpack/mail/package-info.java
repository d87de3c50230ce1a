/**
 * The raw message model shared by the signature methods (DKIM, ARC) and signers:
 * {@link dev.authpack.mail.RawMessage} keeps the message bytes as received, its header fields as raw bytes in
 * order ({@link dev.authpack.mail.HeaderField}) and where the body starts; parsing is bounded by
 * {@link dev.authpack.mail.MessageLimits}. {@link dev.authpack.mail.HeaderLines} is the line-level reading of a
 * header section for the lenient readers (forged Authentication-Results, DMARC's From scan): the line ends every
 * reader could see, continuation lines, the end of the header section; {@code RawMessage} stays strict and apart.
 */
package dev.authpack.mail;
