package dev.authpack.check;

import dev.authpack.dkim.DkimVerifyOptions;
import dev.authpack.dmarc.DmarcOptions;

import java.time.Clock;
import java.util.Objects;

/**
 * Everything {@link MailAuthChecker#create} needs besides the resolver: what {@code MailAuthCheck}'s parameters and
 * {@code authpack check}'s options configure. A record, so that equal settings can share one checker.
 *
 * @param receiverName SPF's receiver name ({@code %{r}}, RFC 7208 §7.2): the authserv-id, usually the host name
 * @param dkim         DKIM verification (its key-lookup timeout and clock are taken from {@code timeouts} and
 *                     {@code clock})
 * @param dmarc        DMARC evaluation (its time budget is taken from {@code timeouts})
 * @param timeouts     each engine's own time bound; the checks' budgets and the message's deadline follow
 * @param clock        the time DKIM and ARC signatures and SPF's {@code %{t}} are judged by
 */
public record CheckerSettings(String receiverName, DkimVerifyOptions dkim, DmarcOptions dmarc, CheckTimeouts timeouts,
                              Clock clock) {
    public CheckerSettings {
        Objects.requireNonNull(receiverName, "receiverName");
        Objects.requireNonNull(dkim, "dkim");
        Objects.requireNonNull(dmarc, "dmarc");
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(clock, "clock");
    }

    /** The engines' defaults, the system clock. */
    public static CheckerSettings defaults(String receiverName) {
        return new CheckerSettings(receiverName, DkimVerifyOptions.defaults(), DmarcOptions.DEFAULT,
                CheckTimeouts.DEFAULT, Clock.systemUTC());
    }

    public CheckerSettings withDkim(DkimVerifyOptions value) {
        return new CheckerSettings(receiverName, value, dmarc, timeouts, clock);
    }

    public CheckerSettings withDmarc(DmarcOptions value) {
        return new CheckerSettings(receiverName, dkim, value, timeouts, clock);
    }

    public CheckerSettings withTimeouts(CheckTimeouts value) {
        return new CheckerSettings(receiverName, dkim, dmarc, value, clock);
    }

    public CheckerSettings withClock(Clock value) {
        return new CheckerSettings(receiverName, dkim, dmarc, timeouts, value);
    }
}
