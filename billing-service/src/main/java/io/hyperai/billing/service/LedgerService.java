package io.hyperai.billing.service;

import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.hyperai.billing.config.BillingConfig;
import io.hyperai.billing.repository.LedgerRepository;
import io.hyperai.billing.repository.LedgerRepository.Exhausted;
import io.hyperai.common.events.EventType;
import io.hyperai.common.events.payload.BillingBalanceState;
import io.hyperai.common.outbox.Outbox;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
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
    private final Tracer tracer;

    public LedgerService(LedgerRepository ledger, Outbox outbox, BillingConfig config, OpenTelemetry openTelemetry) {
        this.ledger = ledger;
        this.outbox = outbox;
        this.config = config;
        this.tracer = openTelemetry.getTracer("io.hyperai.billing");
    }

    /** Every run up to {@code asOf} (null: the database's clock). */
    Uni<AccrualOutcome> accrueAll(Instant asOf) {
        return accrue(null, asOf);
    }

    /**
     * Charges the rest of these executions, each that has ended (and whose start is known); the others nothing.
     * A span of its own (child of the consumed events') shows what the events charged in their trace.
     */
    Uni<AccrualOutcome> settle(Collection<String> executionIds) {
        Span span = tracer.spanBuilder("billing settle").setAttribute("hyperai.billing.executions", executionIds.size())
                .startSpan();
        if (executionIds.size() == 1) {
            span.setAttribute("hyperai.execution.id", executionIds.iterator().next());
        }
        return accrue(executionIds, null)
                .invoke(outcome -> span.setAttribute("hyperai.billing.entries", outcome.entries())
                        .setAttribute("hyperai.billing.charged_minor", outcome.chargedMinor()))
                .onTermination().invoke((outcome, failure, cancelled) -> {
                    if (failure != null) {
                        span.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName());
                    }
                    span.end();
                });
    }

    private Uni<AccrualOutcome> accrue(Collection<String> executionIds, Instant asOf) {
        return ledger.accrue(executionIds, asOf, config.currency()).chain(charged -> {
            Set<String> owners = new LinkedHashSet<>();
            charged.forEach(c -> owners.add(c.ownerId()));
            return ledger.exhaust(owners).call(this::publishExhausted)
                    .map(exhausted -> new AccrualOutcome(charged, exhausted));
        });
    }

    /**
     * Exhaustion on time, inside the caller's (new) transaction: the accounts the running executions have used up
     * since their last charge are marked and published now; the charges follow at the next accrual or at the end.
     */
    Uni<List<Exhausted>> exhaustProjected() {
        return ledger.exhaustProjected().call(this::publishExhausted);
    }

    /** One {@code billing.balance.exhausted} per crossing, in order, in the caller's transaction. */
    private Uni<?> publishExhausted(List<Exhausted> crossings) {
        return Multi.createFrom().iterable(crossings)
                .onItem().transformToUniAndConcatenate(e -> outbox.append(EventType.BILLING_BALANCE_EXHAUSTED,
                        e.userId(), new BillingBalanceState(e.userId(), e.balanceMinor(), e.currency())))
                .collect().last();
    }

    int intervalSeconds() {
        return (int) config.interval().toSeconds();
    }
}
