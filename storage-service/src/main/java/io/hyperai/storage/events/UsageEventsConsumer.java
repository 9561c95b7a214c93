package io.hyperai.storage.events;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.hyperai.common.events.EventCodec;
import io.hyperai.common.events.EventEnvelope;
import io.hyperai.common.events.EventType;
import io.hyperai.common.events.payload.StoredBytes;
import io.hyperai.common.events.payload.WarehouseItemDeleted;
import io.hyperai.common.events.payload.WarehouseVersionCreated;
import io.hyperai.common.events.payload.WarehouseVersionDeleted;
import io.hyperai.common.inbox.BatchConsumer;
import io.hyperai.common.inbox.EventInbox;
import io.hyperai.storage.StorageUsage;
import io.hyperai.storage.service.LedgerService;
import io.hyperai.storage.service.LedgerService.Change;
import io.smallrye.mutiny.Uni;

/**
 * Feeds the usage ledger from what the warehouse and execution services report. A poll of events is applied in one
 * transaction ({@code batch=true}), each event once, claimed in that transaction; other event types on these topics are
 * skipped.
 */
@ApplicationScoped
public class UsageEventsConsumer implements BatchConsumer<LedgerService.Change> {

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
    public Uni<Void> warehouse(List<String> records) {
        return inbox.applyBatch(this, records);
    }

    @Incoming("execution-events")
    public Uni<Void> execution(List<String> records) {
        return inbox.applyBatch(this, records);
    }

    @Override
    public Change read(EventEnvelope envelope, EventType type) {
        return switch (type) {
            case WAREHOUSE_VERSION_CREATED -> LedgerService.versionCreated(EventCodec.payload(envelope, WarehouseVersionCreated.class));
            case WAREHOUSE_VERSION_DELETED -> LedgerService.versionDeleted(EventCodec.payload(envelope, WarehouseVersionDeleted.class));
            case WAREHOUSE_ITEM_DELETED -> LedgerService.itemDeleted(EventCodec.payload(envelope, WarehouseItemDeleted.class));
            case CODE_UPLOADED -> LedgerService.stored(StorageUsage.Kind.CODE, EventCodec.payload(envelope, StoredBytes.class));
            case CODE_DELETED -> LedgerService.removed(StorageUsage.Kind.CODE, EventCodec.payload(envelope, StoredBytes.class));
            case OUTPUT_SAVED -> LedgerService.stored(StorageUsage.Kind.WORKING_DIRECTORY, EventCodec.payload(envelope, StoredBytes.class));
            case WORKDIR_DELETED -> LedgerService.removed(StorageUsage.Kind.WORKING_DIRECTORY, EventCodec.payload(envelope, StoredBytes.class));
            default -> null;
        };
    }

    @Override
    public Uni<Void> applyAll(List<Change> fresh) {
        return ledger.applyAll(fresh);
    }
}
