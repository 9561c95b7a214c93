package io.hyperai.storage.events;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.hyperai.common.events.EventCodec;
import io.hyperai.common.events.EventEnvelope;
import io.hyperai.common.events.EventType;
import io.hyperai.common.events.payload.StoredBytes;
import io.hyperai.common.events.payload.WarehouseItemDeleted;
import io.hyperai.common.events.payload.WarehouseVersionCreated;
import io.hyperai.common.events.payload.WarehouseVersionDeleted;
import io.hyperai.common.inbox.EventConsumer;
import io.hyperai.common.inbox.EventInbox;
import io.hyperai.storage.StorageUsage;
import io.hyperai.storage.service.LedgerService;
import io.smallrye.mutiny.Uni;

/**
 * Feeds the usage ledger from what the warehouse and execution services report. Each event is applied
 * once, in the transaction that claims its id; other event types on these topics are skipped.
 */
@ApplicationScoped
public class UsageEventsConsumer implements EventConsumer {

    static final String CONSUMER = "storage-ledger";

    private final EventInbox inbox;
    private final LedgerService ledger;

    public UsageEventsConsumer(EventInbox inbox, LedgerService ledger) {
        this.inbox = inbox;
        this.ledger = ledger;
    }

    @Override
    public String consumer() {
        return CONSUMER;
    }

    @Incoming("warehouse-events")
    public Uni<Void> warehouse(String record) {
        return inbox.apply(this, record);
    }

    @Incoming("execution-events")
    public Uni<Void> execution(String record) {
        return inbox.apply(this, record);
    }

    @Override
    public Uni<Void> handle(EventEnvelope envelope, EventType type) {
        return switch (type) {
            case WAREHOUSE_VERSION_CREATED -> ledger.versionCreated(EventCodec.payload(envelope, WarehouseVersionCreated.class));
            case WAREHOUSE_VERSION_DELETED -> ledger.versionDeleted(EventCodec.payload(envelope, WarehouseVersionDeleted.class));
            case WAREHOUSE_ITEM_DELETED -> ledger.itemDeleted(EventCodec.payload(envelope, WarehouseItemDeleted.class));
            case CODE_UPLOADED -> ledger.stored(StorageUsage.Kind.CODE, EventCodec.payload(envelope, StoredBytes.class));
            case CODE_DELETED -> ledger.removed(StorageUsage.Kind.CODE, EventCodec.payload(envelope, StoredBytes.class));
            case OUTPUT_SAVED -> ledger.stored(StorageUsage.Kind.WORKING_DIRECTORY, EventCodec.payload(envelope, StoredBytes.class));
            case WORKDIR_DELETED -> ledger.removed(StorageUsage.Kind.WORKING_DIRECTORY, EventCodec.payload(envelope, StoredBytes.class));
            default -> Uni.createFrom().voidItem();
        };
    }
}
