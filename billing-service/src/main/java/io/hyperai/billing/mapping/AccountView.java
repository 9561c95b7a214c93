package io.hyperai.billing.mapping;

import java.util.List;

/** {@code GET /api/v1/billing/me}: the balance, what runs now and what it costs, and this month's spend (UTC). */
public record AccountView(String userId, long balanceMinor, String currency, boolean exhausted, String month,
        long spentThisMonthMinor, List<RunningView> running) {
}
