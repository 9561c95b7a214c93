package io.hyperai.billing.service;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.hyperai.billing.repository.LedgerRepository;
import io.hyperai.common.events.EventCodec;
import io.hyperai.common.events.EventEnvelope;
import io.hyperai.common.events.EventType;
import io.hyperai.common.events.MalformedEventException;
import io.hyperai.common.events.payload.ExecutionEnded;
import io.hyperai.common.events.payload.ExecutionStarted;
import io.hyperai.common.inbox.BatchConsumer;
import io.hyperai.common.inbox.EventInbox;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;

/**
 * Metering from execution events. A start opens a run at the price it carries (the periodic accrual
 * charges it while it runs); an end closes it and charges the rest to the second. Either may come
 * first or twice: the run row keeps the first start and the first end, and a run is settled as soon
 * as both are known, in the transaction that claims the event. A poll of events is one transaction.
 */
@ApplicationScoped
public class MeteringService implements BatchConsumer<MeteringService.Metered> {

    public static final String CONSUMER = "billing-metering";
    private static final Logger LOG = Logger.getLogger(MeteringService.class);

    /** What one lifecycle event tells billing: a start or an end, and the trace the event came in. */
    public record Metered(ExecutionStarted started, ExecutionEnded ended, Context trace) {
    }

    private final EventInbox inbox;
    private final LedgerRepository runs;
    private final LedgerService ledger;
    private final BillingMetrics metrics;
    // what the batch being applied charged; read after its commit (one batch at a time per channel)
    private final AtomicReference<AccrualOutcome> lastOutcome = new AtomicReference<>(AccrualOutcome.NOTHING);

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

    /**
     * Applies a poll of {@code execution-events} in one transaction, each event once (read in its own consumer span's
     * context); metrics move after the commit.
     */
    public Uni<Void> consume(Iterable<? extends Message<String>> records) {
        lastOutcome.set(AccrualOutcome.NOTHING);
        return inbox.applyTracedBatch(this, records).invoke(() -> metrics.record(lastOutcome.getAndSet(AccrualOutcome.NOTHING)));
    }

    @Override
    public Metered read(EventEnvelope envelope, EventType type) {
        switch (type) {
            case EXECUTION_STARTED -> {
                ExecutionStarted started = EventCodec.payload(envelope, ExecutionStarted.class);
                require(envelope, started.executionId(), started.ownerId(), started.startedAt());
                if (started.pricePerHourMinor() < 0) {
                    throw new MalformedEventException("event " + envelope.id() + " carries a negative price");
                }
                return new Metered(started, null, Context.current());
            }
            case EXECUTION_SUCCEEDED, EXECUTION_FAILED, EXECUTION_STOPPED -> {
                ExecutionEnded ended = EventCodec.payload(envelope, ExecutionEnded.class);
                require(envelope, ended.executionId(), ended.ownerId(), ended.endedAt());
                return new Metered(null, ended, Context.current());
            }
            default -> {
                LOG.debugf("event %s of type %s does not concern billing", envelope.id(), envelope.type());
                return null;
            }
        }
    }

    /**
     * Opens the runs started, closes those ended, and settles every one of them that has ended, with one statement
     * each: a start and an end commute (the first start and the first end win, whichever comes first), so applying a
     * batch's starts, then its ends, is what applying them one by one in order does.
     */
    @Override
    public Uni<Void> applyAll(List<Metered> fresh) {
        Map<String, ExecutionStarted> starts = new LinkedHashMap<>();
        Map<String, ExecutionEnded> ends = new LinkedHashMap<>();
        // each execution settled is traced in the trace of the event that ended it (or, alone, that started it)
        Map<String, Context> touched = new LinkedHashMap<>();
        for (Metered m : fresh) {
            if (m.started() != null) {
                starts.putIfAbsent(m.started().executionId(), m.started());
                touched.putIfAbsent(m.started().executionId(), m.trace());
            } else if (ends.putIfAbsent(m.ended().executionId(), m.ended()) == null) {
                touched.put(m.ended().executionId(), m.trace());
            }
        }
        return runs.open(starts.values(), ledger.intervalSeconds())
                .chain(() -> runs.close(ends.values(), ledger.intervalSeconds()))
                .chain(() -> ledger.settle(touched))
                .invoke(lastOutcome::set).replaceWithVoid();
    }

    /**
     * The same from execution-service's answer when the end event was lost ({@link OpenRunsPass}): empty when the run
     * was closed meanwhile (the event came after all), which then changes nothing.
     */
    Uni<Optional<AccrualOutcome>> endedMeanwhile(ExecutionEnded ended) {
        return runs.close(List.of(ended), ledger.intervalSeconds()).chain(closed -> closed == 0
                ? Uni.createFrom().item(Optional.<AccrualOutcome>empty())
                : ledger.settle(Map.of(ended.executionId(), Context.current())).map(Optional::of));
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
