package io.hyperai.execution.events;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.hyperai.common.events.EventCodec;
import io.hyperai.common.events.EventType;
import io.hyperai.common.events.payload.BillingBalanceState;
import io.hyperai.common.inbox.EventInbox;
import io.hyperai.execution.Execution;
import io.hyperai.execution.ExecutionState;
import io.hyperai.execution.Reasons;
import io.hyperai.execution.service.ExecutionService;
import io.smallrye.mutiny.Uni;

/**
 * At zero balance billing says so once; every running or queued execution of that user is
 * stopped with reason BALANCE_EXHAUSTED. New starts are refused by the admission check.
 */
@ApplicationScoped
public class BillingEventsConsumer {

    private final EventInbox inbox;
    private final ExecutionService executions;

    public BillingEventsConsumer(EventInbox inbox, ExecutionService executions) {
        this.inbox = inbox;
        this.executions = executions;
    }

    @Incoming("billing-events")
    public Uni<Void> consume(String record) {
        return inbox.apply("execution-service", record, (envelope, type) -> {
            if (type != EventType.BILLING_BALANCE_EXHAUSTED) {
                return Uni.createFrom().voidItem();
            }
            String owner = EventCodec.payload(envelope, BillingBalanceState.class).ownerId();
            return Execution.<Execution>list("ownerId = ?1 and state in ?2", owner, List.copyOf(ExecutionState.ACTIVE))
                    .chain(active -> {
                        Uni<Void> chain = Uni.createFrom().voidItem();
                        for (Execution e : active) {
                            chain = chain.chain(() -> executions.stopInTransaction(e.id, Reasons.BALANCE_EXHAUSTED));
                        }
                        return chain;
                    });
        });
    }
}
