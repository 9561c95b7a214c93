package io.hyperai.execution.events;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.hyperai.common.events.EventCodec;
import io.hyperai.common.events.EventEnvelope;
import io.hyperai.common.events.EventType;
import io.hyperai.common.events.payload.BillingBalanceState;
import io.hyperai.common.events.payload.SpendingCapReached;
import io.hyperai.common.inbox.EventConsumer;
import io.hyperai.common.inbox.EventInbox;
import io.hyperai.execution.Reasons;
import io.hyperai.execution.service.AdmissionFacts;
import io.hyperai.execution.service.ExecutionReconciler;
import io.hyperai.execution.service.ExecutionService;
import io.smallrye.mutiny.Uni;

/**
 * At zero balance billing says so once; every running or queued execution of that user is
 * stopped with reason BALANCE_EXHAUSTED. At a spending cap it says so once too: the monthly cap stops every execution
 * of the user, an execution's own cap that one, with reason SPENDING_CAP. New starts are refused by the admission
 * check; a lost event is repaired by ExhaustedOwnersPass. What each event says of the owner's next start (exhausted,
 * restored, monthly cap reached) is kept for admission ({@link AdmissionFacts}) in the same transaction.
 */
@ApplicationScoped
public class BillingEventsConsumer implements EventConsumer {

    private final EventInbox inbox;
    private final ExecutionService executions;
    private final ExecutionReconciler reconciler;
    private final AdmissionFacts facts;

    public BillingEventsConsumer(EventInbox inbox, ExecutionService executions, ExecutionReconciler reconciler,
            AdmissionFacts facts) {
        this.facts = facts;
        this.inbox = inbox;
        this.executions = executions;
        this.reconciler = reconciler;
    }

    @Override
    public String consumer() {
        return "execution-service";
    }

    @Incoming("billing-events")
    public Uni<Void> consume(String record) {
        Set<UUID> stopped = ConcurrentHashMap.newKeySet(); // across retried attempts
        return inbox.apply(consumer(), record, (envelope, type) -> stop(envelope, type, stopped))
                // after commit, the containers of a user without money go now, not at the next reconciliation pass
                .chain(() -> reconciler.reconcileEach(stopped));
    }

    /** A redriven event: the containers go at the next reconciliation pass. */
    @Override
    public Uni<Void> handle(EventEnvelope envelope, EventType type) {
        return stop(envelope, type, ConcurrentHashMap.newKeySet());
    }

    private Uni<Void> stop(EventEnvelope envelope, EventType type, Set<UUID> stopped) {
        return facts.learn(envelope, type).chain(() -> stopFor(envelope, type, stopped));
    }

    private Uni<Void> stopFor(EventEnvelope envelope, EventType type, Set<UUID> stopped) {
        if (type == EventType.BILLING_BALANCE_EXHAUSTED) {
            String owner = EventCodec.payload(envelope, BillingBalanceState.class).ownerId();
            return executions.stopActiveInTransaction(owner, null, Reasons.BALANCE_EXHAUSTED).invoke(stopped::addAll)
                    .replaceWithVoid();
        }
        if (type == EventType.BILLING_CAP_REACHED) {
            SpendingCapReached cap = EventCodec.payload(envelope, SpendingCapReached.class);
            // an execution's own cap stops that one execution only (if it is the owner's and still active)
            List<String> only = "EXECUTION".equals(cap.scope()) ? List.of(cap.executionId()) : null;
            return executions.stopActiveInTransaction(cap.ownerId(), only, Reasons.SPENDING_CAP)
                    .invoke(stopped::addAll).replaceWithVoid();
        }
        return Uni.createFrom().voidItem();
    }
}
