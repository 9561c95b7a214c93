package io.hyperai.billing.service;

import java.util.List;

import io.hyperai.billing.repository.LedgerRepository.Charged;
import io.hyperai.billing.repository.LedgerRepository.Exhausted;

/** What one accrual (periodic or for one execution's event) committed. */
public record AccrualOutcome(List<Charged> charged, List<Exhausted> exhausted) {

    public static final AccrualOutcome NOTHING = new AccrualOutcome(List.of(), List.of());

    public long entries() {
        return charged.stream().mapToLong(Charged::entries).sum();
    }

    public long chargedMinor() {
        return charged.stream().mapToLong(c -> c.chargedMinor() + c.refundedMinor()).sum();
    }
}
