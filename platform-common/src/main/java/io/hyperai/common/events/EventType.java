package io.hyperai.common.events;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.hyperai.common.events.payload.*;

/**
 * Every lifecycle event of the platform: its CloudEvents type, the topic of the service that owns
 * it, and the record its data is read into. The aggregate id (the Kafka key) is the event's subject.
 */
public enum EventType {
    GEAR_CREATED("gear.created", Topics.GEAR, GearChanged.class),
    GEAR_UPDATED("gear.updated", Topics.GEAR, GearChanged.class),
    GEAR_DELETED("gear.deleted", Topics.GEAR, GearDeleted.class),

    EXECUTION_QUEUED("execution.queued", Topics.EXECUTION, ExecutionQueued.class),
    EXECUTION_STARTED("execution.started", Topics.EXECUTION, ExecutionStarted.class),
    EXECUTION_SUCCEEDED("execution.succeeded", Topics.EXECUTION, ExecutionEnded.class),
    EXECUTION_FAILED("execution.failed", Topics.EXECUTION, ExecutionEnded.class),
    EXECUTION_STOPPED("execution.stopped", Topics.EXECUTION, ExecutionEnded.class),
    CODE_UPLOADED("execution.code.uploaded", Topics.EXECUTION, StoredBytes.class),
    CODE_DELETED("execution.code.deleted", Topics.EXECUTION, StoredBytes.class),
    OUTPUT_SAVED("execution.output.saved", Topics.EXECUTION, StoredBytes.class),
    WORKDIR_DELETED("execution.workdir.deleted", Topics.EXECUTION, StoredBytes.class),

    WAREHOUSE_VERSION_CREATED("warehouse.version.created", Topics.WAREHOUSE, WarehouseVersionCreated.class),
    WAREHOUSE_VERSION_DELETED("warehouse.version.deleted", Topics.WAREHOUSE, WarehouseVersionDeleted.class),
    WAREHOUSE_ITEM_DELETED("warehouse.item.deleted", Topics.WAREHOUSE, WarehouseItemDeleted.class),

    STORAGE_QUOTA_EXCEEDED("storage.quota.exceeded", Topics.STORAGE, StorageQuotaState.class),
    STORAGE_QUOTA_RESTORED("storage.quota.restored", Topics.STORAGE, StorageQuotaState.class),

    BILLING_BALANCE_EXHAUSTED("billing.balance.exhausted", Topics.BILLING, BillingBalanceState.class),
    BILLING_BALANCE_RESTORED("billing.balance.restored", Topics.BILLING, BillingBalanceState.class),

    // appended, not grouped by topic: the golden files number event ids by ordinal
    STORAGE_USAGE_CORRECTED("storage.usage.corrected", Topics.STORAGE, StorageUsageCorrected.class),
    EXECUTION_WARNED("execution.warned", Topics.EXECUTION, ExecutionWarned.class),
    BILLING_BALANCE_LOW("billing.balance.low", Topics.BILLING, BillingBalanceLow.class),
    BILLING_CAP_REACHED("billing.cap.reached", Topics.BILLING, SpendingCapReached.class),
    STORAGE_QUOTA_NEARLY_FULL("storage.quota.nearly-full", Topics.STORAGE, StorageQuotaState.class);

    private static final Map<String, EventType> BY_TYPE = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(EventType::type, Function.identity()));

    private final String type;
    private final String topic;
    private final Class<? extends EventPayload> payloadClass;

    EventType(String type, String topic, Class<? extends EventPayload> payloadClass) {
        this.type = type;
        this.topic = topic;
        this.payloadClass = payloadClass;
    }

    public String type() {
        return type;
    }

    public String topic() {
        return topic;
    }

    /** The {@code source} of every event of this type: the service that owns its topic. */
    public String producer() {
        return Topics.producer(topic);
    }

    public Class<? extends EventPayload> payloadClass() {
        return payloadClass;
    }

    /** Unknown types are not an error for a reader: newer producers may know more types. */
    public static Optional<EventType> of(String type) {
        return Optional.ofNullable(BY_TYPE.get(type));
    }
}
