package io.hyperai.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.hyperai.contracts.billing.BillingApi;
import io.hyperai.contracts.execution.ExecutionApi;
import io.hyperai.contracts.gear.GearApi;
import io.hyperai.contracts.storage.OwnedBytes;
import io.hyperai.contracts.storage.StorageApi;
import io.hyperai.contracts.warehouse.WarehouseApi;

/**
 * Pins the wire form of every record of every internal API to a file under {@code src/test/resources/contracts}:
 * a change to what a service sends or answers shows up as a diff of that file. Regenerate deliberately with
 * {@code -Dgolden.update=true}.
 */
class ContractWireFormTest {

    private static final Path GOLDEN = Path.of("src/test/resources/contracts");
    private static final List<Class<?>> APIS = List.of(OwnedBytes.class, StorageApi.class, BillingApi.class, ExecutionApi.class,
            WarehouseApi.class, GearApi.class);
    private static final Instant T0 = Instant.parse("2026-11-29T08:00:00Z");
    private static final Instant T1 = Instant.parse("2026-11-29T09:30:15Z");
    private static final String ALICE = "6f1c1f7e-3b7a-4d55-9f0e-2f1f0b8a1c01";

    /** Strict on purpose: the records must tolerate unknown fields by their own annotation, whatever the mapper. */
    private static final ObjectMapper MAPPER = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    static final Map<Class<?>, Object> SAMPLES = new LinkedHashMap<>();
    static {
        SAMPLES.put(StorageApi.StorageAdmission.class,
                new StorageApi.StorageAdmission(ALICE, 21_474_836_480L, 21_474_836_481L, 0, true, "over quota"));
        SAMPLES.put(StorageApi.ReservationRequest.class, new StorageApi.ReservationRequest(ALICE, 734_003_200L,
                "0b9f3c4e-5a6d-4e7f-8a9b-0c1d2e3f4a5b"));
        SAMPLES.put(StorageApi.Reservation.class,
                new StorageApi.Reservation("resv-9", ALICE, 734_003_200L, T1));
        SAMPLES.put(BillingApi.BillingAdmission.class, new BillingApi.BillingAdmission(ALICE, -37, "CNY", false,
                BillingApi.BillingAdmission.BALANCE_EXHAUSTED));
        SAMPLES.put(BillingApi.UsersRequest.class, new BillingApi.UsersRequest(List.of(ALICE, "bob")));
        SAMPLES.put(BillingApi.ExhaustedUsers.class, new BillingApi.ExhaustedUsers(List.of(ALICE), List.of("bob"),
                List.of("exec-1")));
        SAMPLES.put(ExecutionApi.Output.class,
                new ExecutionApi.Output("exec-0", ALICE, "gear-1", "SUCCEEDED", "exec-0", 1_073_741_824L));
        OwnedBytes.StoredObject object = new OwnedBytes.StoredObject("DATASET", "item-1/v2", ALICE, 734_003_200L, T0);
        SAMPLES.put(OwnedBytes.StoredObject.class, object);
        SAMPLES.put(OwnedBytes.StoredObjects.class, new OwnedBytes.StoredObjects(List.of(object)));
        SAMPLES.put(OwnedBytes.ObjectsRequest.class, new OwnedBytes.ObjectsRequest(List.of(ALICE, "bob")));
        SAMPLES.put(ExecutionApi.EndedRequest.class, new ExecutionApi.EndedRequest(List.of("exec-0", "exec-1")));
        ExecutionApi.Ended ended = new ExecutionApi.Ended("exec-0", "gear-1", ALICE, "STOPPED", T0, T1, null,
                "USER_STOPPED");
        SAMPLES.put(ExecutionApi.Ended.class, ended);
        SAMPLES.put(ExecutionApi.EndedExecutions.class, new ExecutionApi.EndedExecutions(List.of(ended),
                List.of("exec-1")));
        SAMPLES.put(WarehouseApi.Version.class,
                new WarehouseApi.Version("ds-1", "dataset", 3, ALICE, 734_003_200L, "datasets/ds-1/v3",
                        "public"));
        GearApi.Spec spec = new GearApi.Spec("gpu-a100-1", "GPU", 8, 65_536, 200, 1, "A100-80G", 1290, "CNY",
                Map.of("hyperai.io/gpu", "a100"), false);
        GearApi.Image image = new GearApi.Image("pytorch-2.4-gpu", "pytorch", "2.4", "GPU", "hyperai/pytorch:2.4-gpu",
                false);
        GearApi.Source dataset = new GearApi.Source("dataset", "ds-1", 3, null);
        GearApi.Source output = new GearApi.Source("output", null, null, "exec-0");
        GearApi.Mount input = new GearApi.Mount("/hyperai/input/input0", true, dataset, "datasets/ds-1/v3",
                734_003_200L, null, null, null);
        GearApi.Mount home = new GearApi.Mount("/hyperai/home", false, output, null, null, "exec-0", 1_073_741_824L,
                "the saved output of execution exec-0 was deleted");
        SAMPLES.put(GearApi.Spec.class, spec);
        SAMPLES.put(GearApi.Image.class, image);
        SAMPLES.put(GearApi.Source.class, dataset);
        SAMPLES.put(GearApi.Mount.class, home);
        SAMPLES.put(GearApi.GearRuntime.class, new GearApi.GearRuntime("gear-1", ALICE, "resnet training", 2, spec,
                image, List.of(input, home), T0, T1, new GearApi.IdlePolicy(1_800, 3_600)));
        SAMPLES.put(GearApi.IdlePolicy.class, new GearApi.IdlePolicy(1_800, null));
    }

    static Stream<Class<?>> records() {
        return APIS.stream().flatMap(api -> Arrays.stream(api.getDeclaredClasses())).filter(Class::isRecord);
    }

    @Test
    void everyRecordHasASample() {
        assertThat(SAMPLES.keySet()).containsExactlyInAnyOrderElementsOf(records().toList());
    }

    @ParameterizedTest
    @MethodSource("records")
    void wireFormIsPinned(Class<?> type) throws IOException {
        String json = MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(SAMPLES.get(type)) + "\n";
        Path file = golden(type);
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(file, json, StandardCharsets.UTF_8);
        }
        assertThat(file).as("golden file for " + type.getName()).exists();
        assertThat(json).isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @MethodSource("records")
    void goldenFileReadsBackIntoItsRecord(Class<?> type) throws IOException {
        assertThat(MAPPER.readValue(golden(type).toFile(), type)).isEqualTo(SAMPLES.get(type));
    }

    /**
     * A server one release ahead may answer a field its callers do not know yet; a request, though, is read as
     * strictly as any other request body (a field the server does not know is a 400 naming it).
     */
    @ParameterizedTest
    @MethodSource("records")
    void answersTolerateUnknownFieldsAndRequestsRefuseThem(Class<?> type) throws IOException {
        ObjectNode json = MAPPER.valueToTree(SAMPLES.get(type));
        json.put("addedInALaterVersion", 42);
        json.putObject("nested").put("x", 1);
        if (type.getSimpleName().endsWith("Request")) {
            assertThatThrownBy(() -> MAPPER.treeToValue(json, type)).hasMessageContaining("addedInALaterVersion");
        } else {
            assertThat(MAPPER.treeToValue(json, type)).isEqualTo(SAMPLES.get(type));
        }
    }

    private static Path golden(Class<?> type) {
        String service = type.getPackageName().substring(type.getPackageName().lastIndexOf('.') + 1);
        return GOLDEN.resolve(service + "." + type.getSimpleName() + ".json");
    }
}
