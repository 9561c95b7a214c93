package io.hyperai.gear.events;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.hyperai.common.events.EventCodec;
import io.hyperai.common.events.EventEnvelope;
import io.hyperai.common.events.EventType;
import io.hyperai.common.events.Topics;
import io.hyperai.common.events.payload.ExecutionEnded;
import io.hyperai.common.events.payload.ExecutionQueued;
import io.hyperai.common.events.payload.ExecutionStarted;
import io.hyperai.common.inbox.EventConsumer;
import io.hyperai.common.inbox.EventInbox;
import io.hyperai.gear.repository.GearRepository;
import io.smallrye.mutiny.Uni;

/**
 * Learns which executions of which gears are active, so a gear is not deleted under a running
 * execution without asking execution-service on every delete. Queued and started make an execution
 * active; succeeded, failed and stopped end it for good.
 */
@ApplicationScoped
public class ExecutionEventsConsumer implements EventConsumer {

    static final String CONSUMER = "gear-service.executions";

    private final EventInbox inbox;
    private final GearRepository gears;

    public ExecutionEventsConsumer(EventInbox inbox, GearRepository gears) {
        this.inbox = inbox;
        this.gears = gears;
    }

    @Override
    public String consumer() {
        return CONSUMER;
    }

    @Incoming(Topics.EXECUTION)
    public Uni<Void> consume(String record) {
        return inbox.apply(this, record);
    }

    @Override
    public Uni<Void> handle(EventEnvelope envelope, EventType type) {
        return switch (type) {
            case EXECUTION_QUEUED -> {
                ExecutionQueued e = EventCodec.payload(envelope, ExecutionQueued.class);
                yield gears.executionActive(e.executionId(), e.gearId(), e.ownerId());
            }
            case EXECUTION_STARTED -> {
                ExecutionStarted e = EventCodec.payload(envelope, ExecutionStarted.class);
                yield gears.executionActive(e.executionId(), e.gearId(), e.ownerId());
            }
            case EXECUTION_SUCCEEDED, EXECUTION_FAILED, EXECUTION_STOPPED -> {
                ExecutionEnded e = EventCodec.payload(envelope, ExecutionEnded.class);
                yield gears.executionEnded(e.executionId(), e.gearId(), e.ownerId());
            }
            default -> Uni.createFrom().voidItem();
        };
    }
}
