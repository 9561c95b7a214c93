package io.hyperai.billing.service;

import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import io.hyperai.billing.config.BillingConfig;
import io.hyperai.billing.repository.LedgerRepository;
import io.hyperai.billing.repository.LedgerRepository.Charged;
import io.hyperai.billing.repository.LedgerRepository.Exhausted;
import io.hyperai.common.events.EventType;
import io.hyperai.common.events.payload.BillingBalanceState;
import io.hyperai.common.outbox.Outbox;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
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
     * Each execution named with a trace context gets a span of its own there ("billing settle", a child of the
     * consumer span of the event that ended it), with what it was charged: one statement settles a whole poll, and
     * every execution's trace still shows its charge.
     */
    Uni<AccrualOutcome> settle(Map<String, Context> executions) {
        long started = System.currentTimeMillis();
        return accrue(executions.keySet(), null)
                .onTermination().invoke((outcome, failure, cancelled) -> executions.forEach((id, trace) -> {
                    if (trace != null) {
                        settleSpan(id, trace, started, outcome, failure);
                    }
                }));
    }

    private void settleSpan(String executionId, Context trace, long startedMillis, AccrualOutcome outcome,
            Throwable failure) {
        Span span = tracer.spanBuilder("billing settle").setParent(trace)
                .setStartTimestamp(startedMillis, TimeUnit.MILLISECONDS)
                .setAttribute("hyperai.execution.id", executionId).startSpan();
        if (failure != null) {
            span.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName());
        } else {
            long entries = 0;
            long charged = 0;
            for (Charged c : outcome.charged()) {
                if (executionId.equals(c.executionId())) {
                    entries += c.entries();
                    charged += c.chargedMinor() + c.refundedMinor();
                }
            }
            span.setAttribute("hyperai.billing.entries", entries).setAttribute("hyperai.billing.charged_minor", charged);
        }
        span.end();
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
