package io.hyperai.gear;

import static io.hyperai.gear.support.GearApi.create;
import static io.hyperai.gear.support.GearApi.createOk;
import static io.hyperai.gear.support.GearApi.dataset;
import static io.hyperai.gear.support.GearApi.gear;
import static io.hyperai.gear.support.GearApi.list;
import static io.hyperai.gear.support.GearApi.output;
import static io.hyperai.gear.support.GearApi.traces;
import static io.hyperai.gear.support.GearApi.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.hyperai.gear.support.DependencyStubs;
import io.hyperai.test.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;

/**
 * Storage, warehouse or execution service down or slow: creating (or re-binding) a gear answers 503
 * with Retry-After in bounded time and changes nothing; repeated failures open the circuit.
 */
@QuarkusTest
class GearResilienceTest {

    /** Far above the 2 s timeout; a call that waited for the dependency would take this long. */
    private static final Duration SLOW = Duration.ofSeconds(20);

    @BeforeEach
    @AfterEach
    void dependenciesUp() {
        DependencyStubs.reset();
        DependencyStubs.resetCircuits();
        DependencyStubs.version("dataset", "resilient", 1, "alice", 10);
        DependencyStubs.output("resilient-run", "alice", "g", 10);
    }

    @Test
    void storageDownRefusesWith503AndCreatesNothing() {
        DependencyStubs.STORAGE.down();
        String name = unique("storage-down");
        unavailable(create(Tokens.alice(), gear(name)));
        assertThat(traces(name)).isZero();
    }

    @Test
    void warehouseDownRefusesWith503AndCreatesNothing() {
        DependencyStubs.WAREHOUSE.down();
        String name = unique("warehouse-down");
        unavailable(create(Tokens.alice(), withDataset(name)));
        assertThat(traces(name)).isZero();
        // a gear without bindings does not need the warehouse
        createOk(Tokens.alice(), gear(unique("no-bindings")));
    }

    @Test
    void executionServiceDownRefusesAnOutputBindingWith503() {
        DependencyStubs.EXECUTION.down();
        String name = unique("execution-down");
        unavailable(create(Tokens.alice(), gear(name, "cpu-2c4g", "pytorch-2.4-cpu",
                list(output("/hyperai/home", "resilient-run")))));
        assertThat(traces(name)).isZero();
    }

    @Test
    void aSlowStorageIsCutOffByTheTimeout() {
        DependencyStubs.STORAGE.delay(SLOW);
        String name = unique("storage-slow");
        long started = System.nanoTime();
        unavailable(create(Tokens.alice(), gear(name)));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(SLOW);
        assertThat(traces(name)).isZero();
    }

    @Test
    void aSlowWarehouseIsCutOffByTheTimeout() {
        DependencyStubs.WAREHOUSE.delay(SLOW);
        String name = unique("warehouse-slow");
        long started = System.nanoTime();
        unavailable(create(Tokens.alice(), withDataset(name)));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(SLOW);
        assertThat(traces(name)).isZero();
    }

    @Test
    void aWarehouseFailingWith5xxIsUnavailableToo() {
        DependencyStubs.WAREHOUSE.answer("/internal/warehouse/datasets/resilient/versions/1", 500, "{}");
        String name = unique("warehouse-500");
        unavailable(create(Tokens.alice(), withDataset(name)));
        assertThat(traces(name)).isZero();
    }

    @Test
    void anAnswerOutsideTheContractIsUnavailabilityNotAVerdict() {
        DependencyStubs.STORAGE.answer("/internal/storage/admission/alice", 401, "{}");
        String name = unique("storage-401");
        unavailable(create(Tokens.alice(), gear(name)));
        dependenciesUp();
        DependencyStubs.WAREHOUSE.answer("/internal/warehouse/datasets/resilient/versions/1", 403, "{}");
        unavailable(create(Tokens.alice(), withDataset(name)));
        assertThat(traces(name)).isZero();
    }

    @Test
    void aChangeOfBindingsWhileTheWarehouseIsDownChangesNothing() {
        String id = createOk(Tokens.alice(), gear(unique("rebind")));
        DependencyStubs.WAREHOUSE.down();
        unavailable(given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON)
                .body(Map.of("name", "rebound", "bindings", list(dataset("/hyperai/input/input0", "resilient", 1))))
                .patch("/api/v1/gears/" + id));
        given().auth().oauth2(Tokens.alice()).get("/api/v1/gears/" + id).then().statusCode(200)
                .body("revision", equalTo(1));
    }

    @Test
    void repeatedFailuresOpenTheCircuitSoTheWarehouseIsLeftAlone() {
        DependencyStubs.WAREHOUSE.down();
        for (int i = 0; i < 4; i++) {
            unavailable(create(Tokens.alice(), withDataset(unique("tripping"))));
        }
        assertThat(CircuitBreakerMaintenance.get().currentState("warehouse")).isEqualTo(CircuitBreakerState.OPEN);

        DependencyStubs.WAREHOUSE.up();
        int before = DependencyStubs.WAREHOUSE.requests();
        String name = unique("while-open");
        unavailable(create(Tokens.alice(), withDataset(name)));
        assertThat(DependencyStubs.WAREHOUSE.requests()).as("calls reaching the warehouse while the circuit is open")
                .isEqualTo(before);
        assertThat(traces(name)).isZero();

        DependencyStubs.resetCircuits();
        createOk(Tokens.alice(), withDataset(unique("after-reset")));
    }

    @Test
    void aMissingDatasetDoesNotOpenTheCircuit() {
        for (int i = 0; i < 6; i++) {
            create(Tokens.alice(), gear(unique("missing"), "cpu-2c4g", "pytorch-2.4-cpu",
                    list(dataset("/hyperai/input/input0", "nothing-here", 1)))).then().statusCode(400);
        }
        assertThat(CircuitBreakerMaintenance.get().currentState("warehouse")).isEqualTo(CircuitBreakerState.CLOSED);
        createOk(Tokens.alice(), withDataset(unique("still-fine")));
    }

    private static Map<String, Object> withDataset(String name) {
        return gear(name, "cpu-2c4g", "pytorch-2.4-cpu", list(dataset("/hyperai/input/input0", "resilient", 1)));
    }

    private static void unavailable(Response response) {
        response.then().statusCode(503)
                .contentType(startsWith("application/problem+json"))
                .header("Retry-After", notNullValue())
                .body("type", equalTo("urn:hyperai:problem:dependency-unavailable"));
    }
}
