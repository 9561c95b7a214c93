package io.hyperai.billing.mapping;

import java.util.List;

/**
 * {@code GET /api/v1/billing/me}: the balance, what runs now and what it costs, this month's spend (UTC), and the
 * runway: {@code projectedBalanceMinor} is the balance less what the running executions have used and not yet
 * been charged, {@code runwaySeconds} how long that lasts at their combined price (null when nothing priced runs).
 * {@code spentThisMonthMinor} is what the ledger charged this month, {@code monthSpentMinor} that plus what the running
 * executions have used since their last charge: the spend the monthly cap in {@code limits} is judged on.
 */
public record AccountView(String userId, long balanceMinor, String currency, boolean exhausted, String month,
        long spentThisMonthMinor, List<RunningView> running, long projectedBalanceMinor, Long runwaySeconds,
        long monthSpentMinor, LimitsView limits) {

    public static AccountView of(String userId, long balanceMinor, String currency, boolean exhausted, String month,
            long spentThisMonthMinor, List<RunningView> running, LimitsView limits) {
        long uncharged = running.stream().mapToLong(r -> Math.max(0, r.costSoFarMinor() - r.chargedMinor())).sum();
        long perHour = running.stream().mapToLong(RunningView::pricePerHourMinor).sum();
        long projected = balanceMinor - uncharged;
        Long runway = perHour == 0 ? null : Math.max(0, Math.multiplyExact(projected, 3600L) / perHour);
        return new AccountView(userId, balanceMinor, currency, exhausted, month, spentThisMonthMinor, running,
                projected, runway, spentThisMonthMinor + uncharged, limits);
    }
}
