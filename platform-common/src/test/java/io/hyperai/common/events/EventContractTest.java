package io.hyperai.common.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.hyperai.common.events.payload.*;

/**
 * Pins the wire form of every event type to a file under {@code src/test/resources/golden}.
 * A change to a contract shows up as a diff of that file; regenerate deliberately with
 * {@code -Dgolden.update=true}.
 */
class EventContractTest {

    private static final Path GOLDEN = Path.of("src/test/resources/golden");
    private static final Instant T0 = Instant.parse("2026-11-29T08:00:00Z");
    private static final Instant T1 = Instant.parse("2026-11-29T09:30:15Z");
    private static final String ALICE = "6f1c1f7e-3b7a-4d55-9f0e-2f1f0b8a1c01";

    static final Map<EventType, EventPayload> SAMPLES = new EnumMap<>(EventType.class);
    static {
        GearChanged gear = new GearChanged("gear-1", ALICE, "resnet training", "gpu-a100-1", "pytorch-2.4-gpu",
                List.of(new GearChanged.Binding("/hyperai/input/input0", "dataset", "ds-1", 3, null),
                        new GearChanged.Binding("/hyperai/home", "output", null, null, "exec-0")));
        SAMPLES.put(EventType.GEAR_CREATED, gear);
        SAMPLES.put(EventType.GEAR_UPDATED, gear);
        SAMPLES.put(EventType.GEAR_DELETED, new GearDeleted("gear-1", ALICE));
        SAMPLES.put(EventType.EXECUTION_QUEUED, new ExecutionQueued("exec-1", "gear-1", ALICE, "script", "gpu-a100-1", T0,
                "a100-80g", 3, T1));
        SAMPLES.put(EventType.EXECUTION_STARTED,
                new ExecutionStarted("exec-1", "gear-1", ALICE, "jupyter", "gpu-a100-1", 1290, "CNY", T0, 5000L));
        SAMPLES.put(EventType.EXECUTION_SUCCEEDED, new ExecutionEnded("exec-1", "gear-1", ALICE, T0, T1, 0, null));
        SAMPLES.put(EventType.EXECUTION_FAILED,
                new ExecutionEnded("exec-1", "gear-1", ALICE, T0, T1, 137, "MEMORY_LIMIT_EXCEEDED"));
        SAMPLES.put(EventType.EXECUTION_STOPPED,
                new ExecutionEnded("exec-1", "gear-1", ALICE, T0, T1, null, "BALANCE_EXHAUSTED"));
        SAMPLES.put(EventType.CODE_UPLOADED, new StoredBytes("code-1", ALICE, 52_431,
                "5b0d2e1a-0000-4000-8000-00000000000a"));
        SAMPLES.put(EventType.CODE_DELETED, new StoredBytes("code-1", ALICE, 52_431));
        SAMPLES.put(EventType.OUTPUT_SAVED, new StoredBytes("exec-1", ALICE, 1_073_741_824L));
        SAMPLES.put(EventType.WORKDIR_DELETED, new StoredBytes("exec-1", ALICE, 1_073_741_824L));
        SAMPLES.put(EventType.WAREHOUSE_VERSION_CREATED,
                new WarehouseVersionCreated("ds-1", "dataset", 3, ALICE, 734_003_200L, "resv-9"));
        SAMPLES.put(EventType.WAREHOUSE_VERSION_DELETED,
                new WarehouseVersionDeleted("ds-1", "dataset", 3, ALICE, 734_003_200L));
        SAMPLES.put(EventType.WAREHOUSE_ITEM_DELETED, new WarehouseItemDeleted("ds-1", "dataset", ALICE));
        SAMPLES.put(EventType.STORAGE_QUOTA_EXCEEDED,
                new StorageQuotaState(ALICE, 21_474_836_480L, 21_474_836_481L));
        SAMPLES.put(EventType.STORAGE_QUOTA_RESTORED, new StorageQuotaState(ALICE, 21_474_836_480L, 1_000L));
        SAMPLES.put(EventType.STORAGE_USAGE_CORRECTED, new StorageUsageCorrected(ALICE, 1, 1, 0, 2_000L, 5_000L));
        SAMPLES.put(EventType.BILLING_BALANCE_EXHAUSTED, new BillingBalanceState(ALICE, -37, "CNY"));
        SAMPLES.put(EventType.BILLING_BALANCE_RESTORED, new BillingBalanceState(ALICE, 10_000, "CNY"));
        SAMPLES.put(EventType.EXECUTION_WARNED, new ExecutionWarned("exec-1", ALICE, "IDLE", T1));
        SAMPLES.put(EventType.BILLING_BALANCE_LOW, new BillingBalanceLow(ALICE, 480, 500, 8_040L, "CNY"));
        SAMPLES.put(EventType.BILLING_CAP_REACHED,
                new SpendingCapReached(ALICE, "EXECUTION", "exec-1", 2_000, 2_003, "CNY"));
        SAMPLES.put(EventType.STORAGE_QUOTA_NEARLY_FULL,
                new StorageQuotaState(ALICE, 21_474_836_480L, 19_327_352_832L));
    }

