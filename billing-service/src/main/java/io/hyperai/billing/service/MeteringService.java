package io.hyperai.billing.service;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.hyperai.billing.repository.LedgerRepository;
import io.hyperai.common.events.EventCodec;
import io.hyperai.common.events.EventEnvelope;
import io.hyperai.common.events.EventType;
import io.hyperai.common.events.MalformedEventException;
import io.hyperai.common.events.payload.ExecutionEnded;
import io.hyperai.common.events.payload.ExecutionStarted;
import io.hyperai.common.inbox.EventConsumer;
import io.hyperai.common.inbox.EventInbox;
import io.smallrye.mutiny.Uni;

/**
 * Metering from execution events. A start opens a run at the price it carries (the periodic accrual
 * charges it while it runs); an end closes it and charges the rest to the second. Either may come
 * first or twice: the run row keeps the first start and the first end, and a run is settled as soon
 * as both are known, in the transaction that claims the event.
 */
@ApplicationScoped
public class MeteringService implements EventConsumer {

    public static final String CONSUMER = "billing-metering";
    private static final Logger LOG = Logger.getLogger(MeteringService.class);

    private final EventInbox inbox;
    private final LedgerRepository runs;
    private final LedgerService ledger;
    private final BillingMetrics metrics;

    public MeteringService(EventInbox inbox, LedgerRepository runs, LedgerService ledger, BillingMetrics metrics) {
        this.inbox = inbox;
        this.runs = runs;
        this.ledger = ledger;
        this.metrics = metrics;
    }

    @Override
    public String consumer() {
        return CONSUMER;
    }

    /** A redriven event; its accrual outcome is not counted in the metrics. */
    @Override
    public Uni<Void> handle(EventEnvelope envelope, EventType type) {
        return effect(envelope, type).replaceWithVoid();
    }

    /** Applies one record of {@code execution-events} once; metrics move after the commit. */
    public Uni<Void> consume(String record) {
        AtomicReference<AccrualOutcome> outcome = new AtomicReference<>(AccrualOutcome.NOTHING);
        return apply(record, outcome).invoke(() -> metrics.record(outcome.get()));
    }

    private Uni<Void> apply(String record, AtomicReference<AccrualOutcome> outcome) {
        return inbox.apply(CONSUMER, record, (envelope, type) -> effect(envelope, type).invoke(outcome::set)
                .replaceWithVoid());
    }

    private Uni<AccrualOutcome> effect(EventEnvelope envelope, EventType type) {
        switch (type) {
            case EXECUTION_STARTED -> {
                ExecutionStarted started = EventCodec.payload(envelope, ExecutionStarted.class);
                require(envelope, started.executionId(), started.ownerId(), started.startedAt());
                if (started.pricePerHourMinor() < 0) {
                    throw new MalformedEventException("event " + envelope.id() + " carries a negative price");
                }
                return runs.open(started, ledger.intervalSeconds())
                        .chain(() -> ledger.settle(started.executionId()));
            }
            case EXECUTION_SUCCEEDED, EXECUTION_FAILED, EXECUTION_STOPPED -> {
                ExecutionEnded ended = EventCodec.payload(envelope, ExecutionEnded.class);
                require(envelope, ended.executionId(), ended.ownerId(), ended.endedAt());
                return ended(ended);
            }
            default -> {
                LOG.debugf("event %s of type %s does not concern billing", envelope.id(), envelope.type());
                return Uni.createFrom().item(AccrualOutcome.NOTHING);
            }
        }
    }

    /** Closes a run at its true end and charges the rest, in the caller's transaction. */
    private Uni<AccrualOutcome> ended(ExecutionEnded ended) {
        return runs.close(ended, ledger.intervalSeconds()).chain(() -> ledger.settle(ended.executionId()));
    }

    /**
     * The same from execution-service's answer when the end event was lost ({@link OpenRunsPass}): empty when the run
     * was closed meanwhile (the event came after all), which then changes nothing.
     */
    Uni<Optional<AccrualOutcome>> endedMeanwhile(ExecutionEnded ended) {
        return runs.close(ended, ledger.intervalSeconds()).chain(closed -> closed == 0
                ? Uni.createFrom().item(Optional.<AccrualOutcome>empty())
                : ledger.settle(ended.executionId()).map(Optional::of));
    }

    private static void require(EventEnvelope envelope, Object... fields) {
        for (Object field : fields) {
            if (field == null) {
                throw new MalformedEventException("event " + envelope.id() + " of type " + envelope.type()
                        + " lacks the execution, owner or time billing needs");
            }
        }
    }
}
