package io.hyperai.billing.service;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/**
 * Accrual of every running execution up to a point in time, in one transaction. Nothing is kept in
 * memory between runs: each run continues from {@code charged_through} in the database, so a restart
 * or two instances running at once neither lose nor double an interval.
 */
@ApplicationScoped
public class AccrualService {

    private final LedgerService ledger;
    private final BillingMetrics metrics;

    public AccrualService(LedgerService ledger, BillingMetrics metrics) {
        this.ledger = ledger;
        this.metrics = metrics;
    }

    /** Charges every complete interval up to the database's clock. */
    public Uni<AccrualOutcome> accrueNow() {
        return accrueTo(null);
    }

    /** Charges every complete interval up to {@code asOf} (null: the database's clock); records metrics after commit. */
    public Uni<AccrualOutcome> accrueTo(Instant asOf) {
        return inTransaction(asOf).invoke(metrics::record);
    }

    @WithTransaction
    Uni<AccrualOutcome> inTransaction(Instant asOf) {
        return ledger.accrueAll(asOf);
    }
}
