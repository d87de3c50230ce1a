/**
 * Signing for many domains, as a mail server does: {@link dev.authpack.dkim.sign.KeyTable} (named keys with
 * their d= and s=, OpenDKIM's KeyTable format), {@link dev.authpack.dkim.sign.SigningTable} (author domain
 * patterns to keys), {@link dev.authpack.dkim.sign.SenderDomain} (the From domain that chooses the keys) and
 * {@link dev.authpack.dkim.sign.TableSigner}, which adds one DKIM-Signature per key and otherwise leaves the
 * message's octets alone. Nothing here knows James; the {@code DkimSign} mailet and {@code authpack} use it.
 */
package dev.authpack.dkim.sign;
