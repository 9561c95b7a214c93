package io.hyperai.billing.mapping;

import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;

import io.hyperai.billing.BillingAccount;

/**
 * A user's spending limits (null: none) and where they stand: {@code lowBalance} while the projected balance is at or
 * below the threshold, {@code capReached} while this month's spend has reached the monthly cap (new starts are then
 * refused and running executions stopped, until the month ends or the cap is raised).
 */
public record LimitsView(Long monthlyCapMinor, Long lowBalanceThresholdMinor, boolean lowBalance, boolean capReached) {

    public static final LimitsView NONE = new LimitsView(null, null, false, false);

    public static LimitsView of(BillingAccount account) {
        return account == null ? NONE
                : new LimitsView(account.monthlyCapMinor, account.lowBalanceThresholdMinor, account.lowBalance,
                        capped(account));
    }

    /** Capped in the current month (UTC); a cap reached in an earlier month no longer holds. */
    public static boolean capped(BillingAccount account) {
        return account != null && account.cappedMonth != null
                && account.cappedMonth.equals(firstDayOf(YearMonth.now(ZoneOffset.UTC)));
    }

    private static LocalDate firstDayOf(YearMonth month) {
        return month.atDay(1);
    }
}
