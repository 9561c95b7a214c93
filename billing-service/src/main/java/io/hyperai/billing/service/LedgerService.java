package io.hyperai.billing.service;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.hyperai.billing.config.BillingConfig;
import io.hyperai.billing.repository.LedgerRepository;
import io.hyperai.billing.repository.LedgerRepository.Exhausted;
import io.hyperai.common.events.EventType;
import io.hyperai.common.events.payload.BillingBalanceState;
import io.hyperai.common.outbox.Outbox;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Charges what is due and publishes the balance crossings it caused, inside the caller's
 * transaction: the ledger, the balances and the exhausted events commit together or not at all.
 */
@ApplicationScoped
public class LedgerService {

    private final LedgerRepository ledger;
    private final Outbox outbox;
    private final BillingConfig config;

    public LedgerService(LedgerRepository ledger, Outbox outbox, BillingConfig config) {
        this.ledger = ledger;
        this.outbox = outbox;
        this.config = config;
    }

    /** Every run up to {@code asOf} (null: the database's clock). */
    Uni<AccrualOutcome> accrueAll(Instant asOf) {
        return accrue(null, asOf);
    }

    /** Charges the rest of one execution if it has ended (and its start is known); otherwise nothing. */
    Uni<AccrualOutcome> settle(String executionId) {
        return accrue(executionId, null);
    }

    private Uni<AccrualOutcome> accrue(String executionId, Instant asOf) {
        return ledger.accrue(executionId, asOf, config.currency()).chain(charged -> {
            Set<String> owners = new LinkedHashSet<>();
            charged.forEach(c -> owners.add(c.ownerId()));
            return ledger.exhaust(owners)
                    .call(exhausted -> Multi.createFrom().iterable(exhausted)
                            .onItem().transformToUniAndConcatenate(this::publishExhausted)
                            .collect().last())
                    .map(exhausted -> new AccrualOutcome(charged, exhausted));
        });
    }

    private Uni<?> publishExhausted(Exhausted e) {
        return outbox.append(EventType.BILLING_BALANCE_EXHAUSTED, e.userId(),
                new BillingBalanceState(e.userId(), e.balanceMinor(), e.currency()));
    }

    int intervalSeconds() {
        return (int) config.interval().toSeconds();
    }
}
