package io.hyperai.execution.events;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.hyperai.common.events.EventCodec;
import io.hyperai.common.events.EventEnvelope;
import io.hyperai.common.events.EventType;
import io.hyperai.common.events.payload.WarehouseVersionCreated;
import io.hyperai.common.inbox.EventConsumer;
import io.hyperai.common.inbox.EventInbox;
import io.hyperai.execution.service.OutputService;
import io.smallrye.mutiny.Uni;

/**
 * A dataset or model version promoted from a saved working directory was created: what moved into it leaves the
 * directory here ({@link OutputService#promoted}), once, in the transaction that claims the event. The version is
 * committed first, so a failure anywhere keeps the bytes (counted twice for a while), never loses them.
 */
@ApplicationScoped
public class PromotionsConsumer implements EventConsumer {

    private final EventInbox inbox;
    private final OutputService outputs;

    public PromotionsConsumer(EventInbox inbox, OutputService outputs) {
        this.inbox = inbox;
        this.outputs = outputs;
    }

    @Override
    public String consumer() {
        return "execution-promotions";
    }

    @Incoming("warehouse-events")
    public Uni<Void> consume(String record) {
        return inbox.apply(this, record);
    }

    @Override
    public Uni<Void> handle(EventEnvelope envelope, EventType type) {
        if (type != EventType.WAREHOUSE_VERSION_CREATED) {
            return Uni.createFrom().voidItem();
        }
        WarehouseVersionCreated v = EventCodec.payload(envelope, WarehouseVersionCreated.class);
        if (v.fromExecutionOutput() == null) {
            return Uni.createFrom().voidItem();
        }
        return outputs.promoted(v.fromExecutionOutput(), v.ownerId(), v.outputPath());
    }
}
