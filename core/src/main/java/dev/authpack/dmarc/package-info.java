/**
 * DMARC (RFC 9989, with an RFC 7489 mode): policy discovery, organizational domains, identifier alignment and the
 * disposition a domain owner asks for.
 *
 * <ul>
 *   <li>{@link dev.authpack.dmarc.DmarcEvaluator}{@code (DnsResolver, DmarcOptions).evaluate(RawMessage | byte[] |
 *       List<String> fromValues, Optional<SpfResult>, Optional<DkimReport>)} gives a
 *       {@link dev.authpack.dmarc.DmarcResult} ({@code dev.authpack.check.AuthResultsMapping} writes it as the
 *       {@code dmarc=} resinfo: protocol packages know nothing of Authentication-Results).</li>
 *   <li>{@link dev.authpack.dmarc.DmarcRecordParser} reads {@code _dmarc} TXT records into
 *       {@link dev.authpack.dmarc.DmarcRecord}; {@link dev.authpack.mail.AuthorDomains} reads From fields.</li>
 * </ul>
 *
 * <p>Organizational domains come from the RFC 9989 DNS Tree Walk (at most eight queries per walk) or, in
 * {@link dev.authpack.dmarc.DmarcMode#RFC7489} mode, from the Public Suffix List bundled in Guava. See
 * {@code docs/dmarc.md} for every decision where the RFCs leave a choice.
 */
package dev.authpack.dmarc;