    private static EventEnvelope sample(EventType type) {
        return EventCodec.envelope("0b9a3c55-0000-4000-8000-00000000000" + (type.ordinal() % 10), "/test-service",
                type, "aggregate-1", T1, SAMPLES.get(type));
    }

    @Test
    void everyTypeHasASample() {
        assertThat(SAMPLES.keySet()).containsExactlyInAnyOrder(EventType.values());
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void wireFormIsPinned(EventType type) throws IOException {
        String json = EventCodec.mapper().writerWithDefaultPrettyPrinter()
                .writeValueAsString(EventCodec.mapper().readTree(EventCodec.write(sample(type))));
        Path file = GOLDEN.resolve(type.type() + ".json");
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(file, json + "\n", StandardCharsets.UTF_8);
        }
        assertThat(file).as("golden file for " + type.type()).exists();
        assertThat(json + "\n").isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void goldenFileReadsBackIntoItsPayload(EventType type) throws IOException {
        EventEnvelope read = EventCodec.read(Files.readString(GOLDEN.resolve(type.type() + ".json")));
        assertThat(EventType.of(read.type())).contains(type);
        assertThat(read.specversion()).isEqualTo("1.0");
        assertThat(read.time()).isEqualTo(T1);
        assertThat(EventCodec.payload(read, type)).isEqualTo(SAMPLES.get(type));
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void readersTolerateUnknownFields(EventType type) throws IOException {
        ObjectNode json = (ObjectNode) EventCodec.mapper().readTree(EventCodec.write(sample(type)));
        json.put("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        ((ObjectNode) json.get("data")).put("addedInALaterVersion", 42);
        ((ObjectNode) json.get("data")).putObject("nested").put("x", 1);
        EventEnvelope read = EventCodec.read(json.toString());
        assertThat(EventCodec.payload(read, type)).isEqualTo(SAMPLES.get(type));
    }

    @Test
    void unknownTypesAreReadableButNotMapped() {
        EventEnvelope read = EventCodec.read(
                "{\"specversion\":\"1.0\",\"id\":\"x\",\"source\":\"/future\",\"type\":\"future.thing\",\"data\":{}}");
        assertThat(EventType.of(read.type())).isEmpty();
    }

    @Test
    void garbageIsRefusedWithAReason() {
        assertThatThrownBy(() -> EventCodec.read("not json")).isInstanceOf(MalformedEventException.class);
        assertThatThrownBy(() -> EventCodec.read("{\"type\":\"gear.created\"}"))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("without id");
        JsonNode wrongData = EventCodec.mapper().createObjectNode().put("bytes", "many");
        EventEnvelope bad = new EventEnvelope("1.0", "e", "/s", "execution.code.uploaded", "a", T0, "application/json",
                wrongData);
        assertThatThrownBy(() -> EventCodec.payload(bad, EventType.CODE_UPLOADED))
                .isInstanceOf(MalformedEventException.class);
    }

    @Test
    void payloadMustMatchItsType() {
        assertThatThrownBy(() -> EventCodec.envelope("/s", EventType.GEAR_DELETED, "g",
                new StoredBytes("c", ALICE, 1))).isInstanceOf(IllegalArgumentException.class);
    }
}
