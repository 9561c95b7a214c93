package io.hyperai.billing.mapping;

import java.time.Instant;

import io.hyperai.billing.Charge;

/** One ledger entry as its owner sees it. */
public record ChargeView(long id, String executionId, int intervalNo, String gearId, String computeSpecId, String mode,
        Instant periodStart, Instant periodEnd, long seconds, long pricePerHourMinor, long amountMinor,
        String currency) {

    public static ChargeView of(Charge c) {
        return new ChargeView(c.id, c.executionId, c.intervalNo, c.gearId, c.computeSpecId, c.mode, c.periodStart,
                c.periodEnd, c.seconds, c.pricePerHourMinor, c.amountMinor, c.currency);
    }
}
