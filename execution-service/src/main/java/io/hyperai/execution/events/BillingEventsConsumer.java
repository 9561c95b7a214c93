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
import io.hyperai.common.inbox.EventConsumer;
import io.hyperai.common.inbox.EventInbox;
import io.hyperai.execution.Execution;
import io.hyperai.execution.ExecutionState;
import io.hyperai.execution.Reasons;
import io.hyperai.execution.service.ExecutionReconciler;
import io.hyperai.execution.service.ExecutionService;
import io.smallrye.mutiny.Uni;

/**
 * At zero balance billing says so once; every running or queued execution of that user is
 * stopped with reason BALANCE_EXHAUSTED. New starts are refused by the admission check.
 */
@ApplicationScoped
public class BillingEventsConsumer implements EventConsumer {

    private final EventInbox inbox;
    private final ExecutionService executions;
    private final ExecutionReconciler reconciler;

    public BillingEventsConsumer(EventInbox inbox, ExecutionService executions, ExecutionReconciler reconciler) {
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
        if (type != EventType.BILLING_BALANCE_EXHAUSTED) {
            return Uni.createFrom().voidItem();
        }
        String owner = EventCodec.payload(envelope, BillingBalanceState.class).ownerId();
        return Execution.<Execution>list("ownerId = ?1 and state in ?2", owner, List.copyOf(ExecutionState.ACTIVE))
                .chain(active -> {
                    List<UUID> ids = active.stream().map(e -> e.id).toList();
                    stopped.addAll(ids);
                    return executions.stopAllInTransaction(ids, Reasons.BALANCE_EXHAUSTED);
                });
    }
}
