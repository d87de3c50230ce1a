package dev.authpack.check;

import dev.authpack.dmarc.DmarcMode;
import dev.authpack.dns.ZoneFileResolver;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The one way to build the engine, and the one deadline rule. */
class CheckerSettingsTest {

    @Test
    void theCheckersBudgetsAndDeadlineFollowFromTheTimeouts() {
        CheckTimeouts timeouts = new CheckTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(2),
                Duration.ofSeconds(1), Duration.ofSeconds(4));
        MailAuthChecker checker = MailAuthChecker.create(ZoneFileResolver.fromText(""),
                CheckerSettings.defaults("mx.example.net").withTimeouts(timeouts));
        CheckBudgets budgets = checker.budgets();
        assertThat(budgets.spf()).isEqualTo(Duration.ofSeconds(3).plus(CheckBudgets.MARGIN));
        assertThat(budgets.dkim()).isEqualTo(Duration.ofSeconds(2).plus(CheckBudgets.MARGIN));
        assertThat(budgets.arc()).isEqualTo(Duration.ofSeconds(2).plus(CheckBudgets.MARGIN));
        assertThat(budgets.iprev()).isEqualTo(Duration.ofSeconds(1).plus(CheckBudgets.MARGIN));
        assertThat(budgets.dmarc()).isEqualTo(Duration.ofSeconds(4).plus(CheckBudgets.MARGIN));
        // DMARC after the slower of SPF and DKIM: 8 + 9 s
        assertThat(checker.deadline()).isEqualTo(Duration.ofSeconds(17));
        assertThat(checker.awaitLimit()).isEqualTo(Duration.ofSeconds(17).plus(MailAuthChecker.AWAIT_GRACE));
    }

    @Test
    void theDefaultsAreTheEnginesOwn() {
        MailAuthChecker checker = MailAuthChecker.create(ZoneFileResolver.fromText(""),
                CheckerSettings.defaults("mx.example.net"));
        assertThat(checker.deadline()).isEqualTo(new CheckBudgets(
                CheckTimeouts.DEFAULT.spf().plus(CheckBudgets.MARGIN),
                CheckTimeouts.DEFAULT.keyLookup().plus(CheckBudgets.MARGIN),
                CheckTimeouts.DEFAULT.iprev().plus(CheckBudgets.MARGIN),
                CheckTimeouts.DEFAULT.dmarc().plus(CheckBudgets.MARGIN),
                CheckTimeouts.DEFAULT.keyLookup().plus(CheckBudgets.MARGIN)).overall());
    }

    @Test
    void equalSettingsAreEqualSoThatTheyCanShareAChecker() {
        CheckerSettings a = CheckerSettings.defaults("mx");
        assertThat(a).isEqualTo(CheckerSettings.defaults("mx"));
        assertThat(a.withDmarc(a.dmarc().withMode(DmarcMode.RFC7489))).isNotEqualTo(a);
    }

    @Test
    void dmarcModeIsParsedOnce() {
        assertThat(DmarcMode.parse(" RFC7489 ")).contains(DmarcMode.RFC7489);
        assertThat(DmarcMode.parse("7489")).contains(DmarcMode.RFC7489);
        assertThat(DmarcMode.parse("dmarcbis")).contains(DmarcMode.RFC9989);
        assertThat(DmarcMode.parse("rfc9989")).contains(DmarcMode.RFC9989);
        assertThat(DmarcMode.parse("rfc1234")).isEmpty();
        assertThat(DmarcMode.parse(null)).isEmpty();
    }
}
