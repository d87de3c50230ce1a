package dev.authpack.check;

import dev.authpack.arc.ArcResult;
import dev.authpack.arc.ArcVerifier;
import dev.authpack.dkim.DkimReport;
import dev.authpack.dkim.DkimVerifier;
import dev.authpack.dmarc.DmarcEvaluator;
import dev.authpack.dmarc.DmarcResult;
import dev.authpack.iprev.IprevChecker;
import dev.authpack.iprev.IprevResult;
import dev.authpack.mail.MessageParseException;
import dev.authpack.mail.RawMessage;
import dev.authpack.spf.SpfChecker;
import dev.authpack.spf.SpfVerdict;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The orchestration behind the {@code MailAuthCheck} mailet and {@code authpack check}: starts every enabled
 * check at once (their DNS lookups run concurrently over the shared resolver), evaluates DMARC when SPF and DKIM
 * are in, and combines the results. Thread-safe; one instance serves all mail.
 */
public final class MailAuthChecker {
    private final SpfChecker spf;
    private final IprevChecker iprev;
    private final DkimVerifier dkim;
    private final DmarcEvaluator dmarc;
    private final ArcVerifier arc;

    public MailAuthChecker(SpfChecker spf, IprevChecker iprev, DkimVerifier dkim, DmarcEvaluator dmarc,
                           ArcVerifier arc) {
        this.spf = spf;
        this.iprev = iprev;
        this.dkim = dkim;
        this.dmarc = dmarc;
        this.arc = arc;
    }

    /**
     * @param message the message exactly as received (CRLF or LF line ends); DKIM, DMARC and ARC read it, so it
     *                may be null when none of them runs
     */
    public CompletableFuture<AuthCheckReport> check(Envelope envelope, byte[] message, CheckOptions options) {
        RawMessage raw = null;
        String unreadable = null;
        if (options.needsMessage()) {
            try {
                raw = message == null ? null : RawMessage.parse(message);
                unreadable = message == null ? "no message" : null;
            } catch (MessageParseException e) {
                unreadable = "message header unreadable: " + e.getMessage();
            }
        }
        RawMessage parsed = raw;
        String why = unreadable;

        CompletableFuture<Optional<DkimReport>> signatures = !options.dkim() ? none()
                : parsed == null ? done(DkimReport.unreadable(why))
                : dkim.verify(parsed).thenApply(Optional::of);
        CompletableFuture<Optional<SpfVerdict>> mailFrom = options.spf()
                ? spf.checkMailFrom(envelope.clientIp(), envelope.mailFrom(), envelope.helo()).thenApply(Optional::of)
                : none();
        CompletableFuture<Optional<SpfVerdict>> helo = options.spf() && !envelope.helo().isEmpty()
                ? spf.checkHelo(envelope.clientIp(), envelope.helo()).thenApply(Optional::of)
                : none();
        CompletableFuture<Optional<IprevResult>> reverse = options.iprev()
                ? iprev.check(envelope.clientIp()).thenApply(Optional::of)
                : none();
        CompletableFuture<Optional<ArcResult>> chain = !options.arc() ? none()
                : parsed == null ? arc.verify(message == null ? new byte[0] : message).thenApply(Optional::of)
                : arc.verify(parsed).thenApply(Optional::of);
        // RFC 9989 §4.7: DMARC combines the SPF (MAIL FROM) and DKIM results, so it starts when both are in
        CompletableFuture<Optional<DmarcResult>> policy = !options.dmarc() ? none()
                : mailFrom.thenCompose(s -> signatures.thenCompose(d -> (parsed == null
                        ? dmarc.evaluate(message == null ? new byte[0] : message, s, d)
                        : dmarc.evaluate(parsed, s, d)).thenApply(Optional::of)));
        Optional<SmtpAuthResult> auth = options.smtpAuth()
                ? Optional.of(SmtpAuthResult.of(envelope.authUser()))
                : Optional.empty();
        return CompletableFuture.allOf(signatures, mailFrom, helo, reverse, chain, policy)
                .thenApply(ignored -> {
                    Optional<DmarcResult> d = policy.join();
                    Optional<ArcResult> a = chain.join();
                    Optional<DmarcOverride> override = d.isPresent() && a.isPresent()
                            ? DmarcOverride.find(d.get(), a.get(), options.trustedArcSealers())
                            : Optional.empty();
                    return new AuthCheckReport(signatures.join(), mailFrom.join(), helo.join(), reverse.join(),
                            auth, d, a, override);
                });
    }

    private static <T> CompletableFuture<Optional<T>> none() {
        return CompletableFuture.completedFuture(Optional.empty());
    }

    private static <T> CompletableFuture<Optional<T>> done(T value) {
        return CompletableFuture.completedFuture(Optional.of(value));
    }
}
