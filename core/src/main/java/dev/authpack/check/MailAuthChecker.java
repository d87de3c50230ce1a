package dev.authpack.check;

import dev.authpack.dkim.DkimReport;
import dev.authpack.dkim.DkimVerifier;
import dev.authpack.iprev.IprevChecker;
import dev.authpack.iprev.IprevResult;
import dev.authpack.spf.SpfChecker;
import dev.authpack.spf.SpfVerdict;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The orchestration behind the {@code MailAuthCheck} mailet and {@code authpack check}: starts every enabled
 * check at once (their DNS lookups run concurrently over the shared resolver) and combines the results.
 * Thread-safe; one instance serves all mail.
 */
public final class MailAuthChecker {
    private final SpfChecker spf;
    private final IprevChecker iprev;
    private final DkimVerifier dkim;

    public MailAuthChecker(SpfChecker spf, IprevChecker iprev, DkimVerifier dkim) {
        this.spf = spf;
        this.iprev = iprev;
        this.dkim = dkim;
    }

    /**
     * @param message the message exactly as received (CRLF or LF line ends); only DKIM reads it, so it may be
     *                null when {@code options.dkim()} is false
     */
    public CompletableFuture<AuthCheckReport> check(Envelope envelope, byte[] message, CheckOptions options) {
        CompletableFuture<Optional<DkimReport>> signatures = options.dkim()
                ? (message == null
                        ? CompletableFuture.completedFuture(Optional.of(DkimReport.unreadable("no message")))
                        : dkim.verify(message).thenApply(Optional::of))
                : CompletableFuture.completedFuture(Optional.empty());
        CompletableFuture<Optional<SpfVerdict>> mailFrom = options.spf()
                ? spf.checkMailFrom(envelope.clientIp(), envelope.mailFrom(), envelope.helo()).thenApply(Optional::of)
                : CompletableFuture.completedFuture(Optional.empty());
        CompletableFuture<Optional<SpfVerdict>> helo = options.spf() && !envelope.helo().isEmpty()
                ? spf.checkHelo(envelope.clientIp(), envelope.helo()).thenApply(Optional::of)
                : CompletableFuture.completedFuture(Optional.empty());
        CompletableFuture<Optional<IprevResult>> reverse = options.iprev()
                ? iprev.check(envelope.clientIp()).thenApply(Optional::of)
                : CompletableFuture.completedFuture(Optional.empty());
        Optional<SmtpAuthResult> auth = options.smtpAuth()
                ? Optional.of(SmtpAuthResult.of(envelope.authUser()))
                : Optional.empty();
        return CompletableFuture.allOf(signatures, mailFrom, helo, reverse)
                .thenApply(ignored -> new AuthCheckReport(signatures.join(), mailFrom.join(), helo.join(),
                        reverse.join(), auth));
    }
}
